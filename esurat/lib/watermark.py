"""Stamping a visible watermark on every page of a PDF (pikepdf), for copies of R/SR letters.

The stamp is drawn over the page content: a large diagonal line and a line across the top. The
result is a new file; the input is never changed. Stamping rewrites the PDF, so any electronic
signature in the copy no longer validates — the registered original keeps it.
"""

import io
import math

import pikepdf
from pikepdf import Dictionary, Name


def _pdf_string(text: str) -> bytes:
    """A literal PDF string in WinAnsi (the standard Helvetica's encoding), escaped."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _width_em(text: str) -> float:
    """The width of text in Helvetica, in em, closely enough to centre it (AFM averages)."""
    width = 0.0
    for c in text:
        if c.isupper():
            width += 0.68
        elif c.isalnum():
            width += 0.54
        else:
            width += 0.28
    return width


def _stream(width: float, height: float, font: str, gs: str, big: str, lines: list[str]) -> bytes:
    angle = math.atan2(height, width)
    cos, sin = math.cos(angle), math.sin(angle)
    # The line spans at most ~75% of the diagonal, centred on the page.
    em = _width_em(big)
    size = max(10.0, min(54.0, 0.75 * math.hypot(width, height) / max(em, 1.0)))
    half = size * em / 2
    parts = [b"q", f"/{gs} gs".encode(), b"0.75 0 0 rg", b"BT"]
    x, y = width / 2 - cos * half, height / 2 - sin * half
    parts.append(f"/{font} {size:.1f} Tf".encode())
    parts.append(f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.1f} {y:.1f} Tm".encode())
    parts.append(_pdf_string(big) + b" Tj")
    parts.append(b"ET")
    parts.append(b"Q")
    parts += [b"q", b"0.75 0 0 rg", b"BT", f"/{font} 7 Tf".encode()]
    for i, line in enumerate(lines):
        parts.append(f"1 0 0 1 24 {height - 14 - 9 * i:.1f} Tm".encode())
        parts.append(_pdf_string(line) + b" Tj")
    parts += [b"ET", b"Q"]
    return b"\n".join(parts)


def stamp(data: bytes, *, big: str, lines: list[str]) -> bytes:
    """A copy of the PDF with `big` written diagonally and `lines` along the top of each page."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                            BaseFont=Name.Helvetica,
                                            Encoding=Name.WinAnsiEncoding))  # fmt: skip
        state = pdf.make_indirect(Dictionary(Type=Name.ExtGState, ca=0.35, CA=0.35))
        for page in pdf.pages:
            box = [float(v) for v in page.mediabox]
            width, height = box[2] - box[0], box[3] - box[1]
            name = str(page.add_resource(font, Name.Font, prefix="Fwm"))[1:]
            gs = str(page.add_resource(state, Name.ExtGState, prefix="GSwm"))[1:]
            content = pikepdf.Stream(pdf, _stream(width, height, name, gs, big, lines))
            # Wrap the existing content in q/Q so its graphics state cannot skew the stamp.
            page.contents_coalesce()
            page.contents_add(pikepdf.Stream(pdf, b"q"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"Q"), prepend=False)
            page.contents_add(content, prepend=False)
        # A signed PDF's AcroForm/signature fields stay, but its bytes change: say nothing false.
        if Name.Perms in pdf.Root:
            del pdf.Root[Name.Perms]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
