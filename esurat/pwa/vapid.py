"""The server's VAPID key pair (RFC 8292): it signs every push request, and its public half is
the applicationServerKey a browser subscribes with.

A server sets VAPID_PRIVATE_KEY (`manage.py generate_vapid_keys` makes one). A development
machine (DEBUG) without it gets a pair made once and kept in var/, like its SECRET_KEY. Without
a key Web Push is off: the toggle is not offered and the channel refuses to send. Changing the
key orphans every subscription (browsers subscribed with the old public key).
"""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key() -> str:
    """A new P-256 private key as base64url of its 32 raw bytes (the VAPID_PRIVATE_KEY format)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _private_key_text() -> str:
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY
    if not settings.DEBUG:
        return ""
    key_file = settings.VAR_DIR / ".vapid_private_key"
    if not key_file.exists():
        key_file.write_text(generate_private_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def enabled() -> bool:
    return bool(_private_key_text())


def signer() -> Vapid:
    """The key pair as py_vapid's signer (what pywebpush takes)."""
    text = _private_key_text()
    if not text:
        raise RuntimeError("VAPID_PRIVATE_KEY is not set")
    return Vapid.from_raw(text.encode())


def public_key() -> str:
    """The applicationServerKey: the uncompressed public point, base64url."""
    point = signer().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)


def claims() -> dict:
    """The JWT claims besides aud/exp (which pywebpush fills in per push service)."""
    return {"sub": settings.VAPID_SUBJECT}
