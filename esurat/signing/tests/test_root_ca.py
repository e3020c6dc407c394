"""The government's root certificate, published for recipients to trust in their PDF reader."""

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _fingerprint(cert: x509.Certificate) -> str:
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def test_it_publishes_the_root_certificate_and_how_to_trust_it_without_login(client, authority):
    cert = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    response = client.get(reverse("signing:root_ca"))
    assert response.status_code == 200
    body = response.content.decode()
    assert _fingerprint(cert) in body and "Acrobat Reader" in body
    code = authority.government.code
    assert f"{reverse('signing:root_ca_cer')}?pemda={code}" in body
    assert f"{reverse('signing:root_ca_pem')}?pemda={code}" in body


def test_it_serves_the_certificate_as_pem_and_der(client, authority):
    cert = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    pem = client.get("/verify/root-ca.pem")
    assert pem.status_code == 200 and pem["Content-Type"] == "application/x-pem-file"
    assert pem.content == authority.certificate_pem.encode()
    assert pem["Content-Disposition"].startswith('attachment; filename="root-ca-')
    assert pem["Content-Disposition"].endswith(".pem")
    der = client.get("/verify/root-ca.cer", {"pemda": authority.government.code})
    assert der.status_code == 200 and der["Content-Type"] == "application/pkix-cert"
    assert der["Content-Disposition"].endswith(".cer")
    assert _fingerprint(x509.load_der_x509_certificate(der.content)) == _fingerprint(cert)
    assert der["X-Content-Type-Options"] == "nosniff"


def test_the_verification_page_of_a_letter_offers_its_root(client, signed_letter, authority):
    cert = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
    body = client.get(reverse("signing:verify", kwargs={"code": signed_letter.code})).content
    assert b"data-root-ca" in body and _fingerprint(cert).encode() in body


def test_it_answers_not_found_without_a_certificate_authority_or_for_another_government(
    client, authority
):
    import uuid

    assert client.get("/verify/root-ca.pem", {"pemda": uuid.uuid4()}).status_code == 404
    assert client.get("/verify/root-ca.cer", {"pemda": "not-a-code"}).status_code == 404
    assert client.post("/verify/root-ca.pem").status_code == 405
    authority.delete()
    assert client.get(reverse("signing:root_ca")).status_code == 404
    assert client.get("/verify/root-ca.cer").status_code == 404
