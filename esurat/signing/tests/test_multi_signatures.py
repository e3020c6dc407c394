"""Several signatories on one PDF: each signature extends the file, earlier ones stay valid."""

import hashlib
import re

import pytest

from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.access import seats_of
from esurat.signing import ca, pades
from esurat.signing.models import SignedDocument
from esurat.signing.pdf import SignerBlock, render_letter_pdf
from esurat.signing.providers import LocalProvider, SignRequest
from esurat.signing.tests.conftest import PASSPHRASE, sign, to_signature
from esurat.signing.tests.helpers import flip_one_byte, pdfsig, pdftext, pyhanko_check

pytestmark = pytest.mark.django_db


def _signer(city, authority, username):
    user = city.users[username]
    certificate = ca.current_certificate(user) or ca.issue_certificate(
        user=user, government=city.government, passphrase=PASSPHRASE
    )
    return {
        "key": ca.unlock_key(certificate, PASSPHRASE),
        "certificate": ca.load_certificate(certificate.certificate_pem),
        "chain": [ca.load_certificate(authority.certificate_pem)],
        "name": user.get_full_name(),
    }


def _pdfsig_blocks(out: str) -> list[str]:
    return re.split(r"Signature #\d+:", out)[1:]


def test_it_appends_a_second_signature_without_rewriting_the_first(city, authority, tmp_path):
    letter = draft_nota_dinas(city)
    position = letter.signatory_position
    pdf = render_letter_pdf(letter, signer=SignerBlock(position, position.holder),
                            provider="local")  # fmt: skip
    first = pades.sign_pdf(pdf, **_signer(city, authority, "kadis.kominfo")).data
    second = pades.sign_pdf(first, **_signer(city, authority, "sekda")).data
    assert second.startswith(first) and len(second) > len(first)  # extended, never rewritten
    assert pades.next_field_name(pdf) == "Signature1"
    assert pades.next_field_name(second) == "Signature3"
    check = pyhanko_check(second, authority)
    assert check.ok and [s.signer for s in check.signatures] == [
        "Ir. Siti Rahmawati, M.T.",
        city.users["sekda"].get_full_name(),
    ]
    assert [s.whole_file for s in check.signatures] == [False, True]
    assert all(s.intact and s.valid and s.trusted for s in check.signatures)
    blocks = _pdfsig_blocks(pdfsig(second, tmp_path))
    assert len(blocks) == 2
    assert all("Signature is Valid" in b for b in blocks)
    assert "Not total document signed" in blocks[0] and "Total document signed" in blocks[1]
    assert "Not total document signed" not in blocks[1]


def test_it_invalidates_both_when_a_byte_of_the_first_revision_changes(city, authority, tmp_path):
    letter = draft_nota_dinas(city)
    position = letter.signatory_position
    pdf = render_letter_pdf(letter, signer=SignerBlock(position, position.holder),
                            provider="local")  # fmt: skip
    first = pades.sign_pdf(pdf, **_signer(city, authority, "kadis.kominfo")).data
    second = pades.sign_pdf(first, **_signer(city, authority, "sekda")).data
    tampered = flip_one_byte(second, len(pdf) // 3)
    check = pyhanko_check(tampered, authority)
    assert not check.ok and not any(s.intact and s.valid for s in check.signatures)
    assert "Signature is Valid" not in pdfsig(tampered, tmp_path)


def test_it_lets_a_co_signatory_extend_the_registered_signed_pdf(city, authority):
    """The provider-level mechanism: a letter's next signature appends to its signed PDF. The
    provider only returns the bytes (it runs outside do_sign's transactions); do_sign registers
    them."""
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    first = SignedDocument.objects.get(letter=letter)
    first_bytes = first.file.read()
    sekda = city.users["sekda"]
    result = LocalProvider().sign(
        SignRequest(letter=letter, user=sekda, position=seats_of(sekda)[0].position,
                    acting_as="", qualifier="", secret=PASSPHRASE)
    )  # fmt: skip
    assert SignedDocument.objects.filter(letter=letter).count() == 1
    data = result.data
    assert data.startswith(first_bytes) and hashlib.sha256(data).hexdigest() == (
        result.content_sha256
    )
    check = pyhanko_check(data, authority)
    assert check.ok and len(check.signatures) == 2


def test_a_joint_letter_carries_every_signature_in_one_pdf(city, authority, tmp_path):
    """The workflow: the main signatory signs (number, PDF), the co-signatory extends that PDF,
    then the letter is sent; both signatures validate with pdfsig and pyHanko."""
    from esurat.letters import actions
    from esurat.letters.models import Letter

    drafter = city.users["staf.aptika"]
    pupr = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    letter = actions.do_update_draft(letter=draft_nota_dinas(city), user=drafter,
                                     seat=seats_of(drafter)[0], cosignatories=[pupr])  # fmt: skip
    letter = sign(city, to_signature(city, letter))
    first = SignedDocument.objects.get(letter=letter).file.read()
    text = pdftext(first, tmp_path)
    assert "Kepala Dinas Pekerjaan Umum dan Penataan Ruang" in text  # the co-signer's block
    assert city.users["kadis.pupr"].get_full_name() in text
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.AWAITING_SIGNATURE

    letter = sign(city, letter, signer="kadis.pupr", secret="kunci-tte-pupr")
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.SENT
    final = SignedDocument.objects.filter(letter=letter).first().file.read()
    assert final.startswith(first)  # extended, never rewritten
    check = pyhanko_check(final, authority)
    assert check.ok and [s.signer for s in check.signatures] == [
        city.users["kadis.kominfo"].get_full_name(), city.users["kadis.pupr"].get_full_name(),
    ]  # fmt: skip
    blocks = _pdfsig_blocks(pdfsig(final, tmp_path))
    assert len(blocks) == 2 and all("Signature is Valid" in b for b in blocks)
    assert "Total document signed" in blocks[1] and "Not total" not in blocks[1]
