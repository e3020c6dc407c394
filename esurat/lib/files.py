"""Checking uploaded files by their content, never by their name."""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def check_upload(upload) -> CheckedFile:
    """Accept a PDF, JPEG or PNG within the size limit; compute its SHA-256 in one pass.

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
    if kind.mime == "application/pdf" and not head.startswith(b"%PDF-"):
        raise ValidationError(_("The PDF file is damaged."), code="file_type")
    if kind.mime.startswith("image/"):
        _check_image(upload)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=kind.mime, size=upload.size, sha256=digest.hexdigest())


def _check_image(upload) -> None:
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > 60_000_000:
                raise ValidationError(_("The image is too large."), code="too_large")
            image.verify()
    except (OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The image file is damaged."), code="file_type") from exc
