"""A local Esign Client Service: speaks the BSrE gateway's API (versions 1 and 2) and really signs.

It checks HTTP Basic auth, knows a few certificate holders by NIK, finds the text tag in the PDF
(pypdfium2) and signs PAdES with a visible QR stamp there (pyHanko), using a test "BSrE" CA.
Its refusals are the gateway's known answers: 2031 "Passphrase anda salah", 2011 "User tidak
terdaftar", status 1110 NOT_REGISTERED. The wording for an expired certificate is this fake's
own (the gateway's code for it is not documented to us; e-Surat maps it by its words).
"""

import base64
import email.parser
import email.policy
import io
import json
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from esurat.signing.tests.local_services import Issued, Pki, _Handler, serve

USER, PASSWORD = "esurat", "rahasia-gateway"


@dataclass
class Holder:
    nik: str
    name: str
    passphrase: str
    status: str = "ISSUE"  # ISSUE, EXPIRED, REVOKE…
    signer: Issued | None = None


def _find_tag(pdf: bytes, tag: str):
    """(page index, (left, bottom, right, top)) of the tag's last occurrence, or None."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    found = None
    try:
        for index in range(len(document)):
            text = document[index].get_textpage()
            searcher = text.search(tag, match_case=True)
            while (hit := searcher.get_next()) is not None:
                found = (index, text.get_charbox(hit[0]))
    finally:
        document.close()
    return found


def _sign(pdf: bytes, holder: Holder, *, tag: str, width: float, height: float, link_qr: str = "",
          image_png: bytes = b"", reason: str = "", location: str = "") -> bytes:  # fmt: skip
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from PIL import Image
    from pyhanko import stamp
    from pyhanko.pdf_utils import images
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(holder.signer.cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(holder.signer.key.private_bytes(
            der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(FakeBsre.pki.root.cert.public_bytes(der))]),
    )  # fmt: skip
    found = _find_tag(pdf, tag)
    if found is None:
        raise LookupError(tag)
    page, (left, bottom, _right, _top) = found
    name = f"BSrE{int(time.time() * 1000)}"
    spec = fields.SigFieldSpec(name, on_page=page,
                               box=(left, bottom, left + width, bottom + height))  # fmt: skip
    if image_png:
        style = stamp.TextStampStyle(
            stamp_text="", border_width=0,
            background=images.PdfImage(Image.open(io.BytesIO(image_png)).convert("RGB")),
        )  # fmt: skip
        params = {}
    else:
        style = stamp.QRStampStyle(stamp_text="BSrE", border_width=0)
        params = {"url": link_qr}
    meta = signers.PdfSignatureMetadata(
        field_name=name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None,
    )  # fmt: skip
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec)
    output = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False), output=output,
                        appearance_text_params=params)  # fmt: skip
    return output.getvalue()


class FakeBsre(_Handler):
    pki: Pki = None  # the test "BSrE" CA, set by start_fake_bsre

    # --- plumbing --------------------------------------------------------------------------------

    def _json(self, status: int, payload: dict) -> None:
        self._answer(status, json.dumps(payload).encode(), "application/json")

    def _authorised(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self._json(401, {"status_code": 401, "error": "Unauthorized"})
            return False
        return True

    def _form(self, body: bytes) -> tuple[dict, dict]:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        fields, files = {}, {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                files[name] = part.get_payload(decode=True)
            else:
                fields[name] = part.get_content().strip()
        return fields, files

    def _start(self) -> bytes | None:
        """Common steps: count, delay, maintenance, auth. The body, or None when answered."""
        server = self.server
        server.requests += 1
        # The log of the test that sent this request: a request still sleeping when its client
        # gave up (a timeout test) must not land in the next test's log (the fixture gives each
        # test a new list).
        self.calls = server.calls
        body = self._body() if self.command == "POST" else b""
        if server.delay:
            time.sleep(server.delay)
        if server.down:
            self._answer(503, b"<html>Service Unavailable</html>", "text/html")
            return None
        if not self._authorised():
            return None
        return body

    def _holder(self, nik: str, passphrase: str) -> Holder | None:
        holder = self.server.holders.get(nik)
        if holder is None:
            self._json(400, {"status_code": 2011, "error": "User tidak terdaftar"})
            return None
        if holder.passphrase != passphrase:
            self._json(400, {"status_code": 2031, "error": "Passphrase anda salah"})
            return None
        if holder.status == "EXPIRED":
            self._json(400, {"status_code": 2052, "error": "Sertifikat anda telah kadaluarsa"})
            return None
        return holder

    def _status(self, nik: str) -> None:
        holder = self.server.holders.get(nik)
        if holder is None:
            return self._json(200, {"status_code": 1110, "status": "NOT_REGISTERED",
                                    "message": "User tidak terdaftar"})  # fmt: skip
        code = 1111 if holder.status == "ISSUE" else 1112
        self._json(200, {"status_code": code, "status": holder.status,
                         "message": f"Status sertifikat {holder.status}"})  # fmt: skip

    def _verify(self, pdf: bytes) -> None:
        from asn1crypto import x509 as asn1_x509
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        root = asn1_x509.Certificate.load(
            self.pki.root.cert.public_bytes(serialization.Encoding.DER)
        )
        details = []
        for sig in PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures:
            status = validate_pdf_signature(sig, ValidationContext(trust_roots=[root]))
            details.append({"signer": status.signing_cert.subject.native["common_name"],
                            "status": "VALID" if status.bottom_line else "INVALID"})  # fmt: skip
        valid = bool(details) and all(d["status"] == "VALID" for d in details)
        self._json(200, {"nama_dokumen": "surat.pdf", "jumlah_signature": len(details),
                         "conclusion": "VALID" if valid else "INVALID",
                         "notes": "Dokumen valid" if valid else "Dokumen tidak valid",
                         "details": details})  # fmt: skip

    # --- the API ---------------------------------------------------------------------------------

    def do_GET(self):
        if self._start() is None:
            return
        if self.path.startswith("/api/user/status/"):
            return self._status(self.path.rsplit("/", 1)[1])
        self._json(404, {"error": "Not found"})

    def do_POST(self):
        body = self._start()
        if body is None:
            return
        if self.path == "/api/sign/pdf":
            fields, files = self._form(body)
            self.calls.append({k: v for k, v in fields.items() if k != "passphrase"})
            holder = self._holder(fields.get("nik", ""), fields.get("passphrase", ""))
            if holder is None:
                return
            try:
                signed = _sign(files["file"], holder, tag=fields["tag_koordinat"],
                               width=float(fields["width"]), height=float(fields["height"]),
                               link_qr=fields["linkQR"], reason=fields.get("reason", ""),
                               location=fields.get("location", ""))  # fmt: skip
            except LookupError:
                return self._json(400, {"status_code": 2101,
                                        "error": "Tag koordinat tidak ditemukan"})  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("id_dokumen", f"DOC-{self.server.requests}")
            self.send_header("Content-Length", str(len(signed)))
            self.end_headers()
            return self.wfile.write(signed)
        if self.path == "/api/sign/verify":
            return self._verify(self._form(body)[1]["signed_file"])
        payload = json.loads(body or b"{}")
        if self.path == "/api/v2/sign/pdf":
            props = payload["signatureProperties"][0]
            self.calls.append({**{k: v for k, v in payload.items()
                                         if k not in ("passphrase", "file")}})  # fmt: skip
            holder = self._holder(payload.get("nik", ""), payload.get("passphrase", ""))
            if holder is None:
                return
            signed = [
                base64.b64encode(_sign(
                    base64.b64decode(f), holder, tag=props["tag"], width=props["width"],
                    height=props["height"], image_png=base64.b64decode(props["imageBase64"]),
                    reason=props.get("reason", ""), location=props.get("location", ""),
                )).decode()
                for f in payload["file"]
            ]  # fmt: skip
            return self._json(200, {"file": signed, "time": 120})
        if self.path == "/api/v2/verify/pdf":
            return self._verify(base64.b64decode(payload["file"]))
        if self.path == "/api/v2/user/check/status":
            return self._status(payload.get("nik", ""))
        self._json(404, {"error": "Not found"})


def start_fake_bsre(holders: list[Holder]):
    """The gateway on loopback; each holder gets a certificate from the test BSrE CA."""
    from cryptography import x509

    if FakeBsre.pki is None:
        FakeBsre.pki = Pki.create("Test Root CA BSrE")
    for holder in holders:
        subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                             x509.NameAttribute(NameOID.COMMON_NAME, holder.name),
                             x509.NameAttribute(NameOID.SERIAL_NUMBER, holder.nik)])  # fmt: skip
        holder.signer = FakeBsre.pki.issue(f"bsre-{holder.nik}", subject=subject)
    return serve(FakeBsre, holders={h.nik: h for h in holders}, calls=[], delay=0)
