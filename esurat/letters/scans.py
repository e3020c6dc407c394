"""Checking the scan of an incoming letter by its content, and merging photos into one PDF.

A clerk uploads either one PDF (from a scanner or an e-mail) or photos of the pages taken with a
phone. Everything is checked before anything is stored, and refused quickly with a message the
clerk can act on: not a PDF or image, encrypted, too many pages, a page or picture so large that
reading it would exhaust the server (a decompression bomb), or damaged. Photos are turned upright,
scaled to at most A4 at 300 dpi and merged, in the order given, into one PDF whose pages carry a
real size, so OCR knows their resolution.
"""

import datetime
import hashlib
import io
import re
import uuid
from dataclasses import dataclass

import filetype
import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

from esurat.lib import files
from esurat.lib.files import max_image_pixels

PDF = "application/pdf"
IMAGE_TYPES = ("image/jpeg", "image/png")
# A4 is 8.27 × 11.69 inches; photos are scaled so their long side is at most A4 at 300 dpi.
A4_LONG_INCHES = 11.69
MAX_LONG_SIDE_PX = 3508


@dataclass(frozen=True)
class Scan:
    """A checked scan, ready to store: always one PDF."""

    content: bytes
    name: str
    pages: int
    sha256: str
    from_photos: bool

    @property
    def size(self) -> int:
        return len(self.content)


def max_photos() -> int:
    return getattr(settings, "SCAN_MAX_PHOTOS", 40)


def prepare_scan(uploads: list) -> Scan:
    """Check the uploaded files and return the scan as one PDF.

    `uploads` is either one PDF or one or more JPEG/PNG photos (pages in the order given).
    Raises ValidationError with a message for the clerk; nothing is written anywhere.
    """
    uploads = [u for u in uploads if u is not None]
    if not uploads:
        raise ValidationError(_("Choose the scan of the letter."), code="required")
    kinds = [_sniff(upload) for upload in uploads]
    if PDF in kinds:
        if len(uploads) > 1:
            raise ValidationError(
                _("Upload either one PDF or photos of the pages, not several files with a PDF."),
                code="mixed",
            )
        return _check_pdf(uploads[0])
    if len(uploads) > max_photos():
        raise ValidationError(
            _("Too many photos (%(count)d); at most %(limit)d pages can be photographed.")
            % {"count": len(uploads), "limit": max_photos()},
            code="too_many_pages",
        )
    return _merge_photos(uploads)


def _sniff(upload) -> str:
    """The file's type from its first bytes; the name and the browser's claim are ignored."""
    limit = settings.ATTACHMENT_MAX_BYTES
    name = getattr(upload, "name", "") or _("the file")
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if mime == PDF and head.startswith(b"%PDF-"):
        return PDF
    if mime in IMAGE_TYPES:
        return mime
    raise ValidationError(
        _("%(name)s is not a PDF or a JPEG/PNG photo. Scan the letter to PDF or photograph it.")
        % {"name": name},
        code="file_type",
    )


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    upload.seek(0)
    return data


def _check_pdf(upload) -> Scan:
    """The PDF checked as every uploaded PDF is (esurat.lib.files.check_pdf), refused with the
    advice a clerk holding the paper letter can follow."""
    data = _read_all(upload)
    name = (getattr(upload, "name", "") or "scan.pdf")[:255]
    try:
        pages = files.check_pdf(data)
    except ValidationError as exc:
        raise _for_scan(exc) from exc
    return Scan(content=data, name=name, pages=pages, sha256=hashlib.sha256(data).hexdigest(),
                from_photos=False)  # fmt: skip


def _for_scan(exc: ValidationError) -> ValidationError:
    if exc.code == "encrypted":
        return _encrypted()
    if exc.code == "bomb":
        return _bomb()
    if exc.code == "too_many_pages":
        return ValidationError(
            _("The PDF has %(pages)d pages; the limit is %(limit)d. Register the letter with "
              "its first pages and keep the rest on paper.") % exc.params,
            code="too_many_pages",
        )  # fmt: skip
    if exc.code == "damaged":
        return ValidationError(
            _("The PDF is damaged and cannot be read. Scan the letter again."), code="damaged"
        )
    return exc


