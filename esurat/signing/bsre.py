"""A client for BSrE's Esign Client Service: the gateway each Pemda hosts in front of BSrE.

Two API versions exist. Version 1 takes multipart forms and answers the signed PDF itself;
version 2 takes and answers JSON with base64 files. Both use HTTP Basic auth with the gateway's
credentials (BSRE_USER, BSRE_PASSWORD). The signatory is identified by NIK and proves it with a
passphrase that is sent once, for one signing, and never stored or logged.

Every failure becomes a BsreError whose message the signatory can act on; the gateway's own
answers are mapped from its known codes (2031 wrong passphrase, 2011 / 1110 not registered) and
words (expired, revoked), and anything unreachable or too slow becomes Unreachable.
"""

import base64
import http.client
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from esurat.signing.pdf import BSRE_TAG
from esurat.signing.providers import SigningError

logger = logging.getLogger(__name__)

# The text tag the gateway puts the visible signature on (tag_koordinat). The official PDF prints
# it, invisible, at the lower-left corner of the space under the signature lines.
TAG = BSRE_TAG
# The stamp's size in points: the 24 mm the PDF reserves for it.
STAMP_SIZE = 68
STATUS_TIMEOUT = 5  # the status check runs while a page loads: never wait long
ACTIVE = "ISSUE"
NOT_REGISTERED = "NOT_REGISTERED"
CODE_WRONG_PASSPHRASE = 2031
CODE_USER_NOT_REGISTERED = 2011
CODE_STATUS_ISSUE = 1111
CODE_STATUS_NOT_REGISTERED = 1110


class BsreError(SigningError):
    """BSrE or its gateway refused or failed; the message says what to do."""


class WrongPassphrase(BsreError):
    pass


class NikNotRegistered(BsreError):
    pass


class CertificateNotActive(BsreError):
    pass


class Unreachable(BsreError):
    pass


@dataclass(frozen=True)
class UserStatus:
    """A signatory's certificate status at BSrE: ISSUE means ready to sign."""

    status: str
    message: str = ""

    @property
    def registered(self) -> bool:
        return self.status != NOT_REGISTERED

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


def _code(payload: dict) -> int | None:
    try:
        return int(payload.get("status_code"))
    except (TypeError, ValueError):
        return None


def _message(payload: dict) -> str:
    for key in ("error", "message", "desc", "description"):
        if isinstance(payload.get(key), str) and payload[key]:
            return payload[key]
    return ""


def _status_of(payload: dict) -> UserStatus:
    code, message = _code(payload), _message(payload)
    status = str(payload.get("status") or "").upper()
    if code == CODE_STATUS_ISSUE and not status:
        status = ACTIVE
    if code in (CODE_STATUS_NOT_REGISTERED, CODE_USER_NOT_REGISTERED) or status in (
        NOT_REGISTERED, "NOT REGISTERED",
    ):  # fmt: skip
        status = NOT_REGISTERED
    return UserStatus(status=status or "UNKNOWN", message=message)


def error_for(payload: dict, http_status: int) -> BsreError:
    """The BsreError for a refusal the gateway answered with."""
    code, message = _code(payload), _message(payload)
    lowered = message.lower()
    if code == CODE_WRONG_PASSPHRASE or "passphrase" in lowered:
        return WrongPassphrase(_("The BSrE passphrase is wrong. The letter was not signed."))
    if code in (CODE_USER_NOT_REGISTERED, CODE_STATUS_NOT_REGISTERED) or (
        "tidak terdaftar" in lowered or "not registered" in lowered
    ):
        return NikNotRegistered(
            _("Your NIK is not registered with BSrE. Apply for an electronic certificate first. "
              "The letter was not signed.")
        )  # fmt: skip
    if any(word in lowered for word in ("expired", "kadaluarsa", "kedaluwarsa", "revoke",
                                        "dicabut", "suspend")):  # fmt: skip
        return CertificateNotActive(
            _("Your BSrE certificate has expired or is no longer active. Renew it with BSrE. "
              "The letter was not signed.")
        )  # fmt: skip
    if http_status == 401:
        return BsreError(
            _("e-Surat could not log in to the BSrE gateway. Ask the administrator to check its "
              "credentials. The letter was not signed.")
        )  # fmt: skip
    if http_status >= 500 and not message:
        return Unreachable(_("BSrE cannot be reached now; the letter was not signed."))
    return BsreError(
        _("BSrE refused to sign (%(reason)s). The letter was not signed.")
        % {"reason": message or f"HTTP {http_status}"}
    )


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    boundary = "esurat-" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, data, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data + b"\r\n"
        )  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def qr_png(data: str) -> bytes:
    """The QR code of the verification page as PNG: the stamp image of a version 2 signature."""
    import io

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(data, border=1, box_size=4).save(buffer, format="PNG")
    return buffer.getvalue()


def configured_roots() -> list:
    """BSrE's root certificates (BSRE_ROOTS, a PEM file) for validating BSrE-signed letters."""
    from cryptography import x509

    if not settings.BSRE_ROOTS:
        return []
    with open(settings.BSRE_ROOTS, "rb") as f:
        return x509.load_pem_x509_certificates(f.read())


