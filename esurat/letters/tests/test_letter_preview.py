"""The official PDF previewed while drafting and reviewing: what will be signed, marked KONSEP."""

import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing.tests.conftest import to_signature
from esurat.signing.tests.helpers import pdftext
from esurat.tests.tools import require

pytestmark = pytest.mark.django_db


def test_it_shows_the_drafter_the_draft_pdf_with_the_konsep_watermark(client, city, tmp_path):
    require("pdftotext")
    letter = draft_nota_dinas(city, subject="Rapat evaluasi jaringan")
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:preview", kwargs={"code": letter.code}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Cache-Control"] == "private, no-store"
    text = " ".join(pdftext(response.content, tmp_path).split())
    assert "Rapat evaluasi jaringan" in text and "NOTA DINAS" in text
    # A draft: no number yet, no QR code nor the electronic-signature footer.
    assert "Nomor : …" in text and "ditandatangani secara elektronik" not in text
    assert "Kepala Dinas Pekerjaan Umum dan Penataan Ruang" in text


def test_it_shows_reviewers_and_the_signatory_the_pdf_they_approve(client, city, tmp_path):
    require("pdftotext")
    letter = to_signature(city, draft_nota_dinas(city, subject="Rapat evaluasi jaringan"))
    for name in ("kabid.aptika", "kadis.kominfo"):
        client.force_login(city.users[name])
        response = client.get(reverse("letters:preview", kwargs={"code": letter.code}))
        assert response.status_code == 200, name
        assert "Rapat evaluasi jaringan" in pdftext(response.content, tmp_path)
    sign_page = client.get(reverse("letters:sign", kwargs={"code": letter.code})).content.decode()
    assert reverse("letters:preview", kwargs={"code": letter.code}) in sign_page


def test_it_links_the_pdf_from_the_letter_page(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert reverse("letters:preview", kwargs={"code": letter.code}) in body
    assert reverse("letters:download", kwargs={"code": letter.code}) in body


def test_it_refuses_outsiders_anonymous_users_and_wrong_methods(client, city):
    letter = draft_nota_dinas(city)
    url = reverse("letters:preview", kwargs={"code": letter.code})
    assert client.get(url).status_code == 302
    client.force_login(city.users["kabid.aptika"])  # not yet submitted: not theirs to see
    assert client.get(url).status_code == 404
    client.force_login(city.users["staf.pupr"])
    assert client.get(url).status_code == 404
    client.force_login(city.users["staf.aptika"])
    assert client.post(url).status_code == 405
