"""Downloading a letter's PDF: the registered signed file as it is; R/SR copies stamped with who
downloaded them and when, each download recorded, the original untouched."""

import hashlib

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.signing.models import SignedDocument
from esurat.signing.tests.conftest import authority, local_signing, sign, to_signature
from esurat.signing.tests.helpers import pdftext, pyhanko_check
from esurat.tests.tools import require

pytestmark = pytest.mark.django_db
__all__ = ["authority", "local_signing"]  # fixtures


def test_it_gives_a_recipient_the_signed_pdf_byte_for_byte(client, city, authority):
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    document = SignedDocument.objects.get(letter=letter)
    client.force_login(city.users["kadis.pupr"])
    response = client.get(reverse("letters:download", kwargs={"code": letter.code}))
    assert response.status_code == 200
    name = f"{letter.number.replace('/', '-')}.pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    assert not AuditEvent.objects.filter(action="letter.downloaded").exists()  # B: not logged


def test_it_stamps_a_secret_copy_with_the_reader_and_logs_it(client, city, authority, tmp_path):
    require("pdftotext")
    letter = sign(city, to_signature(city, draft_nota_dinas(city, security="R")))
    document = SignedDocument.objects.get(letter=letter)
    original = document.file.open("rb").read()
    reader = city.users["kadis.pupr"]
    client.force_login(reader)
    response = client.get(reverse("letters:download", kwargs={"code": letter.code}))
    assert response.status_code == 200
    copy = response.content
    assert copy != original
    text = " ".join(pdftext(copy, tmp_path).split())
    assert f"Salinan untuk {reader.get_full_name()}" in text and "Rahasia" in text
    assert letter.number in text
    # The copy's signature no longer validates; the registered original is unchanged and does.
    assert not pyhanko_check(copy, authority).ok
    stored = SignedDocument.objects.get(letter=letter).file.open("rb").read()
    assert stored == original and hashlib.sha256(stored).hexdigest() == document.sha256
    assert pyhanko_check(stored, authority).ok
    event = AuditEvent.objects.get(action="letter.downloaded", letter=letter)
    assert event.actor == reader and event.data["original_sha256"] == document.sha256
    assert event.acting_for == city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan "
                                                           "Penataan Ruang")  # fmt: skip
    # Each download is one more event; the inline view is stamped and logged too.
    client.get(reverse("letters:preview", kwargs={"code": letter.code}))
    assert AuditEvent.objects.filter(action="letter.downloaded", letter=letter).count() == 2
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert "no longer validates" in body


def test_it_renders_the_pdf_of_a_letter_signed_without_pades(client, city, tmp_path):
    require("pdftotext")
    letter = send_through(city, draft_nota_dinas(city))  # SIGNING_PROVIDER=recorded
    client.force_login(city.users["agendaris.pupr"])
    response = client.get(reverse("letters:download", kwargs={"code": letter.code}))
    assert response.status_code == 200
    text = pdftext(response.content, tmp_path)
    assert letter.number in text and "KONSEP" not in text


def test_it_refuses_outsiders_anonymous_users_and_wrong_methods(client, city):
    letter = send_through(city, draft_nota_dinas(city, security="R"))
    url = reverse("letters:download", kwargs={"code": letter.code})
    assert client.get(url).status_code == 302
    # A clerk may not read a secret letter, so may not download it either.
    for name in ("staf.pupr", "agendaris.kominfo", "sekdis.kominfo"):
        client.force_login(city.users[name])
        assert client.get(url).status_code == 404, name
    client.force_login(city.users["kadis.pupr"])
    assert client.post(url).status_code == 405
    assert not AuditEvent.objects.filter(action="letter.downloaded").exists()
