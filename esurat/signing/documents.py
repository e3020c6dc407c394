"""The PDF of a letter as people get it: the registered signed document when there is one, else
the official PDF rendered now (a draft carries the KONSEP watermark and no QR code).

Preview, download, print and e-mail all take their bytes from here, so what a reviewer previews
is rendered by the very code that renders what the signatory signs.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings

from esurat.signing.models import SignedDocument
from esurat.signing.pdf import SignerBlock, render_letter_pdf


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
        letter, signer=signer_block(letter), provider=settings.SIGNING_PROVIDER, draft=draft
    )
    return LetterPdf(data, hashlib.sha256(data).hexdigest(), signed=False, draft=draft)
