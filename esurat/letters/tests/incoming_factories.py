"""Test material for incoming letters: a rendered Indonesian letter, photos, and registration."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from esurat.letters import incoming, scans
from esurat.letters.models import Classification, LetterKind

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"

LETTERHEAD = ["PEMERINTAH PROVINSI KALIMANTAN TIMUR", "DINAS KOMUNIKASI DAN INFORMATIKA"]
ADDRESS = "Jl. Basuki Rahmat No. 41, Samarinda 75117, Telp. (0541) 123456"
HEADER = [
    ("right", "Banua Raya, 23 November 2026"),
    ("", "Nomor      : 005/123/DISKOMINFO/XI/2026"),
    ("", "Sifat         : Biasa"),
    ("", "Lampiran   : 1 (satu) berkas"),
    ("", "Hal            : Undangan Rapat Koordinasi"),
    ("gap", ""),
    ("", "Yth. Kepala Dinas Komunikasi dan Informatika"),
    ("", "Kota Banua Raya"),
    ("", "di-"),
    ("", "     Banua Raya"),
    ("gap", ""),
    ("", "Dengan hormat,"),
    ("", "Dalam rangka koordinasi penyelenggaraan layanan pemerintahan berbasis"),
    ("", "elektronik, kami mengundang Bapak/Ibu untuk hadir pada rapat koordinasi"),
    ("", "yang akan dilaksanakan pada hari Senin, 30 November 2026, pukul 09.00 WITA."),
    ("gap", ""),
    ("", "Demikian disampaikan, atas perhatiannya diucapkan terima kasih."),
]


def letter_image(*, dpi: int = 300, lines=HEADER, letterhead=LETTERHEAD) -> Image.Image:
    """An A4 page of an Indonesian official letter, drawn in black on white at `dpi`."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    scale = dpi / 300
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    body = ImageFont.truetype(FONT, int(42 * scale))
    bold = ImageFont.truetype(FONT_BOLD, int(52 * scale))
    margin, y = int(220 * scale), int(200 * scale)
    for text in letterhead:
        w = draw.textlength(text, font=bold)
        draw.text(((width - w) / 2, y), text, font=bold, fill=0)
        y += int(80 * scale)
    w = draw.textlength(ADDRESS, font=body)
    draw.text(((width - w) / 2, y), ADDRESS, font=body, fill=0)
    y += int(80 * scale)
    draw.line((margin, y, width - margin, y), fill=0, width=max(2, int(6 * scale)))
    y += int(90 * scale)
    for how, text in lines:
        if how == "gap":
            y += int(50 * scale)
            continue
        x = width - margin - draw.textlength(text, font=body) if how == "right" else margin
        draw.text((x, y), text, font=body, fill=0)
        y += int(68 * scale)
    return image


def image_only_pdf(pages: int = 1, *, dpi: int = 300) -> bytes:
    """A PDF whose pages are only pictures of the letter: no text layer at all."""
    images = [letter_image(dpi=dpi) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def photo(*, size=(1200, 1600), fmt="JPEG", color=200) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (color, color, color)).save(out, fmt)
    return out.getvalue()


def text_pdf(lines: list[str] | None = None) -> bytes:
    """A small born-digital PDF (its own text layer), written by hand: a letter from Bappeda
    Paser, or these `lines` (ASCII, no parentheses)."""
    content = (
        b"BT /F1 12 Tf 72 760 Td (PEMERINTAH KABUPATEN PASER) Tj 0 -16 Td "
        b"(BADAN PERENCANAAN PEMBANGUNAN DAERAH) Tj 0 -16 Td (Jl. Jenderal Sudirman No. 1) Tj "
        b"0 -30 Td (Tana Paser, 2 Oktober 2026) Tj 0 -16 Td (Nomor : 050/77/BAPPEDA/X/2026) Tj "
        b"0 -16 Td (Perihal : Permohonan Data Perencanaan) Tj 0 -30 Td (Yth. Kepala Bappeda) Tj ET"
    )
    if lines is not None:
        shown = b") Tj 0 -16 Td (".join(line.encode("ascii") for line in lines)
        content = b"BT /F1 12 Tf 72 760 Td (" + shown + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


def upload(content: bytes, name: str = "scan.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def register(city, *, clerk="agendaris.kominfo", agency="Diskominfo", scan_bytes=None,
             **overrides):  # fmt: skip
    """Register an incoming letter through the real action (as the clerk would)."""
    government = city.government
    fields = {
        "sender_name": "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur",
        "sender_number": "005/123/DISKOMINFO/XI/2026",
        "sender_date": government.today() - datetime.timedelta(days=3),
        "received_on": government.today(),
        "channel": "paper",
        "kind": LetterKind.objects.get(code="surat-undangan"),
        "classification": Classification.objects.get(code="000.1.2.3"),
        "security": "B",
        "urgency": "segera",
        "subject": "Undangan Rapat Koordinasi",
        "summary": "Rapat koordinasi layanan e-government.",
        "enclosures": 1,
    }
    fields.update(overrides)
    scan = scans.prepare_scan([upload(scan_bytes or text_pdf())])
    return incoming.do_register_incoming(
        user=city.users[clerk], agency=city.agencies[agency], scan=scan, **fields
    )
