"""Words for search, the same for every database: folding, query terms, the stemmer, snippets.

Both the indexed text and the query go through `fold` (lower case, accents removed, anything but
letters and digits a space), so PostgreSQL's `simple` configuration and SQLite's FTS5 `unicode61`
tokenizer split them into the very same words, and "1187/BAPPEDA" becomes the words 1187 and
bappeda. Indonesian affixes are handled at query time: each word also matches its stem
(Sastrawi: "kepegawaian" also finds "pegawai"), which keeps indexing free of the stemmer's cost.
"""

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_TAG = re.compile(r"<[^>]*>")
_HAS_DIGIT = re.compile(r"\d")

# Words that say nothing about which letter is meant ("surat undangan rapat" is about an
# invitation to a meeting): left out of a query unless the query has nothing else.
STOP_WORDS = frozenset(
    "surat nomor no hal perihal tentang dan atau yang di ke dari untuk dengan pada dalam "
    "oleh kepada yth the of".split()
)
MIN_STEM = 4


# ASCII bytes to their folded form: letters to lower case, digits kept, anything else a space.
_ASCII_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256)
)
# A longer word cannot be a PostgreSQL lexeme (2,047 bytes); no real word is near it.
MAX_WORD = 2047


def fold(text: str) -> str:
    """Lower case, accents removed, every run of other characters one space."""
    if not text:
        return ""
    if text.isascii():  # most letters are: one C-level pass (reindex speed, ~6x the regexp)
        return " ".join(text.encode("ascii").translate(_ASCII_FOLD).decode("ascii").split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", text.lower()).strip()


def distinct_words(text: str) -> str:
    """The distinct folded words of a text, space-separated in first-seen order (a letter's body
    and scan: where a word is and how often does not matter for search), none longer than
    MAX_WORD."""
    if text.isascii():
        words = dict.fromkeys(text.encode("ascii").translate(_ASCII_FOLD).split())
        if words and max(map(len, words)) > MAX_WORD:
            words = [w for w in words if len(w) <= MAX_WORD]
        return b" ".join(words).decode("ascii")
    return " ".join(w for w in dict.fromkeys(fold(text).split()) if len(w) <= MAX_WORD)


def vector_text(weighted: list[tuple[str, str]], plain: str) -> str:
    """A PostgreSQL tsvector in its text form, built here instead of by to_tsvector (the words
    are already folded to [0-9a-z]): each word of the (folded text, weight) pairs with its
    positions (at most 8 each) and weight, then the `plain` words without positions (weight D,
    the default; PostgreSQL merges a word given twice). Read with `::tsvector`."""
    positions: dict[str, list[str]] = {}
    n = 0
    for text, weight in weighted:
        for word in text.split():
            n += 1
            if len(word) > MAX_WORD:
                continue
            found = positions.setdefault(word, [])
            if len(found) < 8:
                found.append(f"{min(n, 16383)}{weight}")
    head = " ".join(f"{word}:{','.join(at)}" for word, at in positions.items())
    return f"{head} {plain}" if head and plain else head or plain


def strip_tags(markup: str) -> str:
    """The words of a letter's (sanitised) HTML body."""
    return html.unescape(_TAG.sub(" ", markup or ""))


@functools.cache
def _stemmer():
    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """The Indonesian stem of a folded word (the word itself for numbers and short words)."""
    if len(word) < MIN_STEM or _HAS_DIGIT.search(word):
        return word
    return _stemmer().stem(word) or word


@dataclass(frozen=True)
class Term:
    """One word of a query: it matches `word` (as a prefix when `prefix`) or its `stem`."""

    word: str
    stem: str
    prefix: bool

    @property
    def alternatives(self) -> tuple[str, ...]:
        return (self.word,) if self.stem == self.word else (self.word, self.stem)


def terms(query: str) -> list[Term]:
    """The query's words: stop words dropped (unless nothing else is left), the last word marked
    as a prefix (a word or a number still typed: the facade tries it when the whole words find
    nothing). Only the last: a short number part as a prefix
    ("1:*", "000:*") reads the postings of thousands of words (0.5 s at 1,000,000 letters); a
    number part found in no word (187 of 1187) is found by the facade's second try on the
    letters' numbers (esurat.search.backends.search)."""
    words = fold(query).split()[:12]
    kept = [w for w in words if w not in STOP_WORDS] or words
    found, seen = [], set()
    for i, word in enumerate(kept):
        if word in seen:
            continue
        seen.add(word)
        prefix = i == len(kept) - 1
        found.append(Term(word, stem(word), prefix))
    return found


def number_text(query: str) -> str:
    """The query as a partial number ("1187/bap" → "1187 bap"), or "" when it holds no digit."""
    folded = fold(query)
    return folded if _HAS_DIGIT.search(folded) else ""


def snippet(text: str, found: list[Term], *, width: int = 180) -> str:
    """An HTML-safe extract of `text` around its first matching word, matches in <mark>."""
    if not text:
        return ""
    words = [re.escape(w) for t in found for w in t.alternatives if len(w) > 1]
    pattern = re.compile(r"\b(" + "|".join(words) + r")\w*", re.IGNORECASE) if words else None
    plain = text
    if not plain.isascii():  # most letters are: skip the per-character work (~30 ms a page)
        plain = unicodedata.normalize("NFKD", plain)
        plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = " ".join(plain.split())
    hit = pattern.search(plain) if pattern else None
    start = max(0, hit.start() - width // 3) if hit else 0
    if start:
        space = plain.find(" ", start)
        start = space + 1 if 0 <= space < (hit.start() if hit else start + 20) else start
    extract = plain[start : start + width]
    parts, last = [], 0
    for m in pattern.finditer(extract) if pattern else ():
        parts.append(html.escape(extract[last : m.start()]))
        parts.append(f"<mark>{html.escape(m.group(0))}</mark>")
        last = m.end()
    parts.append(html.escape(extract[last:]))
    out = "".join(parts)
    return ("…" if start else "") + out + ("…" if start + width < len(plain) else "")
