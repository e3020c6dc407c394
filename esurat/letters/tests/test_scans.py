"""Scans are checked by content and refused quickly with a clear message; photos become one PDF."""

import io
import struct
import time
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from esurat.letters import scans
from esurat.letters.tests.incoming_factories import photo, text_pdf, upload


def _refused(files, code):
    started = time.monotonic()
    with pytest.raises(ValidationError) as info:
        scans.prepare_scan(files)
    assert time.monotonic() - started < 2, "a bad scan must be refused quickly"
    assert info.value.code == code, info.value.messages
    return info.value.messages[0]


def _pdf(build) -> bytes:
    pdf = pikepdf.new()
    build(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_it_accepts_a_pdf_as_it_is():
    content = text_pdf()
    scan = scans.prepare_scan([upload(content, "surat.pdf")])
    assert scan.content == content and scan.pages == 1 and scan.name == "surat.pdf"
    assert len(scan.sha256) == 64 and not scan.from_photos


def test_it_merges_photos_into_one_pdf_in_page_order():
    first, second = photo(size=(3000, 4000)), photo(size=(1200, 1600), fmt="PNG", color=90)
    scan = scans.prepare_scan([upload(first, "1.jpg", "image/jpeg"),
                               upload(second, "2.png", "image/png")])  # fmt: skip
    assert scan.from_photos and scan.pages == 2
    with pikepdf.open(io.BytesIO(scan.content)) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            width, height = (float(v) for v in page.mediabox[2:])
            # Each page is A4-sized (long side 11.69 in = 842 pt), so OCR knows the resolution.
            assert abs(max(width, height) - 842) < 2
        big = next(iter(pdf.pages[0].Resources.XObject.values()))
        assert max(big.Width, big.Height) <= scans.MAX_LONG_SIDE_PX  # scaled down to 300 dpi


def test_it_turns_a_photo_upright_from_its_exif_orientation():
    image = Image.new("RGB", (1600, 1200), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # taken with the phone turned: rotate 90° to view
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    scan = scans.prepare_scan([upload(out.getvalue(), "p.jpg", "image/jpeg")])
    with pikepdf.open(io.BytesIO(scan.content)) as pdf:
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert height > width


def test_it_refuses_a_file_that_is_neither_pdf_nor_photo():
    message = _refused([upload(b"PK\x03\x04 a zip file" * 10, "surat.pdf")], "file_type")
    assert "surat.pdf" in message and "PDF" in message
    _refused([upload(b"just some text, not a scan\n" * 20, "x.pdf")], "file_type")


def test_it_refuses_an_empty_file_and_no_file():
    _refused([upload(b"", "kosong.pdf")], "empty")
    _refused([], "required")


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    _refused([upload(text_pdf() + b" " * 2000)], "too_large")


def test_it_refuses_encrypted_pdfs_with_or_without_an_open_password():
    def page(pdf):
        pdf.add_blank_page()

    for encryption in (pikepdf.Encryption(user="rahasia", owner="rahasia"),
                       pikepdf.Encryption(user="", owner="pemilik")):  # fmt: skip
        pdf = pikepdf.new()
        page(pdf)
        out = io.BytesIO()
        pdf.save(out, encryption=encryption)
        message = _refused([upload(out.getvalue())], "encrypted")
        assert "password" in message


def test_it_refuses_a_thousand_pages_quickly():
    content = _pdf(lambda pdf: [pdf.add_blank_page() for _ in range(1000)])
    message = _refused([upload(content)], "too_many_pages")
    assert "1000" in message and "300" in message


def test_it_takes_the_page_limit_from_the_settings(settings):
    settings.SCAN_MAX_PAGES = 3
    _refused([upload(_pdf(lambda pdf: [pdf.add_blank_page() for _ in range(4)]))],
             "too_many_pages")  # fmt: skip
    assert scans.prepare_scan([upload(_pdf(lambda pdf: [pdf.add_blank_page() for _ in range(3)]))])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_it_refuses_a_png_bomb():
    # 900 megapixels declared; the rows (all zero) inflate from a few hundred KB.
    header = struct.pack(">IIBBBBB", 30000, 30000, 1, 0, 0, 0, 0)
    rows = zlib.compressobj(9)
    data = rows.compress(b"\0" * (30000 // 8 + 1) * 2000) + rows.flush()
    bomb = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data)
            + _png_chunk(b"IEND", b""))  # fmt: skip
    _refused([upload(bomb, "bom.png", "image/png")], "bomb")


def test_it_refuses_a_pdf_with_a_huge_picture():
    def build(pdf):
        pdf.add_blank_page()
        image = pikepdf.Stream(pdf, zlib.compress(b"\0" * 1000))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 100_000, 100_000, 1
        image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.FlateDecode
        pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))

    _refused([upload(_pdf(build))], "bomb")


def test_it_refuses_a_pdf_whose_content_inflates_beyond_reason():
    bomb = zlib.compress(b"0 0 m\n" * (80 * 1024 * 1024 // 6), 9)
    assert len(bomb) < 1_000_000

    def build(pdf):
        pdf.add_blank_page()
        stream = pikepdf.Stream(pdf, bomb)
        stream.Filter = pikepdf.Name.FlateDecode
        pdf.pages[0].Contents = stream

    content = _pdf(build)
    _refused([upload(content)], "bomb")


def test_it_refuses_a_page_larger_than_any_letter():
    _refused([upload(_pdf(lambda pdf: pdf.add_blank_page(page_size=(14000, 14000))))], "bomb")


def test_it_refuses_damaged_files():
    _refused([upload(b"%PDF-1.4\n" + b"\x00garbage" * 100)], "damaged")
    broken = photo()[:600]
    message = _refused([upload(broken, "foto.jpg", "image/jpeg")], "damaged")
    assert "foto.jpg" in message


def test_it_refuses_a_pdf_mixed_with_photos():
    _refused([upload(text_pdf()), upload(photo(), "p.jpg", "image/jpeg")], "mixed")


def test_it_refuses_too_many_photos(settings):
    settings.SCAN_MAX_PHOTOS = 2
    files = [upload(photo(size=(200, 300)), f"{i}.jpg", "image/jpeg") for i in range(3)]
    _refused(files, "too_many_pages")


@pytest.mark.django_db  # the command also prunes scans uploaded first (IncomingScan rows)
def test_it_stages_a_checked_scan_and_prunes_abandoned_ones(settings, tmp_path):
    import datetime

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    scan = scans.prepare_scan([upload(text_pdf(), "surat.pdf")])
    token = scans.stage(scan)
    again = scans.load_staged(token, name="surat.pdf", sha256=scan.sha256, from_photos=False)
    assert again == scan
    assert scans.load_staged(token, name="x", sha256="0" * 64, from_photos=False) is None
    assert scans.load_staged("../../etc/passwd", name="x", sha256="", from_photos=False) is None
    assert scans.prune_staged(older_than=datetime.timedelta(hours=1)) == 0
    call_command("prune_staged_scans", hours=0)
    assert scans.load_staged(token, name="surat.pdf", sha256=scan.sha256, from_photos=False) is None
