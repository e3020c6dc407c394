"""PAdES levels with a local TSA and OCSP responder: B-LT, B-T without revocation data, refusal
when the configured TSA is down, B-B without one."""

import io

import pytest

from esurat.audit.models import AuditEvent
from esurat.letters.actions import ActionRefused
from esurat.letters.models import IssuedNumber, Letter
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing import pades
from esurat.signing.ca import load_certificate
from esurat.signing.models import Signature, SignedDocument
from esurat.signing.tests.conftest import sign, to_signature
from esurat.signing.tests.helpers import pdfsig, pyhanko_check
from esurat.signing.tests.local_services import start_timestamp_services

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    running = start_timestamp_services(tmp_path_factory.mktemp("tsa"))
    yield running
    running.close()


@pytest.fixture
def with_tsa(settings, services, authority):
    services.ocsp.down = services.tsa.down = False
    settings.SIGNING_TSA_URL = services.tsa.url
    settings.SIGNING_TSA_ROOTS = services.roots_pem
    settings.SIGNING_TSA_TIMEOUT = 5
    return services


def offline_validation(data: bytes, authority, services):
    """Validate the last signature and its timestamp from what the file embeds alone: no
    fetching, and revocation data required for every certificate — what B-LT promises."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from esurat.signing.pades import _asn1_cert

    reader = PdfFileReader(io.BytesIO(data))
    dss = DocumentSecurityStore.read_dss(reader)
    gov_root = _asn1_cert(load_certificate(authority.certificate_pem))
    tsa_root = _asn1_cert(services.pki.root.cert)
    kwargs = {"allow_fetching": False, "revocation_mode": "require"}
    status = validate_pdf_signature(
        reader.embedded_signatures[-1],
        dss.as_validation_context({**kwargs, "trust_roots": [gov_root]}),
        ts_validation_context=dss.as_validation_context({**kwargs, "trust_roots": [tsa_root]}),
    )
    return status, dss


def test_it_signs_pades_b_lt_with_a_reachable_tsa_and_revocation_data(city, with_tsa, authority,
                                                                       tmp_path):  # fmt: skip
    ocsp_before, tsa_before = with_tsa.ocsp.requests, with_tsa.tsa.requests
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    document = SignedDocument.objects.get(letter=letter)
    data = document.file.read()
    assert Signature.objects.get(letter=letter).level == pades.LEVEL_B_LT
    assert document.level == pades.LEVEL_B_LT and pades.detect_level(data) == pades.LEVEL_B_LT
    assert with_tsa.tsa.requests > tsa_before and with_tsa.ocsp.requests > ocsp_before
    status, dss = offline_validation(data, authority, with_tsa)
    assert status.bottom_line and status.trusted
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert len(dss.crls) == 1 and len(dss.ocsps) >= 1  # our CA's CRL, the TSA's OCSP answer
    assert pyhanko_check(data, authority).ok  # the verification page's validator agrees
    out = pdfsig(data, tmp_path)
    assert "Signature is Valid" in out and "Total document signed" in out
    event = AuditEvent.objects.get(letter=letter, action="letter.signed")
    assert event.data["sha256"] == document.sha256


def test_it_falls_back_to_b_t_when_revocation_data_is_unreachable(city, with_tsa, authority):
    with_tsa.ocsp.down = True
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    document = SignedDocument.objects.get(letter=letter)
    data = document.file.read()
    assert Signature.objects.get(letter=letter).level == pades.LEVEL_B_T == document.level
    assert pades.detect_level(data) == pades.LEVEL_B_T
    assert pyhanko_check(data, authority).ok


def test_it_refuses_when_the_configured_tsa_is_down_and_leaves_the_letter_unsigned(
    city, with_tsa, authority
):
    with_tsa.tsa.down = True
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match="timestamp authority cannot be reached"):
        sign(city, letter)
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and letter.number == ""
    assert not IssuedNumber.objects.filter(letter=letter).exists()
    assert not SignedDocument.objects.filter(letter=letter).exists()
    assert not Signature.objects.filter(letter=letter).exists()


def test_it_refuses_when_the_tsa_address_answers_nothing(city, settings, authority):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{port}/tsa"
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match="timestamp authority cannot be reached"):
        sign(city, letter)
    assert Letter.objects.get(pk=letter.pk).number == ""


def test_it_signs_b_b_without_a_tsa(city, settings, authority):
    settings.SIGNING_TSA_URL = ""
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    data = SignedDocument.objects.get(letter=letter).file.read()
    assert Signature.objects.get(letter=letter).level == pades.LEVEL_B_B
    assert pades.detect_level(data) == pades.LEVEL_B_B
    assert pades.detect_level(b"%PDF-1.4 not really") == ""
