"""The QR code printed on a signed letter, read back from an image of the page, opens the
letter's public verification page."""

import subprocess
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing.models import SignedDocument
from esurat.signing.tests.conftest import sign, to_signature
from esurat.signing.tests.helpers import SHOTS, first_page_png
from esurat.tests.tools import require

pytestmark = pytest.mark.django_db


def _qr_texts(data: bytes, tmp_path) -> list[str]:
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(pdf), str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    image = Image.open(tmp_path / "page.png")
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def test_it_prints_a_qr_code_that_opens_the_letters_verification_page(
    client, city, authority, tmp_path, settings
):
    require("pdftoppm")
    letter = sign(city, to_signature(city, draft_nota_dinas(city, subject="Rapat evaluasi")))
    data = SignedDocument.objects.get(letter=letter).file.open("rb").read()
    texts = _qr_texts(data, tmp_path)
    assert len(texts) == 1
    url = urlsplit(texts[0])
    assert f"{url.scheme}://{url.netloc}" == settings.SITE_URL
    assert url.path == f"/verify/{letter.code}/"
    response = client.get(url.path)  # anonymous, as anyone who scans it
    assert response.status_code == 200
    body = response.content.decode()
    assert letter.number in body and "Rapat evaluasi" in body and 'data-status="valid"' in body
    # The first page, for a person to look at (test artifacts).
    assert first_page_png(data, "nota-dinas-qr", tmp_path).stat().st_size > 10_000
    assert SHOTS.exists()


def test_it_prints_no_qr_code_on_a_draft(client, city, authority, tmp_path):
    require("pdftoppm")
    from esurat.signing.documents import letter_pdf

    pdf = letter_pdf(draft_nota_dinas(city))
    assert pdf.draft and not pdf.signed
    assert _qr_texts(pdf.data, tmp_path) == []
