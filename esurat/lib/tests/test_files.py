import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from esurat.lib.files import check_upload, content_disposition, safe_filename
from esurat.tests.tools import ONE_PAGE_PDF, pdf_bytes


def _png(size=(20, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "PNG")
    return buf.getvalue()


def test_it_accepts_a_png_by_its_content_whatever_its_name():
    checked = check_upload(SimpleUploadedFile("scan.pdf", _png()))
    assert checked.content_type == "image/png" and len(checked.sha256) == 64


def test_it_accepts_a_pdf():
    checked = check_upload(SimpleUploadedFile("x.bin", ONE_PAGE_PDF))
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


def _jpeg(size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.parametrize(
    "content,code",
    [
        (b"%PDF-1.4\n" + bytes(range(256)) * 40, "damaged"),  # the magic, then garbage
        (pdf_bytes(1, password="rahasia"), "encrypted"),  # opens only with a password
        (pdf_bytes(1, password=""), "encrypted"),  # encrypted, readable, but not archivable
        (pdf_bytes(4), "too_many_pages"),
        (_jpeg()[:-200], "file_type"),  # a photo cut off halfway: the header alone is fine
    ],
)
def test_it_reads_a_pdf_or_image_to_the_end_before_accepting_it(settings, content, code):
    settings.SCAN_MAX_PAGES = 3
    with pytest.raises(ValidationError) as err:
        check_upload(SimpleUploadedFile("surat.pdf", content))
    assert err.value.code == code
    assert check_upload(SimpleUploadedFile("tiga.pdf", pdf_bytes(3))).pages == 3
    assert check_upload(SimpleUploadedFile("foto.jpg", _jpeg())).content_type == "image/jpeg"


def test_it_refuses_a_pdf_of_ten_thousand_pages_by_the_scans_limit():
    with pytest.raises(ValidationError) as err:
        check_upload(SimpleUploadedFile("arsip.pdf", pdf_bytes(10_000)))
    assert err.value.code == "too_many_pages"
    assert "10000" in " ".join(err.value.messages) and "300" in " ".join(err.value.messages)


@pytest.mark.parametrize(
    "name,content_type,safe",
    [
        ("surat\u202efdp.exe", "application/pdf", "suratfdp.pdf"),
        ("surat.pdf\n.html", "application/pdf", "surat.pdf"),
        ("surat.pdf\r\n.html", "image/png", "surat.pdf.png"),
        ("a/b\\c:d\u2028e\u2029f\u00adg.JPEG", "image/jpeg", "a-b-c-defg.jpeg"),
        (
            "Nota Dinas Kadis – Ñoño (rev. 2)",
            "application/pdf",
            "Nota Dinas Kadis – Ñoño (rev. 2).pdf",
        ),
        ("Laporan v1.2", "application/pdf", "Laporan v1.2.pdf"),
        ("\u202e\u200f ..", "application/pdf", "berkas.pdf"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 120 + ".pdf"),
    ],
)
def test_it_makes_a_download_name_safe_and_true_to_the_type(name, content_type, safe):
    assert safe_filename(name, content_type) == safe


def test_it_gives_an_ascii_fallback_and_the_exact_utf8_name():
    header = content_disposition("Surat Ñoño “final”.pdf", inline=True)
    assert header == (
        'inline; filename="Surat Nono final.pdf"; '
        "filename*=UTF-8''Surat%20%C3%91o%C3%B1o%20%E2%80%9Cfinal%E2%80%9D.pdf"
    )


def test_it_refuses_a_cut_off_image_even_after_weasyprint_allowed_truncated_images():
    import weasyprint  # noqa: F401 - sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES for the process
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    for name, content in [("foto.jpg", _jpeg()[:-200]), ("foto.png", _png((240, 300))[:200])]:
        with pytest.raises(ValidationError) as err:
            check_upload(SimpleUploadedFile(name, content))
        assert err.value.code == "file_type", name
    assert check_upload(SimpleUploadedFile("foto.jpg", _jpeg() + b"trailer")).size
