"""The public verification page: facts of a signed letter, and checks of an uploaded PDF."""

import os
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esurat.letters.actions import do_cancel_number
from esurat.letters.models import IssuedNumber
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.lib.dates import long_date_id
from esurat.signing.models import SignedDocument
from esurat.signing.tests.conftest import sign, to_signature
from esurat.signing.tests.helpers import flip_one_byte

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    """Empty counters, and one window for the whole test: the limit's window starts on the
    minute, so a test crossing a minute boundary would otherwise start counting again."""
    from esurat.signing import views

    monkeypatch.setattr(views, "_clock", lambda: 1_800_000_000.0)
    cache.clear()
    yield
    cache.clear()


def _url(letter):
    return reverse("signing:verify", kwargs={"code": letter.code})


def _upload(client, letter, data: bytes, name="surat.pdf"):
    return client.post(_url(letter), {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_it_shows_the_public_facts_of_a_signed_letter_without_login(client, city, signed_letter):
    response = client.get(_url(signed_letter))
    assert response.status_code == 200
    body = response.content.decode()
    document = SignedDocument.objects.get(letter=signed_letter)
    for expected in (signed_letter.number, long_date_id(signed_letter.letter_date),
                     "Undangan rapat koordinasi",
                     "Ir. Siti Rahmawati, M.T.", "Kepala Dinas Komunikasi dan Informatika",
                     "Dinas Komunikasi dan Informatika", document.sha256, 'data-status="valid"',
                     "BSrE"):  # fmt: skip
        assert expected in body, expected


def test_it_reveals_only_existence_and_validity_for_a_secret_letter(client, city, authority):
    letter = sign(
        city, to_signature(city, draft_nota_dinas(city, security="R", subject="Rencana operasi"))
    )
    body = client.get(_url(letter)).content.decode()
    assert 'data-status="valid"' in body
    for hidden in (
        "Rencana operasi",
        letter.number,
        "Siti Rahmawati",
        "Komunikasi dan Informatika",
    ):
        assert hidden not in body, hidden


def test_it_404s_for_a_draft_and_an_unknown_code(client, city):
    draft = draft_nota_dinas(city)
    assert client.get(_url(draft)).status_code == 404
    assert client.get(reverse("signing:verify", kwargs={"code": uuid.uuid4()})).status_code == 404


def test_it_refuses_other_methods(client, city, signed_letter):
    assert client.put(_url(signed_letter)).status_code == 405


def test_it_confirms_the_registered_pdf_and_its_signature(client, city, signed_letter):
    data = SignedDocument.objects.get(letter=signed_letter).file.read()
    body = _upload(client, signed_letter, data).content.decode()
    assert 'data-outcome="identical"' in body and 'data-signatures="valid"' in body


def test_it_says_so_when_the_upload_was_tampered_with(client, city, signed_letter):
    data = SignedDocument.objects.get(letter=signed_letter).file.read()
    response = _upload(client, signed_letter, flip_one_byte(data))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="different"' in body and 'data-signatures="invalid"' in body


def test_it_says_so_when_the_upload_is_random_bytes(client, city, signed_letter):
    response = _upload(client, signed_letter, os.urandom(4000), name="acak.pdf")
    assert response.status_code == 200
    assert 'data-outcome="unreadable"' in response.content.decode()


def test_it_says_an_unsigned_pdf_carries_no_signature(client, city, signed_letter):
    from esurat.signing.pdf import SignerBlock, render_letter_pdf

    position = signed_letter.signatory_position
    data = render_letter_pdf(signed_letter, signer=SignerBlock(position, position.holder),
                             provider="local")  # fmt: skip
    body = _upload(client, signed_letter, data).content.decode()
    assert 'data-outcome="different"' in body and 'data-signatures="none"' in body


def test_it_shows_a_cancelled_number_as_no_longer_valid(client, city, signed_letter):
    issued = IssuedNumber.objects.get(letter=signed_letter)
    do_cancel_number(issued=issued, user=city.users["agendaris.kominfo"], reason="Salah alamat")
    body = client.get(_url(signed_letter)).content.decode()
    assert 'data-status="number_cancelled"' in body and 'data-status="valid"' not in body


def test_it_verifies_a_letter_signed_without_a_pdf(client, city):
    letter = send_through(city, draft_nota_dinas(city))  # the `recorded` provider
    response = client.get(_url(letter))
    assert response.status_code == 200 and letter.number in response.content.decode()
    body = _upload(client, letter, b"%PDF-1.4\n%%EOF\n").content.decode()
    assert "unreadable" in body or "unregistered" in body


def test_it_rate_limits_each_address(client, city, signed_letter):
    for _ in range(30):
        assert client.get(_url(signed_letter)).status_code == 200
    response = client.get(_url(signed_letter))
    assert response.status_code == 429 and signed_letter.number not in response.content.decode()
    other = client.get(_url(signed_letter), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_it_opens_again_after_the_window_however_long_the_refused_requests_went_on(
    client, city, signed_letter, monkeypatch
):
    """A fixed window (as the page says: wait a minute): an office behind one address is not
    locked out for as long as anyone keeps trying."""
    from esurat.signing import views

    now = [1_800_000_000.0]  # on a minute boundary
    monkeypatch.setattr(views, "_clock", lambda: now[0])
    for _ in range(30):
        assert client.get(_url(signed_letter)).status_code == 200
    for second in range(0, 60, 5):  # refused all minute long, every five seconds
        now[0] = 1_800_000_000.0 + second
        refused = client.get(_url(signed_letter))
        assert refused.status_code == 429 and refused["Retry-After"] == str(60 - second)
    now[0] = 1_800_000_060.0
    response = client.get(_url(signed_letter))
    assert response.status_code == 200 and signed_letter.number in response.content.decode()
