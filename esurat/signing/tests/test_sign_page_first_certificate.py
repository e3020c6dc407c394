"""The sign page tells a signatory without a signing certificate that this signature creates one
and that they now choose its passphrase (the local provider)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing.models import SigningCertificate
from esurat.signing.tests.conftest import sign, to_signature

NOTICE = "data-first-certificate"


def _sign_page(client, city, letter):
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(reverse("letters:sign", args=[letter.code]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_first_signature_announces_the_new_certificate_then_no_more(client, city, authority):
    first = to_signature(city, draft_nota_dinas(city))
    assert NOTICE in _sign_page(client, city, first)
    sign(city, first)  # issues the Kepala Dinas's certificate
    second = to_signature(city, draft_nota_dinas(city, subject="Rapat kedua"))
    assert NOTICE not in _sign_page(client, city, second)


@pytest.mark.django_db
def test_a_revoked_certificate_means_a_new_one_and_the_notice_again(client, city, authority):
    sign(city, to_signature(city, draft_nota_dinas(city)))
    SigningCertificate.objects.filter(user=city.users["kadis.kominfo"]).update(
        revoked_at=timezone.now()
    )
    letter = to_signature(city, draft_nota_dinas(city, subject="Setelah pencabutan"))
    assert NOTICE in _sign_page(client, city, letter)


@pytest.mark.django_db
def test_no_notice_with_a_provider_that_keeps_no_certificate(client, city):
    # The unit tests' default provider is `recorded`: no certificate, no passphrase to choose.
    letter = to_signature(city, draft_nota_dinas(city))
    assert NOTICE not in _sign_page(client, city, letter)
