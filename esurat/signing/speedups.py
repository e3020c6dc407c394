"""A faster reader for PDF hex strings in pyHanko (`install()`), same results.

pyHanko reads a hex string one character at a time, two Python calls per character. A signature's
/Contents is such a string of 8,192 digits (esurat.signing.pades.B_B_BYTES_RESERVED), so reading
a letter with one signature spent 8 ms of its 15 ms validation there, and each further signature
of a joint letter adds as much (bench/README.md, issue 4). This reader finds the closing ">" in
blocks and decodes the digits at once. Anything unusual — a comment inside the string, a
character that is not a hex digit, no closing ">" — is handed to pyHanko's own reader from the
same position, so its errors and edge cases stay exactly pyHanko's. Tested for equivalence in
esurat/signing/tests/test_speedups.py.
"""

import binascii
import re

_HEX = re.compile(rb"[0-9A-Fa-f]*")
_BLOCK = 16384
_original = None


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


def install() -> None:
    """Put the faster reader in place of pyHanko's (once; later calls do nothing)."""
    global _original
    from pyhanko.pdf_utils import generic

    if _original is None:
        _original = generic.read_hex_string_from_stream
        generic.read_hex_string_from_stream = _read_hex_string
