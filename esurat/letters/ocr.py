"""Reading the text of a scanned letter, and proposing its metadata from that text.

`read_pdf` returns the text of every page: a born-digital PDF (one saved from a word processor or
received by e-mail) keeps its own text; pages that are only pictures go through OCRmyPDF and
Tesseract in Indonesian. Tesseract runs single-threaded (OMP_THREAD_LIMIT=1): the worker gets its
parallelism from pages and processes, and OpenMP threads only fight over the same cores.

`propose` reads the text the way a clerk reads the paper: the sender from the letterhead (the
first lines), the sender's number from "Nomor :", the date from "Banua Raya, 23 November 2026",
and the subject from "Hal :" or "Perihal :". The "Yth." block names the addressee, never the
sender. Every proposal is only a proposal: the clerk checks it before it is applied.
"""

import datetime
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# A page with fewer visible characters than this has no real text layer (a stray page number).
MIN_PAGE_TEXT = 20


@dataclass(frozen=True)
class ReadResult:
    text: str  # pages separated by form feeds (\f)
    source: str  # "pdf" (the file's own text), "ocr", or "mixed"
    pages: int


class ReadError(Exception):
    """The scan could not be read; the message says why (for the clerk and the log)."""


def digital_text(path: str | Path) -> list[str]:
    """The text layer of each page, as the PDF itself carries it ("" for a picture-only page)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ReadError(f"the PDF cannot be opened: {exc}") from exc
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            textpage.close()
            page.close()
            pages.append(_clean_pdfium(text))
        return pages
    finally:
        document.close()


def _clean_pdfium(text: str) -> str:
    # pdfium ends lines with \r\n and marks a hyphen at a line end with \x02.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-\n").strip()


def _has_text(page: str) -> bool:
    return len(re.sub(r"\s", "", page)) >= MIN_PAGE_TEXT


def read_pdf(
    path: str | Path, *, language: str | None = None, jobs: int | None = None
) -> ReadResult:
    """The text of every page of the PDF at `path`; OCR only for pages without their own text.

    Writes only to a temporary directory, so a run killed halfway leaves nothing behind but that
    directory (removed by the system's temp cleaning).
    """
    pages = digital_text(path)
    if pages and all(_has_text(p) for p in pages):
        return ReadResult(text="\f".join(pages), source="pdf", pages=len(pages))
    ocr_pages = _ocr(path, language=language or getattr(settings, "OCR_LANGUAGE", "ind"), jobs=jobs)
    if len(ocr_pages) != len(pages):
        # Unexpected sidecar shape: trust OCR for everything it returned.
        return ReadResult(text="\f".join(ocr_pages), source="ocr", pages=len(pages))
    merged = [own if _has_text(own) else ocr for own, ocr in zip(pages, ocr_pages, strict=True)]
    source = "ocr" if not any(_has_text(p) for p in pages) else "mixed"
    return ReadResult(text="\f".join(merged), source=source, pages=len(pages))


def read_file(path: str | Path, content_type: str) -> ReadResult:
    """The text of an attachment: a PDF as read_pdf reads it, an image (JPEG, PNG) by OCR after
    it is wrapped in a one-page PDF (at 300 dpi unless the image says otherwise)."""
    if content_type == "application/pdf":
        return read_pdf(path)
    from PIL import Image, UnidentifiedImageError

    with tempfile.TemporaryDirectory(prefix="esurat-image-") as tmp:
        wrapped = Path(tmp) / "image.pdf"
        try:
            with Image.open(path) as image:
                dpi = image.info.get("dpi", (300, 300))[0] or 300
                image.convert("RGB").save(wrapped, "PDF", resolution=float(dpi))
        except (UnidentifiedImageError, OSError) as exc:
            raise ReadError(f"the image cannot be read: {exc}") from exc
        return read_pdf(wrapped)


def _ocr(path, *, language: str, jobs: int | None) -> list[str]:
    import ocrmypdf

    os.environ["OMP_THREAD_LIMIT"] = "1"
    with tempfile.TemporaryDirectory(prefix="esurat-ocr-") as tmp:
        sidecar = Path(tmp) / "text.txt"
        try:
            ocrmypdf.ocr(
                str(path), "-", language=[language], output_type="none",
                sidecar=str(sidecar), skip_text=True, optimize=0, progress_bar=False,
                jobs=jobs or getattr(settings, "OCR_JOBS", 1),
                tesseract_timeout=getattr(settings, "OCR_PAGE_TIMEOUT", 180),
            )  # fmt: skip
        except ocrmypdf.exceptions.EncryptedPdfError as exc:
            raise ReadError("the PDF is encrypted") from exc
        except ocrmypdf.exceptions.ExitCodeException as exc:
            raise ReadError(f"{type(exc).__name__}: {exc}") from exc
        text = sidecar.read_text(encoding="utf-8", errors="replace") if sidecar.exists() else ""
    return [p.strip() for p in text.split("\f")][: _page_count(path)] or [""]


def _page_count(path) -> int:
    import pikepdf

    with pikepdf.open(str(path)) as pdf:
        return len(pdf.pages)


# ---- The proposal ---------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3,
    "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_WORDS = re.compile(
    rf"\b([0-3]?\d)\s*[.\-]?\s*({_MONTH})\.?\s*[.\-]?\s*((?:19|20)\d\d)\b", re.I
)
DATE_DIGITS = re.compile(r"\b([0-3]?\d)\s*[-/.]\s*([01]?\d)\s*[-/.]\s*((?:19|20)\d\d)\b")
# "Nomor :", "No. :", "Nomor:" — Tesseract sometimes reads the colon as ";" or "." or drops it.
NUMBER_LINE = re.compile(r"^\s*(?:Nomor|Nomer|No)\s*\.?\s*[:;.]?\s*(.+)$", re.I)
NUMBER_VALUE = re.compile(r"[\w.\-]+(?:\s*/\s*[\w.\-]+)+")
SUBJECT_LINE = re.compile(r"^\s*(?:Perihal|Hal)\s*[:;.]\s*(.+)$", re.I)
SUBJECT_LOOSE = re.compile(r"^\s*(?:Perihal|Hal)\s+(.+)$", re.I)
DATE_LINE = re.compile(r"^\s*Tanggal\s*[:;.]\s*(.+)$", re.I)
PLACE_DATE = re.compile(r"^\s*[A-Za-z][A-Za-z .'\-]{1,40},\s*(.+)$")
LABELS = re.compile(
    r"^\s*(?:Nomor|Nomer|No\b|Sifat|Lampiran|Lamp\b|Hal\b|Perihal|Yth|Kepada|Tanggal|"
    r"Dengan hormat|Di\s*[-–]|Di$)",
    re.I,
)
BODY_START = re.compile(
    r"^\s*(?:Yth|Kepada|Dengan hormat|Sehubungan|Bersama ini|Dalam rangka)", re.I
)
CONTACT = re.compile(
    r"(?:\bJl\b\.?|\bJalan\b|Telp|Telepon|Tlp|Fax|Faks|E-?mail|Surel|Laman|Website|www\.|"
    r"Kode Pos|https?:|@|\bKotak Pos\b)",
    re.I,
)
SMALL_WORDS = {"dan", "di", "ke", "dari", "yang", "untuk", "pada", "atas", "serta", "atau"}
KEEP_UPPER = set(
    "RI DPRD OPD UPT UPTD BUMN BUMD PT CV TNI POLRI RSUD KPU BPK BPKP BPS BPBD PUPR SMA SMP SD "
    "SMK II III IV VI VII VIII IX XI XII".split()
)


def propose(text: str, *, today: datetime.date | None = None) -> dict:
    """Proposed sender, sender_number, sender_date (ISO) and subject; "" where nothing was found."""
    lines = [ln.strip() for ln in text.replace("\f", "\n").splitlines()]
    head = _head_lines(lines)
    return {
        "sender": _sender(lines),
        "sender_number": _number(head) or _number(lines),
        "sender_date": _date(lines, head, today=today),
        "subject": _subject(head) or _subject(lines),
    }


def _head_lines(lines: list[str]) -> list[str]:
    """The lines before the body of the first page ("Dengan hormat", or after the Yth. block)."""
    for i, line in enumerate(lines):
        if re.match(r"^\s*Dengan hormat", line, re.I):
            return lines[:i]
    return lines[:40]


def _number(lines: list[str]) -> str:
    for line in lines:
        match = NUMBER_LINE.match(line)
        if not match:
            continue
        value = match.group(1).strip()
        if value.lower().startswith(("telp", "hp", "fax", "rek")):
            continue
        found = NUMBER_VALUE.search(value)
        if found:
            return re.sub(r"\s*/\s*", "/", found.group(0)).strip(" .,;:")
        value = re.split(r"\s{2,}|\s+(?=[A-Z][a-z]+,)", value)[0]
        if re.search(r"\d", value):
            return value.strip(" .,;:")[:120]
    return ""


def parse_date(value: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """The first date written in words or digits in `value` ("23 November 2026", "23-11-2026")."""
    for match in DATE_WORDS.finditer(value):
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
        date = _valid(year, month, day, today)
        if date:
            return date
    for match in DATE_DIGITS.finditer(value):
        date = _valid(int(match.group(3)), int(match.group(2)), int(match.group(1)), today)
        if date:
            return date
    return None


def _valid(year, month, day, today) -> datetime.date | None:
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return None
    if today and date > today + datetime.timedelta(days=1):
        return None  # a letter is not dated in the future; this is a meeting date in the body
    return date


def _date(lines: list[str], head: list[str], *, today) -> str:
    for line in head:
        if match := DATE_LINE.match(line):
            if date := parse_date(match.group(1), today=today):
                return date.isoformat()
    for candidates in (head, lines):
        for line in candidates:
            match = PLACE_DATE.match(line)
            if match and not LABELS.match(line):
                if (date := parse_date(match.group(1), today=today)) and DATE_WORDS.search(line):
                    return date.isoformat()
    for line in head:
        if date := parse_date(line, today=today):
            return date.isoformat()
    return ""


def _subject(lines: list[str]) -> str:
    for pattern in (SUBJECT_LINE, SUBJECT_LOOSE):
        for i, line in enumerate(lines):
            match = pattern.match(line)
            if not match:
                continue
            parts = [match.group(1).strip()]
            # A long subject wraps; its continuation starts in lower case or is not a new label.
            for following in lines[i + 1 : i + 3]:
                if not following or LABELS.match(following) or BODY_START.match(following):
                    break
                if following[0].islower():
                    parts.append(following)
                else:
                    break
            subject = " ".join(parts).strip(" .,;:")
            if len(subject) >= 3:
                return subject[:300]
    return ""


def _sender(lines: list[str]) -> str:
    """The letterhead: the first lines of text, up to the address or the first label."""
    header = []
    for line in lines[:12]:
        if not line:
            if header:
                continue
            continue
        if (
            CONTACT.search(line)
            or LABELS.match(line)
            or PLACE_DATE.match(line)
            and parse_date(line)
        ):
            break
        if not _looks_like_words(line):
            if header:
                break
            continue  # the logo read as stray characters
        header.append(line)
        if len(header) == 4:
            break
    if not header:
        return ""
    first = header[0]
    if re.match(r"^PEMERINTAH\s+", first, re.I) and len(header) > 1:
        # "PEMERINTAH PROVINSI X" / "DINAS Y" is Dinas Y Provinsi X.
        header = [*header[1:], re.sub(r"^PEMERINTAH\s+", "", first, flags=re.I)]
    return _title(" ".join(header))[:300]


def _looks_like_words(line: str) -> bool:
    letters = sum(c.isalpha() for c in line)
    return len(line) >= 4 and letters / len(line) >= 0.7 and bool(re.search(r"[A-Za-z]{3}", line))


def _title(text: str) -> str:
    words = []
    for i, word in enumerate(text.split()):
        bare = word.strip(".,()")
        if bare.upper() in KEEP_UPPER or (bare.isupper() and len(bare) <= 3 and "." in word):
            words.append(word.upper() if bare.upper() in KEEP_UPPER else word)
        elif i and word.lower() in SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(word[:1].upper() + word[1:].lower())
    return " ".join(words)
