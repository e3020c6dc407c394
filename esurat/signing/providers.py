"""The signing interface. A provider turns a re-authenticated signatory's intent into a signature.

The core ships `recorded`: the act itself, bound by SHA-256 to the exact version signed. `local`
signs the letter's PDF (PAdES) with a certificate from the government's own CA; `bsre` has BSrE
sign it through the Pemda's Esign Client Service. Providers are chosen by configuration
(SIGNING_PROVIDER). Before a signatory starts, `check_signer` says what would stop them.

do_sign calls `sign` OUTSIDE any transaction, after the number was reserved for the letter (the
letter carries its number and date), so a provider may render the official PDF and sign it — or
wait for BSrE — while other signings of the agency go on. A provider therefore writes nothing in
the database for the signature: it returns the signed bytes (SignResult.data), and do_sign
registers them in its short final transaction (`register_signed_pdf`), or drops them when the
letter changed meanwhile. A SigningError leaves the letter unsigned, its number kept for a retry.
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


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
    data: bytes = b""  # the signed PDF, not stored yet (see register_signed_pdf); b"" if none


class SigningProvider(Protocol):
    name: str

    def sign(self, request: SignRequest) -> SignResult: ...

    def check_signer(self, user) -> str:
        """A warning for a signatory about to sign ("" when nothing stands in the way)."""
        ...


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

    def check_signer(self, user) -> str:
        return ""


def _base_pdf(letter, request: "SignRequest", provider: str) -> bytes:
    """What is signed: the letter's signed PDF when a signatory signed it already (a co-signature
    extends that file), else the official PDF freshly rendered with its number."""
    from esurat.signing.documents import cosigner_blocks
    from esurat.signing.models import SignedDocument
    from esurat.signing.pdf import SignerBlock, render_letter_pdf

    document = SignedDocument.objects.filter(letter=letter).first()
    if document is not None:
        with document.file.open("rb") as f:
            return f.read()
    return render_letter_pdf(
        letter, signer=SignerBlock(request.position, request.user, request.qualifier),
        provider=provider, cosigners=cosigner_blocks(letter),
    )  # fmt: skip


def _signed(data: bytes, *, level: str) -> SignResult:
    return SignResult(content_sha256=hashlib.sha256(data).hexdigest(), level=level, data=data)


def register_signed_pdf(letter, result: SignResult, *, provider: str):
    """Store the signed PDF as the letter's newest SignedDocument (immutable, by SHA-256).

    Called by do_sign inside its final transaction; returns the row, whose file the caller
    deletes again if that transaction fails (no file without its row). None when the provider
    signed no PDF (`recorded`)."""
    from esurat.signing.models import SignedDocument

    if not result.data:
        return None
    document = SignedDocument(letter=letter, sha256=result.content_sha256, size=len(result.data),
                              provider=provider, level=result.level,
                              created_at=timezone.now())  # fmt: skip
    document.file.save(f"{result.content_sha256}.pdf", ContentFile(result.data), save=False)
    try:
        document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _tsa_roots() -> list:
    from cryptography import x509

    if not settings.SIGNING_TSA_ROOTS:
        return []
    with open(settings.SIGNING_TSA_ROOTS, "rb") as f:
        return x509.load_pem_x509_certificates(f.read())


def long_term_for(authority):
    """The B-T/B-LT material for a local signature, or None (B-B) when no TSA is configured.

    Revocation data for the signatory's certificate is the CA's own fresh CRL; the TSA's comes
    from the OCSP responder or CRL its certificate names (fetched when SIGNING_FETCH_REVOCATION).
    """
    from esurat.signing import ca, pades

    if not settings.SIGNING_TSA_URL:
        return None
    try:
        crls = (ca.revocation_list(authority),)
    except ca.CAError:  # no CA passphrase here: no revocation data for our own certificates
        crls = ()
    return pades.LongTerm(
        timestamper=pades.HttpTimeStamper(settings.SIGNING_TSA_URL,
                                          timeout=settings.SIGNING_TSA_TIMEOUT),
        trust_roots=(ca.load_certificate(authority.certificate_pem), *_tsa_roots()),
        crls=crls, allow_fetching=settings.SIGNING_FETCH_REVOCATION,
    )  # fmt: skip


def _tsa_unavailable() -> SigningError:
    return SigningError(
        _("The timestamp authority cannot be reached now; the letter was not signed. "
          "Try again in a moment.")
    )  # fmt: skip


class LocalProvider:
    """PAdES with the government's own CA (not BSrE-certified): B-B, or B-T/B-LT with a TSA.

    The signatory's key is issued on first use and encrypted with the passphrase typed then;
    afterwards the passphrase unlocks it for one signing, in memory only. The signed PDF is
    registered as a SignedDocument; content_sha256 is the SHA-256 of that PDF. A letter that
    already has a signed PDF gets one more signature appended to it (never rewritten).
    """

    name = "local"

    def check_signer(self, user) -> str:
        return ""

    def sign(self, request: SignRequest) -> SignResult:
        from esurat.audit.actions import Actor, record_event
        from esurat.signing import ca, pades
        from esurat.signing.pdf import place_of

        letter, user = request.letter, request.user
        government = letter.government
        if not request.secret:
            raise SigningError(_("Type your signing passphrase."))
        try:
            authority = ca.authority_for(government)
            certificate = ca.current_certificate(user)
            if certificate is None:
                # Its own transaction (the signing's PDF work runs outside one); two first
                # signings at once: the unique index keeps one certificate, the other uses it.
                try:
                    with transaction.atomic():
                        certificate = ca.issue_certificate(
                            user=user, government=government, passphrase=request.secret
                        )
                        record_event(government=government,
                                     actor=Actor(user, request.position, request.acting_as),
                                     action="signing.certificate_issued", letter=None,
                                     data={"serial": certificate.serial})  # fmt: skip
                except IntegrityError:
                    certificate = ca.current_certificate(user)
                    if certificate is None:
                        raise
        except ca.CAError as exc:
            logger.error("local signing is not usable: %s", exc)  # for the administrator
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
        pdf = _base_pdf(letter, request, self.name)
        try:
            signed = pades.sign_pdf(
                pdf, key=key, certificate=ca.load_certificate(certificate.certificate_pem),
                chain=[ca.load_certificate(authority.certificate_pem)],
                reason=f"Penandatanganan naskah dinas nomor {letter.number}",
                location=place_of(government), name=user.get_full_name(),
                long_term=long_term_for(authority),
            )  # fmt: skip
        except pades.TimestampUnavailable as exc:
            raise _tsa_unavailable() from exc
        return _signed(signed.data, level=signed.level)


def _bsre_tag(letter, position) -> str:
    """The tag BSrE stamps this signature on: the main signatory's, or the co-signatory's own
    (esurat.signing.pdf.cosignatory_tag, in the order the blocks are printed)."""
    from esurat.signing.pdf import BSRE_TAG, cosignatory_tag

    if position.pk == letter.signatory_position_id:
        return BSRE_TAG
    order = list(letter.cosignatories.values_list("position_id", flat=True))
    return cosignatory_tag(order.index(position.pk) + 1)


class BsreProvider:
    """BSrE-certified PAdES through the Pemda's Esign Client Service (esurat.signing.bsre).

    The official PDF carries a text tag where BSrE stamps its QR code; the signatory's NIK comes
    from their SignerProfile and the passphrase they type goes to BSrE for this one signing.
    The level is what BSrE produced, as read from the returned file.
    """

    name = "bsre"

    def check_signer(self, user) -> str:
        from esurat.signing import bsre
        from esurat.signing.models import SignerProfile

        profile = SignerProfile.objects.filter(user=user).first()
        if profile is None:
            return _("Your NIK is not recorded in e-Surat: ask the administrator to add it "
                     "before you sign.")  # fmt: skip
        try:
            status = bsre.BsreClient.from_settings().user_status(
                profile.nik, timeout=min(bsre.STATUS_TIMEOUT, settings.BSRE_TIMEOUT)
            )
        except bsre.Unreachable:
            return _("BSrE cannot be reached now, so signing may fail. Try again in a moment.")
        except bsre.BsreError as exc:
            return str(exc)
        if not status.registered:
            return _("Your NIK is not registered with BSrE: apply for an electronic certificate "
                     "before you sign.")  # fmt: skip
        if not status.active:
            return _("Your BSrE certificate is not active (%(status)s): renew it with BSrE "
                     "before you sign.") % {"status": status.status}  # fmt: skip
        return ""

    def sign(self, request: SignRequest) -> SignResult:
        from esurat.signing import bsre, pades
        from esurat.signing.models import SignerProfile
        from esurat.signing.pdf import place_of, verification_url

        letter = request.letter
        profile = SignerProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise SigningError(
                _("Your NIK is not recorded in e-Surat. Ask the administrator to add it. "
                  "The letter was not signed.")
            )  # fmt: skip
        if not request.secret:
            raise SigningError(_("Type your BSrE passphrase."))
        client = bsre.BsreClient.from_settings()
        signed = client.sign_pdf(
            _base_pdf(letter, request, self.name), nik=profile.nik, passphrase=request.secret,
            link_qr=verification_url(letter), tag=_bsre_tag(letter, request.position),
            reason=f"Penandatanganan naskah dinas nomor {letter.number}",
            location=place_of(letter.government),
        )  # fmt: skip
        level = pades.detect_level(signed)
        if not level:
            raise bsre.BsreError(
                _("BSrE returned a document without a signature. The letter was not signed.")
            )
        return _signed(signed, level=level)


PROVIDERS = {"recorded": RecordedProvider, "local": LocalProvider, "bsre": BsreProvider}


def get_provider() -> SigningProvider:
    try:
        return PROVIDERS[settings.SIGNING_PROVIDER]()
    except KeyError as exc:
        raise SigningError(f"Unknown SIGNING_PROVIDER {settings.SIGNING_PROVIDER!r}") from exc


def signer_warning(user) -> str:
    """What the sign page warns a signatory about before they start ("" when all is well)."""
    return get_provider().check_signer(user)
