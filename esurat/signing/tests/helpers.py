"""Independent validators: poppler's pdfsig and pyHanko trusting the government's CA."""

import subprocess
from pathlib import Path

from esurat.signing.ca import load_certificate
from esurat.signing.pades import validate_pdf
from esurat.tests.tools import require

SHOTS = Path("/tmp/shots/pdf")


def pdfsig(data: bytes, tmp_path) -> str:
    require("pdfsig")
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=30)
    return result.stdout + result.stderr


def pdftext(data: bytes, tmp_path) -> str:
    require("pdftotext")
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, timeout=30, check=True).stdout  # fmt: skip


def pyhanko_check(data: bytes, authority):
    return validate_pdf(data, trust_roots=[load_certificate(authority.certificate_pem)])


def flip_one_byte(data: bytes, at: int | None = None) -> bytes:
    at = len(data) // 3 if at is None else at
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def first_page_png(data: bytes, name: str, tmp_path) -> Path:
    require("pdftoppm")
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(path), str(SHOTS / name)], check=True, timeout=60)  # fmt: skip
    return SHOTS / f"{name}.png"
