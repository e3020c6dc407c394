"""The signing interface. A provider turns a re-authenticated signatory's intent into a signature.

The core ships `recorded`: the act itself, bound by SHA-256 to the exact version signed. `local`
signs the letter's PDF (PAdES) with a certificate from the government's own CA. Providers are
chosen by configuration (SIGNING_PROVIDER).

do_sign calls `sign` inside its transaction after the number is issued (the letter carries its
number and date), so a provider may render the official PDF; a SigningError rolls everything back.
"""

import hashlib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _


class SigningError(Exception):
    """A signing failure the signatory can understand (wrong passphrase, provider down…)."""


@dataclass(frozen=True)
class SignRequest:
    letter: object
    user: object
    position: object
    acting_as: str
    qualifier: str
    secret: str  # a passphrase for PAdES providers; never stored or logged


@dataclass(frozen=True)
class SignResult:
    content_sha256: str
    level: str


class SigningProvider(Protocol):
    name: str

    def sign(self, request: SignRequest) -> SignResult: ...


def letter_content_digest(letter) -> str:
    """SHA-256 over what is signed: number-independent content of the current version."""
    parts = [
        str(letter.code),
        str(letter.version),
        letter.subject,
        letter.body,
        letter.security,
        letter.urgency,
        letter.classification.code,
    ]
    parts += [f"{a.sha256}" for a in letter.attachments.all()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class RecordedProvider:
    """Records the signing act: the digest of the signed content, no cryptographic PDF yet."""

    name = "recorded"

    def sign(self, request: SignRequest) -> SignResult:
        return SignResult(content_sha256=letter_content_digest(request.letter), level="recorded")


class LocalProvider:
    """PAdES B-B with the government's own CA (not BSrE-certified).

    The signatory's key is issued on first use and encrypted with the passphrase typed then;
    afterwards the passphrase unlocks it for one signing, in memory only. The signed PDF is
    registered as a SignedDocument; content_sha256 is the SHA-256 of that PDF.
    """

    name = "local"

    def sign(self, request: SignRequest) -> SignResult:
        from esurat.audit.actions import Actor, record_event
        from esurat.signing import ca, pades
        from esurat.signing.models import SignedDocument
        from esurat.signing.pdf import SignerBlock, place_of, render_letter_pdf

        letter, user = request.letter, request.user
        government = letter.government
        if not request.secret:
            raise SigningError(_("Type your signing passphrase."))
        try:
            authority = ca.authority_for(government)
            certificate = ca.current_certificate(user)
            if certificate is None:
                certificate = ca.issue_certificate(
                    user=user, government=government, passphrase=request.secret
                )
                record_event(government=government,
                             actor=Actor(user, request.position, request.acting_as),
                             action="signing.certificate_issued", letter=None,
                             data={"serial": certificate.serial})  # fmt: skip
        except ca.CAError as exc:
            raise SigningError(
                _("Electronic signing is not set up for this government yet. "
                  "Ask the administrator. The letter was not signed.")
            ) from exc  # fmt: skip
        except ValueError as exc:  # a passphrase too short for a new key
            raise SigningError(str(exc)) from exc
        if certificate.not_after <= timezone.now():
            raise SigningError(
                _("Your signing certificate expired on %(date)s. Ask the administrator to renew "
                  "it. The letter was not signed.") % {"date": certificate.not_after.date()}
            )  # fmt: skip
        try:
            key = ca.unlock_key(certificate, request.secret)
        except (ValueError, TypeError) as exc:
            raise SigningError(_("The passphrase is wrong. The letter was not signed.")) from exc
        pdf = render_letter_pdf(
            letter,
            signer=SignerBlock(request.position, user, request.qualifier),
            provider=self.name,
        )
        signed = pades.sign_pdf(
            pdf, key=key, certificate=ca.load_certificate(certificate.certificate_pem),
            chain=[ca.load_certificate(authority.certificate_pem)],
            reason=f"Penandatanganan naskah dinas nomor {letter.number}",
            location=place_of(government), name=user.get_full_name(),
        )  # fmt: skip
        digest = hashlib.sha256(signed).hexdigest()
        document = SignedDocument(letter=letter, sha256=digest, size=len(signed),
                                  provider=self.name, level=pades.LEVEL_B_B,
                                  created_at=timezone.now())  # fmt: skip
        document.file.save(f"{digest}.pdf", ContentFile(signed), save=False)
        document.save()
        return SignResult(content_sha256=digest, level=pades.LEVEL_B_B)


PROVIDERS = {"recorded": RecordedProvider, "local": LocalProvider}


def get_provider() -> SigningProvider:
    try:
        return PROVIDERS[settings.SIGNING_PROVIDER]()
    except KeyError as exc:
        raise SigningError(f"Unknown SIGNING_PROVIDER {settings.SIGNING_PROVIDER!r}") from exc
