"""A real local push service for tests: an http.server on 127.0.0.1 that records what it is
sent and answers a chosen status, and a browser's subscription keys to decrypt it with.

`Browser.decrypt` undoes RFC 8291 (aes128gcm) with the browser's private key and auth secret,
as the phone would; `vapid_claims` checks the ES256 signature of the VAPID JWT against the key
in the Authorization header and returns its claims.
"""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict  # names in lower case
    body: bytes


@dataclass
class PushService:
    """Answers `status` (201 by default) to every POST, or what `answer()` returns when a test
    sets it, and keeps each request."""

    server: ThreadingHTTPServer
    received: list = field(default_factory=list)
    status: int = 201
    answer: object = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def endpoint(self, name: str = "") -> str:
        return f"{self.origin}/push/{name or b64url(os.urandom(9))}"

    @classmethod
    def start(cls) -> "PushService":
        service = cls(server=None)  # type: ignore[arg-type]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                 self.rfile.read(length)))  # fmt: skip
                self.send_response(service.answer() if service.answer else service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        service.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=service.server.serve_forever, daemon=True).start()
        return service

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """The keys a browser makes when it subscribes (PushSubscription.toJSON().keys)."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def keys(self) -> dict:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(point), "auth": b64url(self.auth_secret)}

    def decrypt(self, body: bytes) -> dict:
        clear = http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth_secret,
                                 version="aes128gcm")  # fmt: skip
        return json.loads(clear)


def vapid_claims(authorization: str) -> tuple[dict, str]:
    """Check `vapid t=<jwt>, k=<public key>` (RFC 8292): the ES256 signature of the JWT by k.
    Returns the claims and k. Raises InvalidSignature if the signature does not hold."""
    scheme, _, rest = authorization.partition(" ")
    assert scheme == "vapid"
    parts = dict(item.strip().split("=", 1) for item in rest.split(","))
    token, public = parts["t"], parts["k"]
    header, claims, signature = token.split(".")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64url(claims)), public
