"""The `bsre` provider against a local Esign Client Service that speaks the gateway's API and
really signs: success on API versions 1 and 2, every known refusal, timeouts, the status check."""

import io
import logging
import socket

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from esurat.letters.actions import ActionRefused
from esurat.letters.models import IssuedNumber, Letter
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing import bsre, pades
from esurat.signing.models import Signature, SignedDocument, SignerProfile
from esurat.signing.pdf import SignerBlock, render_letter_pdf, verification_url
from esurat.signing.providers import signer_warning
from esurat.signing.tests.conftest import sign, to_signature
from esurat.signing.tests.fake_bsre import PASSWORD, USER, Holder, _find_tag, start_fake_bsre
from esurat.signing.tests.helpers import first_page_png, pdfsig, pdftext

pytestmark = pytest.mark.django_db


NIK_KADIS = "6371015205750003"
NIK_EXPIRED = "6371010101700001"
NIK_PUPR = "6371012303780002"
PUPR_PASSPHRASE = "Passphrase#Pupr2"
NIK_UNKNOWN = "6371019999999999"
BSRE_PASSPHRASE = "Passphrase#Kadis1"


@pytest.fixture(scope="module")
def gateway():
    server = start_fake_bsre([
        Holder(NIK_KADIS, "SITI RAHMAWATI", BSRE_PASSPHRASE),
        Holder(NIK_EXPIRED, "PEJABAT LAMA", BSRE_PASSPHRASE, status="EXPIRED"),
        Holder(NIK_PUPR, "BAMBANG SUTRISNO", PUPR_PASSPHRASE),
    ])  # fmt: skip
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(params=[1, 2], ids=["v1", "v2"])
def bsre_signing(request, settings, gateway, tmp_path):
    gateway.delay, gateway.down, gateway.calls = 0, False, []  # a new log (fake_bsre._start)
    roots = tmp_path / "bsre-roots.pem"
    roots.write_bytes(gateway.RequestHandlerClass.pki.root.pem)
    settings.SIGNING_PROVIDER = "bsre"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://esurat.banuaraya.go.id"
    settings.BSRE_URL, settings.BSRE_USER, settings.BSRE_PASSWORD = gateway.url, USER, PASSWORD
    settings.BSRE_TIMEOUT, settings.BSRE_API_VERSION = 5, request.param
    settings.BSRE_ROOTS = str(roots)
    return gateway


@pytest.fixture
def kadis_nik(city):
    return SignerProfile.objects.create(user=city.users["kadis.kominfo"], nik=NIK_KADIS)


def _unsigned_pdf(letter):
    position = letter.signatory_position
    return render_letter_pdf(letter, signer=SignerBlock(position, position.holder),
                             provider="bsre")  # fmt: skip


def _trusting_gateway(data, gateway):
    from esurat.signing.pades import validate_pdf

    return validate_pdf(data, trust_roots=[gateway.RequestHandlerClass.pki.root.cert])


# --- the client ----------------------------------------------------------------------------------


def test_it_has_bsre_sign_with_a_qr_stamp_on_the_tag(city, bsre_signing, settings):
    letter = draft_nota_dinas(city)
    pdf = _unsigned_pdf(letter)
    client = bsre.BsreClient.from_settings()
    signed = client.sign_pdf(pdf, nik=NIK_KADIS, passphrase=BSRE_PASSPHRASE,
                             link_qr=verification_url(letter), reason="Uji")  # fmt: skip
    assert signed.startswith(pdf)  # BSrE extends the official PDF
    check = _trusting_gateway(signed, bsre_signing)
    assert check.ok and check.signatures[0].signer == "SITI RAHMAWATI"
    # The visible signature sits where the PDF printed the tag, at the size asked for.
    from pyhanko.pdf_utils.reader import PdfFileReader

    page, (left, bottom, _r, _t) = _find_tag(pdf, bsre.TAG)
    field = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].sig_field
    rect = [float(v) for v in field["/Rect"]]
    assert rect == pytest.approx([left, bottom, left + bsre.STAMP_SIZE, bottom + bsre.STAMP_SIZE])
    call = bsre_signing.calls[-1]
    if settings.BSRE_API_VERSION == 1:
        assert call["tampilan"] == "visible" and call["image"] == "false"
        assert call["tag_koordinat"] == "^" and call["linkQR"] == verification_url(letter)
    else:
        props = call["signatureProperties"][0]
        assert props["tampilan"] == "VISIBLE" and props["tag"] == "^"
        assert props["imageBase64"]
    verdict = client.verify_pdf(signed)
    assert verdict["conclusion"] == "VALID" and verdict["jumlah_signature"] == 1


