"""The signing interface. A provider turns a re-authenticated signatory's intent into a signature.

The core ships `recorded`: the act itself, bound by SHA-256 to the exact version signed. PAdES
providers (`local`, `bsre`) plug in here by configuration (SIGNING_PROVIDER).
"""

import hashlib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


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


PROVIDERS = {"recorded": RecordedProvider}


def get_provider() -> SigningProvider:
    try:
        return PROVIDERS[settings.SIGNING_PROVIDER]()
    except KeyError as exc:
        raise SigningError(f"Unknown SIGNING_PROVIDER {settings.SIGNING_PROVIDER!r}") from exc
