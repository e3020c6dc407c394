"""Checking uploaded files by their content, never by their name, and serving them back.

Every file a user uploads (an attachment, a follow-up report's file, the scan of an incoming
letter) is read before it is stored: a PDF is parsed (pikepdf) and refused when it is damaged,
encrypted, has more pages than the limit or would explode when read (a decompression bomb); an
image is decoded. Every file a user downloads goes out through file_response(), under a name made
by safe_filename(): no control or bidirectional characters, no path, and always the extension of
the type the content really is.
"""

import hashlib
import io
import unicodedata
import urllib.parse
import zlib
from dataclasses import dataclass

import filetype
import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The extensions of each type served, the usual first; a name may end with any (kept as written).
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "application/x-pem-file": ("pem", "crt"),
    "application/pkix-cert": ("cer", "der", "crt"),
    XLSX: ("xlsx",),
}
# A page side longer than this many points (≈ 1.5 m) is no letter; rendering it would be a bomb.
MAX_PAGE_SIDE_PT = 4300
# A non-image stream (page content, fonts) that inflates beyond this is a decompression bomb.
MAX_INFLATED_STREAM = 64 * 1024 * 1024
MAX_INFLATED_TOTAL = 512 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str
    pages: int = 0  # of a PDF; 0 for an image


def max_pages() -> int:
    return getattr(settings, "SCAN_MAX_PAGES", 300)


def max_image_pixels() -> int:
    return getattr(settings, "SCAN_MAX_IMAGE_PIXELS", 60_000_000)


def check_upload(upload) -> CheckedFile:
    """Accept a PDF, JPEG or PNG within the size limit that can really be read; compute its
    SHA-256. A PDF must open without a password, have at least one and at most SCAN_MAX_PAGES
    pages and no page, picture or stream that would explode when read (the limits of incoming
    scans); an image must decode within SCAN_MAX_IMAGE_PIXELS.

    Raises ValidationError with an Indonesian message otherwise.
    """
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("Only PDF documents and JPEG or PNG images can be attached."), code="file_type"
        )
    pages = 0
    if kind.mime == "application/pdf":
        if not head.startswith(b"%PDF-"):
            raise _damaged()
        upload.seek(0)
        data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
        pages = check_pdf(data)
        digest = hashlib.sha256(data)
    else:
        _check_image(upload, kind.mime)
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=kind.mime, size=upload.size, sha256=digest.hexdigest(),
                       pages=pages)  # fmt: skip


def check_pdf(data: bytes) -> int:
    """The number of pages of the PDF `data`, once it is known to be readable and within the
    limits; raises ValidationError (codes damaged, encrypted, empty, too_many_pages, bomb) with
    the figures in `params` otherwise. Nothing is rendered: only the structure is read."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except (pikepdf.PdfError, ValueError, RecursionError) as exc:
        raise _damaged() from exc
    with pdf:
        if pdf.is_encrypted:
            raise _encrypted()
        try:
            pages = len(pdf.pages)
        except (pikepdf.PdfError, RecursionError) as exc:
            raise _damaged() from exc
        if pages == 0:
            raise ValidationError(_("The PDF has no pages."), code="empty")
        if pages > max_pages():
            raise ValidationError(
                _("The PDF has %(pages)d pages; the limit is %(limit)d."),
                code="too_many_pages", params={"pages": pages, "limit": max_pages()},
            )  # fmt: skip
        try:
            _check_pdf_sizes(pdf)
        except (pikepdf.PdfError, RecursionError) as exc:
            raise _damaged() from exc
    return pages


def _damaged() -> ValidationError:
    return ValidationError(_("The PDF is damaged and cannot be read."), code="damaged")


def _encrypted() -> ValidationError:
    return ValidationError(
        _("The PDF is protected with a password or encrypted. Save it again without protection."),
        code="encrypted",
    )


def _bomb() -> ValidationError:
    return ValidationError(
        _("The file contains a page or picture far too large to read (a decompression bomb)."),
        code="bomb",
    )


def _check_pdf_sizes(pdf: pikepdf.Pdf) -> None:
    """Refuse pages, pictures and compressed streams that would explode when read.

    Only declared sizes are read, except for Flate streams that are not pictures (whose inflated
    size nothing declares): those are inflated incrementally, stopping at the limit.
    """
    for page in pdf.pages:
        try:
            box = [float(v) for v in page.mediabox]
            unit = float(page.obj.get("/UserUnit", 1))
        except (TypeError, ValueError, IndexError, pikepdf.PdfError) as exc:
            raise _damaged() from exc
        if max(abs(box[2] - box[0]), abs(box[3] - box[1])) * max(unit, 1) > MAX_PAGE_SIDE_PT:
            raise _bomb()
    inflated_total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Image:
            try:
                pixels = int(obj.get("/Width", 0)) * int(obj.get("/Height", 0))
            except (TypeError, ValueError) as exc:
                raise _bomb() from exc
            if pixels > max_image_pixels():
                raise _bomb()
            continue
        filters = obj.get("/Filter")
        names = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
        if names and names[0] in (pikepdf.Name.FlateDecode, pikepdf.Name("/Fl")):
            inflated_total += _inflated_size(obj.read_raw_bytes())
            if inflated_total > MAX_INFLATED_TOTAL:
                raise _bomb()


def _inflated_size(raw: bytes) -> int:
    inflater = zlib.decompressobj()
    size = 0
    chunk = raw
    try:
        while chunk:
            out = inflater.decompress(chunk, 1024 * 1024)
            size += len(out)
            if size > MAX_INFLATED_STREAM:
                raise _bomb()
            chunk = inflater.unconsumed_tail
            if not out and not chunk:
                break
    except zlib.error:
        return size  # a damaged stream is the renderer's problem, not a bomb
    return size


def _check_image(upload, mime: str) -> None:
    """Read the whole picture, so a truncated or garbled file is refused, not only one with a bad
    header: a PNG's chunks are checked (verify), a JPEG must end its last scan, and either is
    decoded (a JPEG at a reduced scale, which still reads every byte). Pillow's own check of
    truncation cannot be relied on: WeasyPrint turns it off for the whole process."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > max_image_pixels():
                raise _bomb()
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", (1024, 1024))
            image.load()
    except Image.DecompressionBombError as exc:
        raise _bomb() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _damaged_image() from exc
    if mime == "image/jpeg":
        upload.seek(0)
        data = upload.read()
        last_scan = data.rfind(b"\xff\xda")  # in scan data a 0xFF byte is always stuffed
        if last_scan == -1 or data.find(b"\xff\xd9", last_scan) == -1:
            raise _damaged_image()
    upload.seek(0)


