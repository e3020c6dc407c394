"""PAdES signing and validation with pyHanko.

Signing appends an incremental update to the PDF (a signed PDF is extended, never rewritten).
Validation trusts only the roots it is given: the government's CA for the `local` provider.
"""

import io
import logging
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

LEVEL_B_B = "PAdES-B-B"

logger = logging.getLogger(__name__)


def _asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(
    data: bytes,
    *,
    key,
    certificate,
    chain=(),
    field_name: str = "Signature1",
    reason: str = "",
    location: str = "",
    name: str = "",
) -> bytes:
    """Sign `data` with PAdES B-B (detached CMS, SHA-256) and return the extended PDF.

    `key` and `certificate` are `cryptography` objects; `chain` the issuing certificates to embed.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signing_key = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )  # fmt: skip
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(certificate),
        signing_key=signing_key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=name or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    output = io.BytesIO()
    signers.sign_pdf(writer, meta, signer=signer, output=output)
    return output.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature as a validator sees it."""

    signer: str
    signed_at: object  # datetime or None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature is correct
    trusted: bool  # the signer's certificate chains to a trusted root
    whole_file: bool  # covers the file up to its last byte

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


@dataclass(frozen=True)
class PdfCheck:
    """The outcome of validating an uploaded file: readable or not, and each signature."""

    readable: bool
    signatures: tuple[SignatureCheck, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            self.readable
            and bool(self.signatures)
            and all(s.ok for s in self.signatures)
            and self.signatures[-1].whole_file
        )


def validate_pdf(data: bytes, *, trust_roots) -> PdfCheck:
    """Validate every signature in `data`, trusting only `trust_roots` (cryptography certs).

    Never raises on bad input: an unreadable or mangled file is `readable=False`, a broken
    signature is a check with `valid` or `intact` False. No network is used (no fetching).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # any parsing failure means "not a PDF we can read"
        return PdfCheck(readable=False)
    checks = []
    for sig in embedded:
        context = ValidationContext(
            trust_roots=[_asn1_cert(c) for c in trust_roots],
            allow_fetching=False,
            revocation_mode="soft-fail",
        )
        try:
            status = validate_pdf_signature(sig, context, skip_diff=False)
        except Exception as exc:  # a mangled CMS blob, unsupported algorithm…
            logger.info("signature validation failed: %s", type(exc).__name__)
            checks.append(SignatureCheck("", None, False, False, False, False))
            continue
        cert = status.signing_cert
        checks.append(
            SignatureCheck(
                signer=cert.subject.native.get("common_name", "") if cert else "",
                signed_at=status.signer_reported_dt,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            )
        )
    return PdfCheck(readable=True, signatures=tuple(checks))
