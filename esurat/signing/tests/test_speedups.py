"""The faster hex-string reader gives pyHanko's own results: value, position, errors."""

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from esurat.signing import speedups
from esurat.tests.tools import fresh_python

CASES = [
    b"<>",
    b"<00>",
    b"<4E6F762073686D6F7A206B6120706F702E> rest",
    b"<4e6f 7620\n73\r\t686d\x00\x0c6f>",  # every PDF whitespace between digits
    b"<901FA>",  # odd: a final 0 is implied
    b"<" + b"3082" * 2048 + b"0" * 4000 + b">/ByteRange",  # a signature's /Contents, padded
    b"<" + b"ab" * 20000 + b">",  # longer than one block
    b"<41 % a comment\n42>",  # a comment: handed to pyHanko's reader
]
BAD = [
    b"<4G>",  # not a hex digit
    b"<414",  # no closing >
    b"<41 42",
]


def original():
    speedups.install()
    return speedups._original


@pytest.mark.parametrize("data", CASES)
def test_it_reads_what_pyhanko_reads_and_stops_at_the_same_place(data):
    theirs, ours = io.BytesIO(data), io.BytesIO(data)
    expected = original()(theirs)
    got = speedups._read_hex_string(ours)
    assert got == expected and type(got) is type(expected)
    assert ours.tell() == theirs.tell()


@pytest.mark.parametrize("data", BAD)
def test_it_fails_as_pyhanko_fails(data):
    with pytest.raises(PdfStreamError) as theirs:
        original()(io.BytesIO(data))
    with pytest.raises(PdfStreamError) as ours:
        speedups._read_hex_string(io.BytesIO(data))
    assert str(ours.value) == str(theirs.value)


def test_it_reads_from_the_middle_of_a_stream():
    data = b"/Contents <48656C6C6F> /Type /Sig"
    stream = io.BytesIO(data)
    stream.seek(data.index(b"<"))
    assert speedups._read_hex_string(stream) == generic.pdf_string(b"Hello")
    assert data[stream.tell() :] == b" /Type /Sig"


def test_it_is_installed_when_the_module_that_uses_pyhanko_is_imported():
    """In a fresh interpreter: importing esurat.signing.pades (which any signing or checking goes
    through) puts both in place, and installing again keeps pyHanko's own underneath."""
    script = (
        "import django; django.setup()\n"
        "from pyhanko.pdf_utils import generic\n"
        "from pyhanko.sign import attributes\n"
        "from esurat.signing import speedups\n"
        "assert generic.read_hex_string_from_stream is not speedups._read_hex_string\n"
        "import esurat.signing.pades\n"
        "assert generic.read_hex_string_from_stream is speedups._read_hex_string\n"
        "assert attributes.as_signing_certificate_v2 is speedups._signing_certificate_v2\n"
        "speedups.install()  # twice: still the original underneath, no recursion\n"
        "assert speedups._original is not speedups._read_hex_string\n"
        "assert speedups._original_ess is not speedups._signing_certificate_v2\n"
        "print('ok')\n"
    )
    assert fresh_python(script).strip() == "ok"


def test_the_signing_certificate_attribute_is_the_same_der_built_once_per_certificate(authority):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import attributes, general

    from esurat.signing import ca

    cert = asn1_x509.Certificate.load(
        ca.load_certificate(authority.certificate_pem).public_bytes(serialization.Encoding.DER)
    )
    speedups.install()
    assert attributes.as_signing_certificate_v2 is speedups._signing_certificate_v2
    for algo in ("sha256", "sha512"):
        expected = general.as_signing_certificate_v2(cert, algo).dump()
        first = attributes.as_signing_certificate_v2(cert, algo)
        second = attributes.as_signing_certificate_v2(cert, algo)
        assert first.dump() == second.dump() == expected
        assert first is not second  # a fresh object each time: nothing shared is mutated
    assert (cert.dump(), "sha256") in speedups._ess_cache