def _damaged_image() -> ValidationError:
    return ValidationError(_("The image file is damaged."), code="file_type")


# ---- Serving files back -----------------------------------------------------------------------

# Characters never kept in a file name: control (Cc), format (Cf: bidi overrides, zero-width
# joiners, soft hyphen), surrogates, private and unassigned (Cs, Co, Cn), line and paragraph
# separators (Zl, Zp).
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SEPARATORS = str.maketrans({"/": "-", "\\": "-", ":": "-", '"': "'", "*": "-", "?": "",
                             "<": "(", ">": ")", "|": "-"})  # fmt: skip
_MAX_NAME = 120


def safe_filename(name: str, content_type: str, *, default: str = "berkas") -> str:
    """A name to offer for a download: readable (Indonesian and other letters kept), without
    control, format or bidirectional characters, path separators or characters Windows refuses,
    and always ending in the extension of `content_type` (the type the content really is).

    A wrong extension at the end is replaced (`surat.pdf.html` of a PDF → `surat.pdf`,
    `laporan.exe` → `laporan.pdf`); a name without one gets it.
    """
    allowed = EXTENSIONS.get(content_type, ("bin",))
    extension = allowed[0]
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if unicodedata.category(c) not in _DROPPED)
    name = "".join(" " if unicodedata.category(c) == "Zs" else c for c in name)
    name = " ".join(name.translate(_SEPARATORS).split()).strip(" .-")
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() not in allowed and _looks_like_extension(suffix):
        name = stem.rstrip(" .")  # another type's extension: replaced, never kept last
        stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in allowed:
        extension = suffix.lower()
        name = stem.rstrip(" .")
    name = name[:_MAX_NAME].rstrip(" .") or default
    return f"{name}.{extension}"


def _looks_like_extension(suffix: str) -> bool:
    return 0 < len(suffix) <= 5 and suffix.isalnum() and not suffix.isdigit()


def _ascii_fallback(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c if c.isprintable() and c not in '"\\%;' else "_" for c in plain)
    plain = " ".join(plain.split())
    return f"berkas{plain}" if not plain or plain.startswith(".") else plain


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: an ASCII `filename` for old clients and the exact `filename*` in UTF-8."""
    kind = "inline" if inline else "attachment"
    quoted = urllib.parse.quote(name, safe="")
    return f"{kind}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{quoted}"


def file_response(content, *, name: str, content_type: str, inline: bool = False):
    """Every download: `content` (bytes or an open file) under safe_filename(name), never
    sniffed, never cached; an inline file may be framed by our own pages only."""
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    filename = safe_filename(name, content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response
