"""The government's own certificate authority (the `local` provider) and its signing certificates.

Keys live in the database only as encrypted PKCS#8 PEM: the CA key under ESURAT_CA_PASSPHRASE
(environment), each signatory's key under the passphrase they type when signing. Neither
passphrase is stored or logged; a decrypted key exists only in memory for one signing.
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.signing.models import CertificateAuthority, SigningCertificate

CA_PASSPHRASE_ENV = "ESURAT_CA_PASSPHRASE"
CA_KEY_BITS = 3072
CA_YEARS = 10
SIGNER_KEY_BITS = 2048
SIGNER_YEARS = 2
MIN_PASSPHRASE_LENGTH = 8


class CAError(Exception):
    """The CA is missing or unusable (no passphrase in the environment, wrong one, not created)."""


def ca_passphrase() -> bytes:
    value = os.environ.get(CA_PASSPHRASE_ENV, "")
    if not value:
        raise CAError(f"{CA_PASSPHRASE_ENV} is not set.")
    return value.encode()


def _encrypt(key, passphrase: bytes) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    ).decode()


def _decrypt(pem: str, passphrase: bytes):
    """The private key, or ValueError when the passphrase is wrong.

    The RSA consistency check is skipped (it costs ~35 ms per load): these keys were generated
    here and are read back from our own encrypted store, and OpenSSL verifies every CRT signature
    it makes, so a corrupted key cannot leak through a faulty signature.
    """
    return serialization.load_pem_private_key(
        pem.encode(), password=passphrase, unsafe_skip_rsa_key_validation=True
    )


def _name(*pairs) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs if value])


@transaction.atomic
def create_ca(government) -> CertificateAuthority:
    """Create the government's root: an RSA key and a self-signed certificate valid 10 years.

    Refuses when the government already has one: replacing it would orphan every certificate.
    """
    passphrase = ca_passphrase()
    if CertificateAuthority.objects.select_for_update().filter(government=government).exists():
        raise CAError(f"{government} already has a certificate authority.")
    key = rsa.generate_private_key(public_exponent=65537, key_size=CA_KEY_BITS)
    subject = _name(
        (NameOID.COUNTRY_NAME, "ID"),
        (NameOID.ORGANIZATION_NAME, government.name[:64]),
        (NameOID.COMMON_NAME, f"e-Surat Root CA {government.short_name}"[:64]),
    )
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateAuthority.objects.create(
        government=government,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key_pem=_encrypt(key, passphrase),
    )


def authority_for(government) -> CertificateAuthority:
    ca = CertificateAuthority.objects.filter(government=government).first()
    if ca is None:
        raise CAError(f"{government} has no certificate authority: run `manage.py create_ca`.")
    return ca


def load_certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def issue_certificate(*, user, government, passphrase: str) -> SigningCertificate:
    """Issue the user's signing certificate, their key encrypted with `passphrase`.

    Called on a signatory's first signing, inside the signing transaction.
    """
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValueError(
            _("Choose a passphrase of at least %(n)d characters for your signing key.")
            % {"n": MIN_PASSPHRASE_LENGTH}
        )
    ca = authority_for(government)
    try:
        ca_key = _decrypt(ca.encrypted_key_pem, ca_passphrase())
    except ValueError as exc:
        raise CAError(f"{CA_PASSPHRASE_ENV} does not open the certificate authority.") from exc
    ca_cert = load_certificate(ca.certificate_pem)
    key = rsa.generate_private_key(public_exponent=65537, key_size=SIGNER_KEY_BITS)
    now = timezone.now()
    not_after = min(now + datetime.timedelta(days=365 * SIGNER_YEARS), ca_cert.not_valid_after_utc)
    serial = x509.random_serial_number()
    subject = _name(
        (NameOID.COUNTRY_NAME, "ID"),
        (NameOID.ORGANIZATION_NAME, government.name[:64]),
        (NameOID.COMMON_NAME, (user.get_full_name() or user.username)[:64]),
        (NameOID.SERIAL_NUMBER, user.nip or ""),
        (NameOID.EMAIL_ADDRESS, user.email or ""),
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return SigningCertificate.objects.create(
        authority=ca, user=user, serial=str(serial),
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key_pem=_encrypt(key, passphrase.encode()),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
    )  # fmt: skip


def current_certificate(user) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(user=user, revoked_at__isnull=True).first()


def unlock_key(certificate: SigningCertificate, passphrase: str):
    """The decrypted private key, or ValueError when the passphrase is wrong."""
    return _decrypt(certificate.encrypted_key_pem, passphrase.encode())


CRL_HOURS = 24


def revocation_list(authority: CertificateAuthority) -> bytes:
    """A fresh DER CRL of the government's CA: every revoked signing certificate, valid 24 hours.

    Embedded in B-LT signatures as the revocation data for the signatory's certificate; signing
    it needs the CA key (ESURAT_CA_PASSPHRASE), which CAError reports when missing or wrong.
    """
    try:
        ca_key = _decrypt(authority.encrypted_key_pem, ca_passphrase())
    except ValueError as exc:
        raise CAError(f"{CA_PASSPHRASE_ENV} does not open the certificate authority.") from exc
    ca_cert = load_certificate(authority.certificate_pem)
    now = timezone.now()
    revoked = authority.certificates.filter(revoked_at__isnull=False).values_list(
        "serial", "revoked_at"
    )
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=5))
        .next_update(now + datetime.timedelta(hours=CRL_HOURS))
        .add_extension(x509.CRLNumber(int(now.timestamp() * 1000)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    for serial, revoked_at in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(int(serial))
            .revocation_date(revoked_at).build()
        )  # fmt: skip
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
