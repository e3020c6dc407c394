"""Real local services for signing tests: a small PKI, an RFC 3161 TSA and an OCSP responder.

Both servers are http.server instances on 127.0.0.1 with a random port, in a daemon thread. The
TSA answers with pyHanko's DummyTimeStamper (a real RFC 3161 token signed by the TSA's key); the
OCSP responder answers with `cryptography`'s OCSP builder, signed by the issuing CA.
"""

import datetime
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_KEYS: dict[str, object] = {}


def _key(name: str):
    """One RSA key per subject name for the whole run (RSA: DummyTimeStamper is RSA-only)."""
    if name not in _KEYS:
        _KEYS[name] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _KEYS[name]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])  # fmt: skip


@dataclass
class Issued:
    cert: x509.Certificate
    key: object

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


@dataclass
class Pki:
    """A root and the certificates it issued (by serial, for the OCSP responder)."""

    root: Issued
    issued: dict = field(default_factory=dict)

    @classmethod
    def create(cls, cn: str = "Test Root CA") -> "Pki":
        key = _key(cn)
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )  # fmt: skip
        return cls(root=Issued(cert, key))

    def issue(self, cn: str, *, ocsp_url: str = "", eku=None, subject=None) -> Issued:
        """A leaf certificate valid a year, for signing (and `eku` when given)."""
        key = _key(cn)
        now = datetime.datetime.now(datetime.UTC)
        builder = (
            x509.CertificateBuilder().subject_name(subject or _name(cn))
            .issuer_name(self.root.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self.root.key.public_key()), critical=False)
        )  # fmt: skip
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        if eku:
            builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess([x509.AccessDescription(
                    x509.AuthorityInformationAccessOID.OCSP,
                    x509.UniformResourceIdentifier(ocsp_url))]),
                critical=False,
            )  # fmt: skip
        cert = builder.sign(self.root.key, hashes.SHA256())
        self.issued[cert.serial_number] = cert
        return Issued(cert, key)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler, **state):
        super().__init__(("127.0.0.1", 0), handler)
        self.requests = 0
        self.down = False  # answer 503 to everything, like a service under maintenance
        self.__dict__.update(state)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def serve(handler, **state) -> _Server:
    server = _Server(handler, **state)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


class TsaHandler(_Handler):
    """RFC 3161 over HTTP: a TimeStampReq in, a TimeStampResp out."""

    def do_POST(self):
        from asn1crypto import tsp

        self.server.requests += 1
        body = self._body()
        if self.server.down:
            return self._answer(503, b"maintenance", "text/plain")
        response = self.server.stamper.request_tsa_response(tsp.TimeStampReq.load(body))
        self._answer(200, response.dump(), "application/timestamp-reply")


class OcspHandler(_Handler):
    """OCSP over HTTP (POST): GOOD for every certificate the PKI issued, signed by its root."""

    def do_POST(self):
        self.server.requests += 1
        body = self._body()
        if self.server.down:
            return self._answer(503, b"maintenance", "text/plain")
        pki: Pki = self.server.pki
        request = ocsp.load_der_ocsp_request(body)
        cert = pki.issued.get(request.serial_number)
        if cert is None:
            response = ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            )
        else:
            now = datetime.datetime.now(datetime.UTC)
            builder = (
                ocsp.OCSPResponseBuilder()
                .add_response(cert=cert, issuer=pki.root.cert, algorithm=request.hash_algorithm,
                              cert_status=ocsp.OCSPCertStatus.GOOD,
                              this_update=now - datetime.timedelta(minutes=1),
                              next_update=now + datetime.timedelta(hours=1),
                              revocation_time=None, revocation_reason=None)
                .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.root.cert)
            )  # fmt: skip
            for extension in request.extensions:
                if isinstance(extension.value, x509.OCSPNonce):
                    builder = builder.add_extension(extension.value, critical=False)
            response = builder.sign(pki.root.key, hashes.SHA256())
        self._answer(200, response.public_bytes(serialization.Encoding.DER),
                     "application/ocsp-response")  # fmt: skip


@dataclass
class TimestampServices:
    """A TSA whose certificate names a live OCSP responder, both on loopback."""

    pki: Pki
    tsa: _Server
    ocsp: _Server
    roots_pem: str  # a file with the TSA's root, for SIGNING_TSA_ROOTS

    def close(self) -> None:
        for server in (self.tsa, self.ocsp):
            server.shutdown()
            server.server_close()


def start_timestamp_services(tmp_dir) -> TimestampServices:
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    pki = Pki.create("Test TSA Root")
    ocsp_server = serve(OcspHandler, pki=pki)
    tsa = pki.issue("Test TSA", ocsp_url=ocsp_server.url, eku=ExtendedKeyUsageOID.TIME_STAMPING)
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa.key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        certs_to_embed=[asn1_x509.Certificate.load(pki.root.cert.public_bytes(der))],
    )  # fmt: skip
    tsa_server = serve(TsaHandler, stamper=stamper)
    roots = tmp_dir / "tsa-roots.pem"
    roots.write_bytes(pki.root.pem)
    return TimestampServices(pki=pki, tsa=tsa_server, ocsp=ocsp_server, roots_pem=str(roots))
