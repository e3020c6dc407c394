"""What the public verification page says about a letter, and about a PDF someone uploads."""

import hashlib
from dataclasses import dataclass

from esurat.letters.models import IssuedNumber
from esurat.lib.dates import long_date_id
from esurat.signing.models import CertificateAuthority, SignedDocument
from esurat.signing.pades import PdfCheck, validate_pdf
from esurat.signing.pdf import corrected_letter, position_label


class Status:
    VALID = "valid"
    NUMBER_CANCELLED = "number_cancelled"
    REVOKED = "revoked"  # revoked by its signatory (ralat); maybe superseded by a correction


@dataclass(frozen=True)
class SignerFact:
    name: str
    position: str
    qualifier: str
    signed_at: object


@dataclass(frozen=True)
class LetterFacts:
    """The public facts of a signed letter. For R/SR letters only `status` is filled."""

    status: str
    narrow: bool
    not_certified: bool  # signed with the government's own CA, not BSrE
    number: str = ""
    date: str = ""
    kind: str = ""
    subject: str = ""
    agency: str = ""
    signers: tuple[SignerFact, ...] = ()
    sha256: str = ""
    revoked_on: str = ""
    revoke_reason: str = ""  # not for R/SR letters
    superseded_by: object = None  # the correcting letter once it is sent (B/T letters only)
    corrects: dict | None = None  # the revoked letter this one corrects (ralat; B/T letters only)


@dataclass(frozen=True)
class RootCertificate:
    """The government's root certificate as published: what a recipient adds to the trusted
    identities of their PDF reader, and the fingerprint they compare before trusting it."""

    government: object
    code: object  # the government's code, for the download links
    subject: str
    pem: bytes
    der: bytes
    sha256: str  # AB:CD:… as PDF readers and browsers show it
    valid_until: str


def root_certificate(authority: CertificateAuthority) -> RootCertificate:
    from cryptography.hazmat.primitives import hashes, serialization

    from esurat.signing.ca import load_certificate

    cert = load_certificate(authority.certificate_pem)
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return RootCertificate(
        government=authority.government, code=authority.government.code,
        subject=cert.subject.rfc4514_string(),
        pem=cert.public_bytes(serialization.Encoding.PEM),
        der=cert.public_bytes(serialization.Encoding.DER),
        sha256=":".join(digest[i:i + 2] for i in range(0, len(digest), 2)),
        valid_until=long_date_id(cert.not_valid_after_utc.date()),
    )  # fmt: skip


def letter_root(letter) -> RootCertificate | None:
    """The root of the certificate authority of the letter's government, if it has one."""
    authority = CertificateAuthority.objects.filter(government_id=letter.government_id).first()
    return root_certificate(authority) if authority else None


def letter_facts(letter) -> LetterFacts:
    cancelled = IssuedNumber.objects.filter(
        letter=letter, insert=0, state=IssuedNumber.State.CANCELLED
    ).exists()
    status = Status.NUMBER_CANCELLED if cancelled else Status.VALID
    revoked = letter.state == letter.State.REVOKED
    if revoked:
        status = Status.REVOKED
    revoked_on = long_date_id(letter.revoked_at.date()) if revoked and letter.revoked_at else ""
    not_certified = letter.signatures.filter(provider="local").exists()
    if letter.is_narrow:
        return LetterFacts(status=status, narrow=True, not_certified=not_certified,
                           revoked_on=revoked_on)  # fmt: skip
    correction = letter.superseded_by if revoked else None
    if correction is not None and (correction.state != letter.State.SENT or correction.is_narrow):
        correction = None
    signatures = letter.signatures.select_related("user", "position__agency").order_by("signed_at")
    document = SignedDocument.objects.filter(letter=letter).first()
    return LetterFacts(
        status=status,
        narrow=False,
        not_certified=not_certified,
        number=letter.number,
        date=long_date_id(letter.letter_date) if letter.letter_date else "",
        kind=letter.kind.name,
        subject=letter.subject,
        agency=letter.agency.name,
        signers=tuple(
            SignerFact(s.user.get_full_name(), position_label(s.position), s.qualifier, s.signed_at)
            for s in signatures
        ),  # fmt: skip
        sha256=document.sha256 if document else "",
        revoked_on=revoked_on,
        revoke_reason=letter.revoke_reason if revoked else "",
        superseded_by=correction,
        corrects=corrected_letter(letter),
    )


@dataclass(frozen=True)
class UploadOutcome:
    """Is the uploaded file the registered document, and are its signatures valid?"""

    registered: bool  # a signed PDF is registered for the letter at all
    identical: bool
    check: PdfCheck


def check_upload(letter, data: bytes) -> UploadOutcome:
    digest = hashlib.sha256(data).hexdigest()
    documents = SignedDocument.objects.filter(letter=letter)
    identical = documents.filter(sha256=digest).exists()
    authority = CertificateAuthority.objects.filter(government_id=letter.government_id).first()
    roots = []
    if authority is not None:
        from esurat.signing.ca import load_certificate

        roots.append(load_certificate(authority.certificate_pem))
    from esurat.signing.bsre import configured_roots

    roots += configured_roots()  # BSrE's, for letters signed by the `bsre` provider
    check = validate_pdf(data, trust_roots=roots)
    return UploadOutcome(registered=documents.exists(), identical=identical, check=check)