@pytest.mark.parametrize(("nik", "passphrase", "error", "words"), [
    (NIK_KADIS, "salah-ketik", bsre.WrongPassphrase, "passphrase is wrong"),
    (NIK_UNKNOWN, BSRE_PASSPHRASE, bsre.NikNotRegistered, "NIK is not registered"),
    (NIK_EXPIRED, BSRE_PASSPHRASE, bsre.CertificateNotActive, "certificate has expired"),
])  # fmt: skip
def test_it_maps_the_gateways_refusals(city, bsre_signing, nik, passphrase, error, words, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(error, match=words):
        bsre.BsreClient.from_settings().sign_pdf(b"%PDF-1.7 ...", nik=nik, passphrase=passphrase,
                                                 link_qr="https://x")  # fmt: skip
    assert passphrase not in caplog.text


def test_it_says_bsre_cannot_be_reached_on_a_timeout(city, bsre_signing, settings):
    settings.BSRE_TIMEOUT = 0.3
    bsre_signing.delay = 1.5
    with pytest.raises(bsre.Unreachable, match="cannot be reached now; the letter was not signed"):
        bsre.BsreClient.from_settings().sign_pdf(
            b"%PDF-1.7", nik=NIK_KADIS, passphrase=BSRE_PASSPHRASE, link_qr="https://x"
        )


def test_it_says_bsre_cannot_be_reached_when_nothing_listens_or_it_is_down(bsre_signing,
                                                                           settings):  # fmt: skip
    bsre_signing.down = True  # a proxy's 503 page
    with pytest.raises(bsre.Unreachable):
        bsre.BsreClient.from_settings().user_status(NIK_KADIS)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.BSRE_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(bsre.Unreachable):
        bsre.BsreClient.from_settings().user_status(NIK_KADIS)


def test_it_reports_wrong_gateway_credentials(bsre_signing, settings):
    settings.BSRE_PASSWORD = "bukan"
    with pytest.raises(bsre.BsreError, match="could not log in to the BSrE gateway"):
        bsre.BsreClient.from_settings().user_status(NIK_KADIS)


def test_it_reads_a_signers_status(bsre_signing):
    client = bsre.BsreClient.from_settings()
    active = client.user_status(NIK_KADIS)
    assert active.registered and active.active and active.status == "ISSUE"
    unknown = client.user_status(NIK_UNKNOWN)
    assert not unknown.registered and unknown.status == "NOT_REGISTERED"
    expired = client.user_status(NIK_EXPIRED)
    assert expired.registered and not expired.active and expired.status == "EXPIRED"


def test_it_refuses_an_unknown_api_version_and_a_missing_url(settings):
    with pytest.raises(ValueError, match="1 or 2"):
        bsre.BsreClient(url="http://x", user="", password="", timeout=1, version=3)
    settings.BSRE_URL = ""
    with pytest.raises(bsre.BsreError, match="not configured"):
        bsre.BsreClient.from_settings()


# --- the provider inside do_sign -----------------------------------------------------------------


def test_it_signs_a_letter_through_bsre(city, bsre_signing, kadis_nik, client, settings,
                                       tmp_path):  # fmt: skip
    letter = sign(city, to_signature(city, draft_nota_dinas(city)), secret=BSRE_PASSPHRASE)
    signature = Signature.objects.get(letter=letter)
    document = SignedDocument.objects.get(letter=letter)
    data = document.file.read()
    assert signature.provider == "bsre" == document.provider
    assert signature.level == pades.LEVEL_B_B == document.level
    assert signature.content_sha256 == document.sha256
    flat = " ".join(pdftext(data, tmp_path).split())
    assert letter.number in flat and "Balai Besar Sertifikasi Elektronik (BSrE)" in flat
    assert "BUKAN" not in flat
    out = pdfsig(data, tmp_path)
    assert "Signature is Valid" in out and "Total document signed" in out
    first_page_png(data, f"nota-dinas-bsre-v{settings.BSRE_API_VERSION}", tmp_path)
    # The verification page trusts BSrE's root (BSRE_ROOTS) and recognises the registered file.
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile

    cache.clear()
    url = reverse("signing:verify", kwargs={"code": letter.code})
    body = client.post(url, {"file": SimpleUploadedFile("s.pdf", data, "application/pdf")})
    body = body.content.decode()
    assert 'data-outcome="identical"' in body and 'data-signatures="valid"' in body
    assert 'data-status="valid"' in client.get(url).content.decode()


@pytest.mark.parametrize(("secret", "delay", "words"), [
    ("salah-ketik", 0, "passphrase is wrong"),
    (BSRE_PASSPHRASE, 1.5, "cannot be reached"),
])  # fmt: skip
def test_it_leaves_the_letter_unsigned_and_unnumbered_when_bsre_refuses(
    city, bsre_signing, kadis_nik, settings, secret, delay, words
):
    settings.BSRE_TIMEOUT, bsre_signing.delay = 0.5, delay
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match=words):
        sign(city, letter, secret=secret)
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and letter.number == ""
    assert not IssuedNumber.objects.filter(letter=letter).exists()
    assert not Signature.objects.filter(letter=letter).exists()
    assert not SignedDocument.objects.filter(letter=letter).exists()


