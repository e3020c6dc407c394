"""The `local` provider: a PAdES signature that independent validators accept, or nothing."""

import pytest
from django.core.management import CommandError, call_command

from esurat.audit.models import AuditEvent
from esurat.letters.actions import ActionRefused
from esurat.letters.models import IssuedNumber, Letter, LetterKind
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.models import Assignment
from esurat.signing.models import Signature, SignedDocument, SigningCertificate
from esurat.signing.tests.conftest import CA_PASSPHRASE, PASSPHRASE, sign, to_signature
from esurat.signing.tests.helpers import (
    first_page_png,
    flip_one_byte,
    pdfsig,
    pdftext,
    pyhanko_check,
)

pytestmark = pytest.mark.django_db


def test_it_signs_a_pdf_that_pyhanko_and_pdfsig_both_accept(city, authority, tmp_path):
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    document = SignedDocument.objects.get(letter=letter)
    data = document.file.read()
    signature = Signature.objects.get(letter=letter)
    assert signature.provider == "local" and signature.level == "PAdES-B-B"
    assert signature.content_sha256 == document.sha256 and document.size == len(data)
    check = pyhanko_check(data, authority)
    assert check.ok and len(check.signatures) == 1
    assert check.signatures[0].signer == "Ir. Siti Rahmawati, M.T."
    out = pdfsig(data, tmp_path)
    assert "Signature is Valid" in out and "Total document signed" in out
    assert "ETSI.CAdES.detached" in out  # PAdES, not adbe.pkcs7
    assert first_page_png(data, "nota-dinas-signed", tmp_path).stat().st_size > 10_000
    assert AuditEvent.objects.filter(action="signing.certificate_issued",
                                     actor=city.users["kadis.kominfo"]).count() == 1  # fmt: skip


def test_it_fails_both_validators_when_one_byte_changes(city, authority, tmp_path):
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    data = SignedDocument.objects.get(letter=letter).file.read()
    tampered = flip_one_byte(data)
    assert not pyhanko_check(tampered, authority).ok
    out = pdfsig(tampered, tmp_path)
    assert "Signature is Valid" not in out


def test_it_does_not_trust_another_governments_ca(city, authority, tmp_path):
    from esurat.organisations.models import Government
    from esurat.signing.ca import create_ca

    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    data = SignedDocument.objects.get(letter=letter).file.read()
    other = create_ca(Government.objects.create(name="Pemerintah Kota Lain", short_name="Lain"))
    check = pyhanko_check(data, other)
    assert check.signatures[0].intact and check.signatures[0].valid
    assert not check.signatures[0].trusted and not check.ok


def test_it_prints_the_number_and_the_signature_block_in_the_pdf(city, authority, tmp_path):
    letter = sign(city, to_signature(city, draft_nota_dinas(city, subject="Rapat evaluasi")))
    text = pdftext(SignedDocument.objects.get(letter=letter).file.read(), tmp_path)
    flat = " ".join(text.split())
    assert letter.number in flat
    for expected in ("PEMERINTAH KOTA BANUA RAYA", "DINAS KOMUNIKASI DAN INFORMATIKA",
                     "NOTA DINAS", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang",
                     "Rapat evaluasi", "Sifat : Biasa", "Ir. Siti Rahmawati, M.T.",
                     "NIP 197505122000032003", "Sekretaris Daerah", "Halaman 1 dari 1",
                     "BUKAN sertifikat tersertifikasi BSrE"):  # fmt: skip
        assert expected in flat, expected
    assert f"/verify/{letter.code}/" in flat


def test_it_prints_an_acting_qualifier_and_uses_f4_paper_for_titled_kinds(
    city, authority, tmp_path
):
    kadis = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    Assignment.objects.create(position=kadis, user=city.users["sekda"], kind="plt")
    letter = draft_nota_dinas(city)
    Letter.objects.filter(pk=letter.pk).update(kind=LetterKind.objects.get(code="surat-tugas"))
    letter = sign(city, to_signature(city, letter), signer="sekda")
    data = SignedDocument.objects.get(letter=letter).file.read()
    flat = " ".join(pdftext(data, tmp_path).split())
    assert "Plt. Kepala Dinas Komunikasi dan Informatika," in flat
    assert "SURAT TUGAS" in flat and f"NOMOR {letter.number}" in flat
    path = tmp_path / "f4.pdf"
    path.write_bytes(data)
    import subprocess

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "609.4" in info and "935.4" in info  # 215 x 330 mm
    first_page_png(data, "surat-tugas-plt", tmp_path)