def _encrypted() -> ValidationError:
    return ValidationError(
        _("The PDF is protected with a password or encrypted. Save or scan it again without "
          "protection."),
        code="encrypted",
    )  # fmt: skip


def _bomb() -> ValidationError:
    return ValidationError(
        _("The file contains a page or picture far too large to read (a decompression bomb). "
          "Scan the letter again at a normal resolution."),
        code="bomb",
    )  # fmt: skip


def _merge_photos(uploads: list) -> Scan:
    """One PDF page per photo, each page sized from the photo so that its long side is A4."""
    merged = pikepdf.new()
    for upload in uploads:
        page_pdf = pikepdf.open(io.BytesIO(_photo_page(upload)))
        merged.pages.extend(page_pdf.pages)
    merged.docinfo["/Title"] = "Scan"
    out = io.BytesIO()
    merged.save(out, deterministic_id=True)
    content = out.getvalue()
    return Scan(content=content, name="scan.pdf", pages=len(uploads),
                sha256=hashlib.sha256(content).hexdigest(), from_photos=True)  # fmt: skip


def _photo_page(upload) -> bytes:
    name = getattr(upload, "name", "") or _("the photo")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > max_image_pixels():
                raise _bomb()
            # JPEG can decode at a reduced scale directly: much faster and lighter.
            image.draft("RGB", (MAX_LONG_SIDE_PX, MAX_LONG_SIDE_PX))
            image.load()
            page = ImageOps.exif_transpose(image)
            page.thumbnail((MAX_LONG_SIDE_PX, MAX_LONG_SIDE_PX), Image.Resampling.LANCZOS)
            page = page.convert("L" if page.mode in ("1", "L", "LA", "I;16") else "RGB")
    except Image.DecompressionBombError as exc:
        raise _bomb() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("%(name)s is damaged and cannot be read. Take the photo again.") % {"name": name},
            code="damaged",
        ) from exc
    dpi = max(page.width, page.height) / A4_LONG_INCHES
    out = io.BytesIO()
    page.save(out, "PDF", resolution=dpi, quality=85)
    return out.getvalue()


def pages_label(pages: int) -> str:
    return ngettext("%(n)d page", "%(n)d pages", pages) % {"n": pages}


# ---- Staging: a checked scan kept between two posts of the registration form ---------------------
# When the form comes back (a typo, a possible duplicate to confirm), the clerk must not have to
# choose the files again; the checked PDF waits under staging/ until registered or abandoned.

STAGING_DIR = "staging/scans"


def stage(scan: Scan) -> str:
    """Keep the checked scan in storage; returns the token that names it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    token = uuid.uuid4().hex
    default_storage.save(f"{STAGING_DIR}/{token}.pdf", ContentFile(scan.content))
    return token


def load_staged(token: str, *, name: str, sha256: str, from_photos: bool) -> Scan | None:
    """The staged scan, or None when it is gone or not the file that was checked."""
    from django.core.files.storage import default_storage

    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = f"{STAGING_DIR}/{token}.pdf"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    with pikepdf.open(io.BytesIO(content)) as pdf:
        pages = len(pdf.pages)
    return Scan(content=content, name=name, pages=pages, sha256=sha256, from_photos=from_photos)


def drop_staged(token: str) -> None:
    from django.core.files.storage import default_storage

    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        default_storage.delete(f"{STAGING_DIR}/{token}.pdf")


def prune_staged(*, older_than: datetime.timedelta) -> int:
    """Delete staged scans abandoned for longer than `older_than`; returns how many."""
    from django.core.files.storage import default_storage
    from django.utils import timezone

    if not default_storage.exists(STAGING_DIR):
        return 0
    cutoff, removed = timezone.now() - older_than, 0
    for name in default_storage.listdir(STAGING_DIR)[1]:
        path = f"{STAGING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