def test_it_refuses_a_signatory_without_a_nik(city, bsre_signing):
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match="NIK is not recorded"):
        sign(city, letter, secret=BSRE_PASSPHRASE)
    # BSrE was not even asked about this letter. (A call from an earlier timeout test may still
    # land in the shared gateway's log after its client gave up, so look for this letter only.)
    assert not [call for call in bsre_signing.calls if str(letter.code) in repr(call)]


# --- the status check before signing -------------------------------------------------------------


def _sign_page(client, city, letter):
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(reverse("letters:sign", kwargs={"code": letter.code}))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("nik", "down", "warning"), [
    (NIK_KADIS, False, None),
    (NIK_UNKNOWN, False, "not registered with BSrE"),
    (NIK_EXPIRED, False, "certificate is not active (EXPIRED)"),
    (None, False, "NIK is not recorded in e-Surat"),
    (NIK_KADIS, True, "BSrE cannot be reached now"),
])  # fmt: skip
def test_it_warns_the_signatory_before_they_start(city, bsre_signing, client, nik, down, warning):
    if nik:
        SignerProfile.objects.create(user=city.users["kadis.kominfo"], nik=nik)
    bsre_signing.down = down
    response = _sign_page(client, city, to_signature(city, draft_nota_dinas(city)))
    body = response.content.decode()
    message = signer_warning(city.users["kadis.kominfo"])  # the check the page made, in English
    if warning is None:
        assert "data-signer-warning" not in body and message == ""
    else:
        assert warning in message
        with translation.override(response["Content-Language"]):  # as the page said it
            shown = signer_warning(city.users["kadis.kominfo"])
        assert "data-signer-warning" in body and escape(shown) in body


def test_it_does_not_call_bsre_for_other_providers(city, client, settings):
    settings.SIGNING_PROVIDER, settings.BSRE_URL = "recorded", "http://127.0.0.1:9"
    response = _sign_page(client, city, to_signature(city, draft_nota_dinas(city)))
    assert "data-signer-warning" not in response.content.decode()


def _stamp_boxes(data: bytes) -> list[tuple[int, tuple]]:
    """(page, rectangle) of each signature's visible stamp, in signing order."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    kids = reader.root["/Pages"]["/Kids"]
    pages = [kids.raw_get(i).idnum for i in range(len(kids))]
    boxes = []
    for sig in reader.embedded_signatures:
        field = sig.sig_field
        page = pages.index(field.raw_get("/P").idnum) if "/P" in field else -1
        boxes.append((page, tuple(round(float(x)) for x in field["/Rect"])))
    return boxes


def test_a_joint_letter_gets_each_bsre_stamp_on_its_own_block(city, bsre_signing, kadis_nik,
                                                              settings, tmp_path):  # fmt: skip
    """With BSrE the co-signatory's stamp goes on their own block (tag ~1~), not on top of the
    main signatory's (^): the gateway finds a tag by searching the page's text."""
    from esurat.letters import actions
    from esurat.organisations.access import seats_of

    SignerProfile.objects.create(user=city.users["kadis.pupr"], nik=NIK_PUPR)
    drafter = city.users["staf.aptika"]
    pupr = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    letter = actions.do_update_draft(letter=draft_nota_dinas(city), user=drafter,
                                     seat=seats_of(drafter)[0], cosignatories=[pupr])  # fmt: skip
    letter = sign(city, to_signature(city, letter), secret=BSRE_PASSPHRASE)
    first = SignedDocument.objects.filter(letter=letter).first().file.read()
    assert _find_tag(first, "~1~") is not None  # the co-signatory's block is tagged
    letter = sign(city, letter, signer="kadis.pupr", secret=PUPR_PASSPHRASE)
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.SENT
    tags = [c.get("tag_koordinat") or c["signatureProperties"][0]["tag"]
            for c in bsre_signing.calls]  # fmt: skip
    assert tags == ["^", "~1~"]
    final = SignedDocument.objects.filter(letter=letter).first().file.read()
    assert final.startswith(first)  # extended, never rewritten
    check = _trusting_gateway(final, bsre_signing)
    assert check.ok and len(check.signatures) == 2
    main_box, cosign_box = _stamp_boxes(final)
    assert main_box != cosign_box
    (_, (left1, bottom1, right1, top1)), (_, (left2, bottom2, right2, top2)) = main_box, cosign_box
    overlap = main_box[0] == cosign_box[0] and not (
        right1 <= left2 or right2 <= left1 or top1 <= bottom2 or top2 <= bottom1
    )
    assert not overlap, (main_box, cosign_box)
    out = pdfsig(final, tmp_path)
    assert out.count("Signature is Valid") == 2
    first_page_png(final, f"joint-letter-bsre-v{settings.BSRE_API_VERSION}", tmp_path)
