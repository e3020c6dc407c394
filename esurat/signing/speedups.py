"""Two hot spots of pyHanko made faster (`install()`, called when esurat.signing.pades, the only
module that uses pyHanko, is imported), with the same results.

1. Reading a PDF hex string.

pyHanko reads a hex string one character at a time, two Python calls per character. A signature's
/Contents is such a string of 8,192 digits (esurat.signing.pades.B_B_BYTES_RESERVED), so reading
a letter with one signature spent 8 ms of its 15 ms validation there, and each further signature
of a joint letter adds as much (bench/README.md, issue 4). This reader finds the closing ">" in
blocks and decodes the digits at once. Anything unusual — a comment inside the string, a
character that is not a hex digit, no closing ">" — is handed to pyHanko's own reader from the
same position, so its errors and edge cases stay exactly pyHanko's. Tested for equivalence in
esurat/signing/tests/test_speedups.py.

2. The signing-certificate attribute (RFC 5035 ESSCertIDv2) of every signature. pyHanko builds it
from Python values, and asn1crypto re-encodes the issuer's name level by level, twice a
signature: ~8 of the 17 ms a local signature takes. The attribute depends only on the
certificate, so it is built once per certificate (and hash) and handed out as a fresh object
parsed from those bytes, which asn1crypto does not encode again. Same DER, tested.
"""

import binascii
import re

_HEX = re.compile(rb"[0-9A-Fa-f]*")
_BLOCK = 16384
_original = None
_original_ess = None
_ess_cache: dict[tuple[bytes, str], bytes] = {}
_ESS_CACHE_SIZE = 512  # signatories' certificates: a city has a few hundred


def _read_hex_string(stream):
    from pyhanko.pdf_utils.generic import pdf_string
    from pyhanko.pdf_utils.misc import PDF_WHITESPACE

    start = stream.tell()
    stream.read(1)  # the opening "<"
    collected = []
    while True:
        block = stream.read(_BLOCK)
        if not block:
            end = -1
            break
        end = block.find(b">")
        if end >= 0:
            collected.append(block[:end])
            break
        collected.append(block)
    inside = b"".join(collected)
    digits = inside.translate(None, PDF_WHITESPACE)
    if end < 0 or b"%" in inside or not _HEX.fullmatch(digits):
        stream.seek(start)
        return _original(stream)
    stream.seek(start + 1 + len(inside) + 1)
    if len(digits) % 2:
        digits += b"0"  # PDF 32000-1, 7.3.4.3: a missing final digit is 0
    return pdf_string(binascii.unhexlify(digits))


def _signing_certificate_v2(cert, hash_algo: str = "sha256"):
    from asn1crypto import tsp

    key = (cert.dump(), hash_algo)
    der = _ess_cache.get(key)
    if der is None:
        der = _original_ess(cert, hash_algo).dump()
        if len(_ess_cache) >= _ESS_CACHE_SIZE:
            _ess_cache.clear()
        _ess_cache[key] = der
    return tsp.SigningCertificateV2.load(der)


def install() -> None:
    """Put both in place of pyHanko's (once; later calls do nothing)."""
    global _original, _original_ess
    from pyhanko.pdf_utils import generic
    from pyhanko.sign import attributes

    # Never take our own function for pyHanko's: its fallback would then call itself.
    if generic.read_hex_string_from_stream is not _read_hex_string:
        _original = generic.read_hex_string_from_stream
        generic.read_hex_string_from_stream = _read_hex_string
    if attributes.as_signing_certificate_v2 is not _signing_certificate_v2:
        _original_ess = attributes.as_signing_certificate_v2
        attributes.as_signing_certificate_v2 = _signing_certificate_v2
