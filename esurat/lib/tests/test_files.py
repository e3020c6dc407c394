import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from esurat.lib.files import check_upload


def _png(size=(20, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "PNG")
    return buf.getvalue()


def test_it_accepts_a_png_by_its_content_whatever_its_name():
    checked = check_upload(SimpleUploadedFile("scan.pdf", _png()))
    assert checked.content_type == "image/png" and len(checked.sha256) == 64


def test_it_accepts_a_pdf():
    checked = check_upload(SimpleUploadedFile("x.bin", b"%PDF-1.7\n1 0 obj\n%%EOF\n"))
    assert checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    "content,code",
    [
        (b"", "empty"),
        (b"MZ\x90\x00" + b"\x00" * 100, "file_type"),  # a Windows program named .pdf
        (b"<html><script>alert(1)</script></html>", "file_type"),
        (_png()[:40], "file_type"),  # a truncated image
    ],
)
def test_it_refuses_what_is_not_a_pdf_or_image(content, code):
    with pytest.raises(ValidationError) as err:
        check_upload(SimpleUploadedFile("surat.pdf", content))
    assert err.value.code == code


def test_it_refuses_a_file_over_the_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as err:
        check_upload(SimpleUploadedFile("big.png", _png((400, 400)) + b"\x00" * 2000))
    assert err.value.code == "too_large"
