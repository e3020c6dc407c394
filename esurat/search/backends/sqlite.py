"""Search on SQLite: the FTS5 table `search_fts` (rowid = letter id; title, numbers, names, body),
created by migration 0003 and written together with SearchEntry. FTS5 has no trigram similarity
in this SQLite, so a misspelt name is corrected against the government's names in Python
(difflib) before matching; a number typed in part matches by LIKE on `numbers`."""

import difflib
import functools

from django.db import connection
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

from esurat.letters.access import visible_letter_ids
from esurat.letters.models import ExternalParty
from esurat.organisations.models import Agency
from esurat.search.documents import entries_for
from esurat.search.models import SearchEntry
from esurat.search.text import fold

TABLE = SearchEntry._meta.db_table
UPDATE_FIELDS = [f.name for f in SearchEntry._meta.concrete_fields if not f.primary_key]
WEIGHTS = "10.0, 10.0, 4.0, 1.0"  # title, numbers, names, body


def index(letter_ids) -> int:
    """Insert or replace the entries of these letters and their FTS5 rows; returns how many
    letters were found."""
    entries = entries_for(letter_ids)
    if not entries:
        return 0
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["letter"], update_fields=UPDATE_FIELDS
    )
    ids = [e.letter_id for e in entries]
    with connection.cursor() as cursor:
        _delete_fts(cursor, ids)
        cursor.executemany(
            "INSERT INTO search_fts (rowid, title, numbers, names, body) VALUES (%s, %s, %s, %s, %s)",
            [(e.letter_id, e.title, e.numbers, e.names, e.body) for e in entries],
        )
    return len(entries)


def _delete_fts(cursor, ids) -> None:
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)


def refresh_readers(letter_ids) -> None:
    """Nothing to do: SQLite reads who may read a letter from the letters' own tables."""


def delete(letter_ids) -> None:
    ids = list(letter_ids)
    SearchEntry.objects.filter(letter_id__in=ids).delete()
    with connection.cursor() as cursor:
        _delete_fts(cursor, ids)


def _expression(terms, alike: dict[str, list[str]]) -> str:
    groups = []
    for term in terms:
        words = [f'"{term.word}"*' if term.prefix else f'"{term.word}"']
        if term.stem != term.word:
            words.append(f'"{term.stem}"')
        words += [f'"{w}"' for w in alike.get(term.word, [])]
        groups.append("(" + " OR ".join(words) + ")")
    return " AND ".join(groups)


@functools.lru_cache(maxsize=8)
def _name_words(government_id: int, generation: int) -> tuple[str, ...]:
    names = list(
        ExternalParty.objects.filter(government_id=government_id).values_list("name", flat=True)
    )
    names += Agency.objects.filter(government_id=government_id).values_list("name", "short_name")
    words = {w for n in names for w in fold(" ".join(n) if isinstance(n, tuple) else n).split()}
    return tuple(sorted(w for w in words if len(w) > 3))


def _similar_names(terms, government_id: int) -> dict[str, list[str]]:
    generation = ExternalParty.objects.filter(government_id=government_id).count()
    words = _name_words(government_id, generation)
    return {
        t.word: difflib.get_close_matches(t.word, words, n=3, cutoff=0.75)
        for t in terms
        if len(t.word) > 3
    }


def match(entries, terms, number: str, *, fuzzy: bool, government_id: int):
    """Narrow the entries to those matching the terms, annotated with `rank` (higher first)."""
    alike = _similar_names(terms, government_id) if fuzzy else {}
    expression = _expression(terms, alike)
    hits = RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])
    condition = Q(letter_id__in=hits)
    if number:
        condition |= Q(numbers__contains=number)
    return entries.filter(condition).annotate(rank=_rank(expression))


def newest(matched, limit: int, user, after=None) -> list[tuple]:
    """The newest `limit` matches as (letter_id, sort_at), newest first (see the PostgreSQL
    twin; `matched` is already narrowed to entries older than `after`)."""
    rows = matched.order_by("-sort_at", "-letter_id").values_list("letter_id", "sort_at")
    return list(rows[:limit])


def ranking(terms) -> RawSQL:
    """How well an entry matches the terms (higher first): FTS5's bm25, weighted by column."""
    return _rank(_expression(terms, {}))


def _rank(expression: str) -> RawSQL:
    return RawSQL(
        f"COALESCE((SELECT -bm25(search_fts, {WEIGHTS}) FROM search_fts WHERE search_fts "
        f"MATCH %s AND search_fts.rowid = {TABLE}.letter_id), 0.0)",
        [expression],
        output_field=FloatField(),
    )


def bulk_start(empty: bool = False) -> None:
    """Nothing to prepare (FTS5 takes rows in bulk as fast as one by one) but, when `empty`,
    removing every entry first."""
    if empty:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute("DELETE FROM search_fts")


def bulk_end(jobs: int = 1) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def readable(user) -> Q:
    """The entries of the letters the user may read (`IN (their ids)`): no readers column here,
    the embedded database serves a small government."""
    return Q(letter_id__in=visible_letter_ids(user))
