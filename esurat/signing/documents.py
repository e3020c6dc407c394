"""The PDF of a letter as people get it: the registered signed document when there is one, else
the official PDF rendered now (a draft carries the KONSEP watermark and no QR code).

Preview, download, print and e-mail all take their bytes from here, so what a reviewer previews
is rendered by the very code that renders what the signatory signs. The screens
(esurat/letters/views/document.py) and the API (esurat/api/documents.py) answer with
`pdf_response`, so the bytes, the R/SR watermark and its audit event cannot drift apart.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone

from esurat.audit.actions import Actor, record_event
from esurat.letters.access import acting_seat
from esurat.lib.files import file_response
from esurat.lib.watermark import stamp
from esurat.search.models import LetterText
from esurat.signing.models import SignedDocument
from esurat.signing.pdf import SECURITY_ID, SignerBlock, render_letter_pdf


@dataclass(frozen=True)
class LetterPdf:
    data: bytes
    sha256: str
    signed: bool  # the registered, electronically signed document (PAdES)
    draft: bool  # rendered with the KONSEP watermark: not (yet) a signed letter


def signer_block(letter) -> SignerBlock:
    """Who signs (or signed) the letter: the first signature, else the planned signatory."""
    signature = letter.signatures.select_related("position__agency", "user").order_by("pk").first()
    if signature is not None:
        return SignerBlock(signature.position, signature.user, signature.qualifier)
    position = letter.signatory_position
    return SignerBlock(position, position.holder if position else None, letter.qualifier)


def cosigner_blocks(letter) -> list[SignerBlock]:
    """A joint letter's co-signatories in order: who signed (with their qualifier), or the
    planned position and its holder."""
    signed = {
        s.position_id: s for s in letter.signatures.select_related("position__agency", "user")
    }
    blocks = []
    for cosignatory in letter.cosignatories.select_related("position__agency", "position__holder"):
        signature = signed.get(cosignatory.position_id)
        if signature is not None:
            blocks.append(SignerBlock(signature.position, signature.user, signature.qualifier))
        else:
            position = cosignatory.position
            blocks.append(SignerBlock(position, position.holder))
    return blocks


def letter_pdf(letter) -> LetterPdf:
    """The newest registered signed PDF, or the official PDF rendered now."""
    document = SignedDocument.objects.filter(letter=letter).first()
    if document is not None:
        with document.file.open("rb") as handle:
            data = handle.read()
        return LetterPdf(data, document.sha256, signed=True, draft=False)
    # Without a PAdES provider (SIGNING_PROVIDER=recorded) a signed letter has no registered
    # PDF: it is rendered as signed, with its number and QR code, but carries no signature.
    draft = letter.signed_at is None
    data = render_letter_pdf(
        letter, signer=signer_block(letter), provider=settings.SIGNING_PROVIDER, draft=draft,
        cosigners=cosigner_blocks(letter),
    )  # fmt: skip
    return LetterPdf(data, hashlib.sha256(data).hexdigest(), signed=False, draft=draft)


def source_pdf(letter) -> LetterPdf:
    """The official PDF of a drafted letter; the scan (or first PDF file) of a registered one.
    A registered letter with neither is 404: there is no document to give."""
    if letter.origin == letter.Origin.DRAFTED:
        return letter_pdf(letter)
    text = LetterText.objects.filter(letter=letter).select_related("scan").first()
    scan = text.scan if text and text.scan else None
    scan = scan or letter.attachments.filter(content_type="application/pdf").first()
    if scan is None:
        raise Http404
    with scan.file.open("rb") as handle:
        data = handle.read()
    return LetterPdf(data, scan.sha256, signed=False, draft=False)


def pdf_filename(letter) -> str:
    if letter.origin == letter.Origin.REGISTERED:
        return f"surat-masuk-{letter.code.hex[:8]}.pdf"
    base = letter.number.replace("/", "-") if letter.number else f"konsep-{letter.code.hex[:8]}"
    return f"{base}.pdf"


def copy_for(user, letter, *, inline: bool, ip_address=None) -> bytes:
    """The bytes `user` gets. An R/SR copy is a derived file stamped with who took it and when,
    and each one is an audit event; the registered signed original is never changed. The caller
    has checked that the user may read the letter (access_letter)."""
    pdf = source_pdf(letter)
    if not letter.is_narrow:
        return pdf.data
    now = timezone.localtime(timezone.now(), letter.government.zone)
    who = f"{user.get_full_name()}" + (f" (NIP {user.nip})" if user.nip else "")
    data = stamp(pdf.data, big=f"{SECURITY_ID[letter.security].upper()} - {user.get_full_name()}",
                 lines=[f"Salinan untuk {who}, diunduh {now:%d-%m-%Y %H:%M %Z}.",
                        "Tanda tangan elektronik pada salinan bertanda ini tidak berlaku; "
                        "dokumen asli terdaftar di e-Surat."])  # fmt: skip
    seat = acting_seat(user, letter)
    record_event(government=letter.government,
                 actor=Actor(user, seat.position if seat else None,
                             seat.acting_as if seat else "", ip_address),
                 action="letter.downloaded", letter=letter,
                 data={"security": letter.security, "inline": inline,
                       "original_sha256": pdf.sha256, "signed": pdf.signed})  # fmt: skip
    return data


def pdf_response(user, letter, *, inline: bool, ip_address=None) -> HttpResponse:
    """The letter's PDF as an HTTP answer: shown in the browser (inline) or saved as a file.
    Never cached, never sniffed; an inline copy may be framed by our own pages only."""
    data = copy_for(user, letter, inline=inline, ip_address=ip_address)
    return file_response(data, name=pdf_filename(letter), content_type="application/pdf",
                         inline=inline)  # fmt: skip