class BsreClient:
    """One Esign Client Service gateway (version 1 or 2 of its API)."""

    def __init__(self, *, url: str, user: str, password: str, timeout: float, version: int = 1):
        if version not in (1, 2):
            raise ValueError(f"BSRE_API_VERSION must be 1 or 2, not {version!r}")
        self.url, self.timeout, self.version = url.rstrip("/"), timeout, version
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self._auth = f"Basic {token}"

    @classmethod
    def from_settings(cls) -> "BsreClient":
        if not settings.BSRE_URL:
            raise BsreError(
                _("BSrE signing is not configured. Ask the administrator. "
                  "The letter was not signed.")
            )  # fmt: skip
        return cls(url=settings.BSRE_URL, user=settings.BSRE_USER,
                   password=settings.BSRE_PASSWORD, timeout=settings.BSRE_TIMEOUT,
                   version=settings.BSRE_API_VERSION)  # fmt: skip

    # --- transport -------------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, body: bytes | None = None,
              content_type: str = "", timeout: float | None = None):  # fmt: skip
        """(HTTP status, content type, body). Unreachable when no answer came in time."""
        headers = {"Authorization": self._auth, "Accept": "application/json, application/pdf"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers=headers)  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.headers.get("Content-Type", ""), exc.read()
        except (OSError, http.client.HTTPException, ValueError) as exc:
            # Refused, reset, DNS, TLS, timeouts. The reason goes to the log, never the passphrase.
            logger.warning("BSrE gateway %s %s failed: %s", method, path, type(exc).__name__)
            raise Unreachable(_("BSrE cannot be reached now; the letter was not signed.")) from exc

    @staticmethod
    def _json(status: int, body: bytes) -> dict:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise error_for({}, status) if status >= 400 else BsreError(
                _("BSrE answered something e-Surat does not understand. "
                  "The letter was not signed.")
            )  # fmt: skip
        return payload

    def _json_post(self, path: str, payload: dict, *, timeout: float | None = None):
        return self._send("POST", path, body=json.dumps(payload).encode(),
                          content_type="application/json", timeout=timeout)  # fmt: skip

    # --- operations ------------------------------------------------------------------------------

    def sign_pdf(self, pdf: bytes, *, nik: str, passphrase: str, link_qr: str, tag: str = TAG,
                 reason: str = "", location: str = "") -> bytes:  # fmt: skip
        """The PDF signed by BSrE with a visible QR stamp on `tag`, or a BsreError."""
        if self.version == 1:
            body, content_type = _multipart(
                {"nik": nik, "passphrase": passphrase, "tampilan": "visible", "image": "false",
                 "linkQR": link_qr, "tag_koordinat": tag, "width": str(STAMP_SIZE),
                 "height": str(STAMP_SIZE), "reason": reason, "location": location},
                {"file": ("surat.pdf", pdf, "application/pdf")},
            )  # fmt: skip
            status, kind, data = self._send("POST", "/api/sign/pdf", body=body,
                                            content_type=content_type)  # fmt: skip
            if status == 200 and data.startswith(b"%PDF"):
                return data
            raise error_for(self._json(status, data) if status >= 400 else {}, status)
        payload = {
            "nik": nik, "passphrase": passphrase,
            "signatureProperties": [{
                "tampilan": "VISIBLE", "imageBase64": base64.b64encode(qr_png(link_qr)).decode(),
                "tag": tag, "width": STAMP_SIZE, "height": STAMP_SIZE,
                "reason": reason, "location": location,
            }],
            "file": [base64.b64encode(pdf).decode()],
        }  # fmt: skip
        status, _kind, data = self._json_post("/api/v2/sign/pdf", payload)
        answer = self._json(status, data)
        files = answer.get("file") if status == 200 else None
        if not files:
            raise error_for(answer, status)
        try:
            signed = base64.b64decode(files[0], validate=True)
        except (ValueError, TypeError) as exc:
            raise error_for({}, 502) from exc
        if not signed.startswith(b"%PDF"):
            raise error_for({}, 502)
        return signed

    def verify_pdf(self, pdf: bytes) -> dict:
        """BSrE's own verdict on a signed PDF, as the gateway answers it."""
        if self.version == 1:
            body, content_type = _multipart({}, {"signed_file": ("surat.pdf", pdf,
                                                                 "application/pdf")})  # fmt: skip
            status, _kind, data = self._send("POST", "/api/sign/verify", body=body,
                                             content_type=content_type)  # fmt: skip
        else:
            status, _kind, data = self._json_post(
                "/api/v2/verify/pdf", {"file": base64.b64encode(pdf).decode()}
            )
        answer = self._json(status, data)
        if status != 200:
            raise error_for(answer, status)
        return answer

    def user_status(self, nik: str, *, timeout: float | None = None) -> UserStatus:
        """The certificate status of the holder of `nik` (ISSUE, NOT_REGISTERED, EXPIRED…)."""
        if self.version == 1:
            status, _kind, data = self._send("GET", f"/api/user/status/{nik}", timeout=timeout)
        else:
            status, _kind, data = self._json_post("/api/v2/user/check/status", {"nik": nik},
                                                  timeout=timeout)  # fmt: skip
        answer = self._json(status, data)
        result = _status_of(answer)
        if status != 200 and result.status != NOT_REGISTERED:
            raise error_for(answer, status)
        return result