def test_it_refuses_a_wrong_passphrase_and_leaves_the_letter_unsigned(city, authority):
    sign(city, to_signature(city, draft_nota_dinas(city)))  # the first signing issues the key
    letter = to_signature(city, draft_nota_dinas(city, subject="Kedua"))
    with pytest.raises(ActionRefused, match="passphrase is wrong"):
        sign(city, letter, secret="bukan-passphrase-saya")
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and letter.number == ""
    assert letter.signed_at is None and letter.letter_date is None
    assert not IssuedNumber.objects.filter(letter=letter).exists()
    assert not Signature.objects.filter(letter=letter).exists()
    assert not SignedDocument.objects.filter(letter=letter).exists()
    assert not AuditEvent.objects.filter(letter=letter, action="letter.signed").exists()
    assert not letter.inbox_entries.exists()
    letter = sign(city, letter)  # the right passphrase: the next number, no gap
    assert letter.number.split("/")[1] == "0002"


def test_it_refuses_an_empty_or_short_first_passphrase(city, authority):
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match="Type your signing passphrase"):
        sign(city, letter, secret="")
    with pytest.raises(ActionRefused, match="at least 8 characters"):
        sign(city, letter, secret="pendek")
    letter.refresh_from_db()
    assert letter.number == "" and not SigningCertificate.objects.exists()


def test_it_refuses_to_sign_without_a_certificate_authority(city, local_signing):
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match="not set up"):
        sign(city, letter)
    letter.refresh_from_db()
    assert letter.number == "" and letter.state == Letter.State.AWAITING_SIGNATURE


def test_it_refuses_an_expired_certificate(city, authority):
    import datetime

    from django.utils import timezone

    sign(city, to_signature(city, draft_nota_dinas(city)))
    SigningCertificate.objects.update(not_after=timezone.now() - datetime.timedelta(days=1))
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(ActionRefused, match="certificate expired"):
        sign(city, letter)
    assert Letter.objects.get(pk=letter.pk).number == ""


def test_it_never_stores_a_passphrase(city, authority):
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    certificate = SigningCertificate.objects.get(user=city.users["kadis.kominfo"])
    assert "ENCRYPTED PRIVATE KEY" in certificate.encrypted_key_pem
    assert "ENCRYPTED PRIVATE KEY" in authority.encrypted_key_pem
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump = repr(cursor.fetchall())
            assert PASSPHRASE not in dump and CA_PASSPHRASE not in dump, table
    assert letter.number


def test_it_needs_the_ca_passphrase_and_creates_the_ca_once(city, local_signing, monkeypatch):
    monkeypatch.delenv("ESURAT_CA_PASSPHRASE")
    with pytest.raises(CommandError, match="ESURAT_CA_PASSPHRASE"):
        call_command("create_ca", government=city.government.short_name)
    monkeypatch.setenv("ESURAT_CA_PASSPHRASE", CA_PASSPHRASE)
    call_command("create_ca", government=city.government.short_name, stdout=open("/dev/null", "w"))
    with pytest.raises(CommandError, match="already has"):
        call_command("create_ca", government=city.government.short_name)


def test_a_failure_after_signing_leaves_no_signed_pdf_behind(city, authority, settings,
                                                             monkeypatch):  # fmt: skip
    """The PDF is written inside the signing transaction; when a later step fails (here the
    delivery), the transaction rolls back and the file goes with it."""
    from pathlib import Path

    from esurat.letters import actions

    def broken_delivery(letter, *, now):
        raise RuntimeError("the database went away mid-delivery")

    monkeypatch.setattr(actions, "_deliver", broken_delivery)
    letter = to_signature(city, draft_nota_dinas(city))
    with pytest.raises(RuntimeError):
        sign(city, letter)
    letter.refresh_from_db()
    assert letter.number == "" and letter.state == Letter.State.AWAITING_SIGNATURE
    assert not SignedDocument.objects.filter(letter=letter).exists()
    signed_dir = Path(settings.MEDIA_ROOT) / "signed"
    assert not signed_dir.exists() or not any(p.is_file() for p in signed_dir.rglob("*"))


def test_it_signs_and_validates_from_a_thread_running_an_event_loop(city, authority):
    """pyHanko's synchronous calls start their own event loop; in a thread that already runs
    one (a test driving a browser, code called from async), signing must still work."""
    import asyncio

    from esurat.signing import ca, pades
    from esurat.signing.pdf import SignerBlock, render_letter_pdf

    letter = draft_nota_dinas(city)
    user = city.users["kadis.kominfo"]
    certificate = ca.issue_certificate(user=user, government=city.government,
                                       passphrase=PASSPHRASE)  # fmt: skip
    pdf = render_letter_pdf(letter, signer=SignerBlock(letter.signatory_position, user),
                            provider="local")  # fmt: skip
    root = ca.load_certificate(authority.certificate_pem)
    kwargs = {
        "key": ca.unlock_key(certificate, PASSPHRASE),
        "certificate": ca.load_certificate(certificate.certificate_pem),
        "chain": [root],
    }

    async def inside_a_loop():
        signed = pades.sign_pdf(pdf, **kwargs)
        return pades.validate_pdf(signed.data, trust_roots=[root])

    assert asyncio.run(inside_a_loop()).ok
