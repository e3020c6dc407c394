"""PAdES signing and validation with pyHanko.

Signing appends an incremental update to the PDF (a signed PDF is extended, never rewritten): a
second signatory's signature is a further revision after the first, which stays valid.
Validation trusts only the roots it is given: the government's CA for the `local` provider.

Levels: B-B is a bare PAdES signature. With a timestamp authority (LongTerm) the signature carries
a signature timestamp (B-T); when revocation data (CRL or OCSP) for every certificate — the
signer's and the TSA's — can be collected too, it is embedded in the document security store in
the same revision as the signature (B-LT), so the file still "covers the whole document".
"""

import asyncio
import io
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError

from esurat.signing import speedups

# Before anything here reads or signs a PDF (module import is serialised by the import lock).
speedups.install()

LEVEL_B_B = "PAdES-B-B"
LEVEL_B_T = "PAdES-B-T"
LEVEL_B_LT = "PAdES-B-LT"

logger = logging.getLogger(__name__)


class TimestampUnavailable(Exception):
    """The configured timestamp authority could not be reached or gave no valid answer."""


class HttpTimeStamper(TimeStamper):
    """An RFC 3161 client over urllib (pyHanko's own clients need requests or aiohttp sessions)."""

    def __init__(self, url: str, *, timeout: float = 10):
        super().__init__()
        self.url, self.timeout = url, timeout

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        def post() -> tsp.TimeStampResp:
            request = urllib.request.Request(
                self.url, data=req.dump(), method="POST",
                headers={"Content-Type": "application/timestamp-query"},
            )  # fmt: skip
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    content_type = response.headers.get("Content-Type", "")
                    body = response.read()
            except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections
                raise TimestampRequestError("The timestamp authority cannot be reached.") from exc
            if content_type.split(";")[0].strip() != "application/timestamp-reply":
                raise TimestampRequestError("The timestamp authority answered malformed data.")
            return tsp.TimeStampResp.load(body)

        return await asyncio.to_thread(post)


@dataclass(frozen=True)
class LongTerm:
    """What a B-T or B-LT signature needs: a TSA, the roots to trust, known revocation data.

    `crls` are DER CRLs already at hand (the government CA signs its own); `allow_fetching` lets
    pyHanko fetch the OCSP responses and CRLs that the certificates name (the TSA's, BSrE's).
    """

    timestamper: TimeStamper
    trust_roots: tuple = ()  # cryptography certificates
    crls: tuple[bytes, ...] = ()
    allow_fetching: bool = True


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    level: str


def _asn1_cert(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# Room for a B-B signature's CMS (an RSA signature, the signer's and the CA's certificates, ~3.5
# kB): reserving it skips pyHanko's dry-run signature that would otherwise measure it.
B_B_BYTES_RESERVED = 8192


def _signer(key, certificate, chain_asn1):
    """A pyHanko signer over a key already in memory.

    pyHanko's SimpleSigner re-reads its key from DER for each signature, and with it repeats
    OpenSSL's RSA key check (~35 ms); this one signs with the loaded `cryptography` key.
    """
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LoadedKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            if isinstance(key, RSAPrivateKey) and mechanism.signature_algo == "rsassa_pkcs1v15":
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return LoadedKeySigner(
        signing_cert=_asn1_cert(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
        ),
        cert_registry=SimpleCertificateStore.from_certs(chain_asn1),
    )  # fmt: skip


def next_field_name(data: bytes) -> str:
    """The next free field name: Signature1 in an unsigned PDF, Signature2 after one, and so on."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    taken = {name for name, _value, _ref in enumerate_sig_fields(reader)}
    n = 1
    while f"Signature{n}" in taken:
        n += 1
    return f"Signature{n}"


def _is_timestamp_failure(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, TimestampRequestError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _off_the_event_loop(call):
    """Run a pyHanko synchronous entry point, which calls asyncio.run() inside, from any thread.

    asyncio.run() refuses to start inside a thread that already runs an event loop (an ASGI
    server, a test driving a browser); there the call goes to a short-lived worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_pdf(
    data: bytes,
    *,
    key,
    certificate,
    chain=(),
    field_name: str = "",
    reason: str = "",
    location: str = "",
    name: str = "",
    long_term: LongTerm | None = None,
) -> SignedPdf:
    """Sign `data` (detached CMS, SHA-256, ETSI.CAdES.detached) and return the extended PDF.

    `key` and `certificate` are `cryptography` objects; `chain` the issuing certificates to embed.
    A PDF that is already signed is extended by one more revision: earlier signatures stay valid.
    Without `long_term` the result is B-B. With it: B-LT when revocation data for every
    certificate is obtained, else B-T; TimestampUnavailable when the TSA does not answer (the
    caller then refuses to sign rather than silently lowering the level it was configured for).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
    from pyhanko_certvalidator import ValidationContext

    chain_asn1 = [_asn1_cert(c) for c in chain]
    signer = _signer(key, certificate, chain_asn1)
    field_name = field_name or next_field_name(data)

    def attempt(*, timestamper=None, embed: bool = False) -> bytes:
        extra = {}
        if embed:
            extra = {
                "embed_validation_info": True,
                "validation_context": ValidationContext(
                    trust_roots=[_asn1_cert(c) for c in long_term.trust_roots],
                    other_certs=chain_asn1, crls=list(long_term.crls),
                    allow_fetching=long_term.allow_fetching, revocation_mode="require",
                ),
                "dss_settings": DSSContentSettings(
                    placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                    include_vri=False,
                ),
            }  # fmt: skip
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES, reason=reason or None,
            location=location or None, name=name or None, **extra,
        )  # fmt: skip
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        output = io.BytesIO()
        reserved = B_B_BYTES_RESERVED if timestamper is None else None
        _off_the_event_loop(lambda: signers.sign_pdf(
            writer, meta, signer=signer, timestamper=timestamper, output=output,
            bytes_reserved=reserved,
        ))  # fmt: skip
        return output.getvalue()

    if long_term is None:
        return SignedPdf(attempt(), LEVEL_B_B)
    try:
        return SignedPdf(attempt(timestamper=long_term.timestamper, embed=True), LEVEL_B_LT)
    except Exception as exc:  # pyHanko raises several kinds for a path without revocation data
        if _is_timestamp_failure(exc):
            raise TimestampUnavailable(str(exc)) from exc
        logger.warning("PAdES B-LT not possible, signing B-T: %s", exc)
    try:
        return SignedPdf(attempt(timestamper=long_term.timestamper), LEVEL_B_T)
    except Exception as exc:
        if _is_timestamp_failure(exc):
            raise TimestampUnavailable(str(exc)) from exc
        raise


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
            status = _off_the_event_loop(
                lambda sig=sig, context=context: validate_pdf_signature(
                    sig, context, skip_diff=False
                )
            )
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


def detect_level(data: bytes) -> str:
    """The PAdES level of the last signature as the file shows it (for PDFs signed elsewhere).

    B-LT: a signature timestamp and revocation data in the document security store; B-T: a
    timestamp only; B-B otherwise ("" when the file carries no readable signature).
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
        if not signatures:
            return ""
        timestamped = any(extract_tst_data_iter(signatures[-1].signer_info, signed=False))
        dss = DocumentSecurityStore.read_dss(reader) if "/DSS" in reader.root else None
    except Exception:  # a mangled file: no level to speak of
        return ""
    if not timestamped:
        return LEVEL_B_B
    if dss is not None and (dss.crls or dss.ocsps):
        return LEVEL_B_LT
    return LEVEL_B_T
