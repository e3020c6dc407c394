"""The official PDF of a letter (WeasyPrint): letterhead, heading, body, signature block, QR code.

The document is always written in Indonesian, whatever the reader's UI language: it is the legal
text of the letter, not part of the interface. Rendering fetches nothing from the network: the QR
code and any logo are data URIs, and every other URL is refused.
"""

import base64
import io
import logging
import threading
from dataclasses import dataclass

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from esurat.lib.dates import long_date_id

logger = logging.getLogger(__name__)

PAPER_SIZES = {"A4": "210mm 297mm", "F4": "215mm 330mm"}
SECURITY_ID = {"B": "Biasa", "T": "Terbatas", "R": "Rahasia", "SR": "Sangat Rahasia"}
NUMBERS_ID = [
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
]  # fmt: skip
BSRE_TAG = "^"  # esurat.signing.bsre.TAG, kept here so rendering never imports the client


def cosignatory_tag(n: int) -> str:
    """Where BSrE stamps the n-th co-signatory's QR code (1-based). No tag is a part of another
    ("^", "~1~", "~2~", … "~10~"): the gateway finds a tag by searching the page's text."""
    return f"~{n}~"


# Where each provider's certificates come from, as the footer of the letter states it.
ISSUERS = {
    "bsre": (
        "sertifikat elektronik yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), "
        "Badan Siber dan Sandi Negara"
    ),
}


@dataclass(frozen=True)
class SignerBlock:
    """Who signs, as printed under the letter: the position, the person, the qualifier."""

    position: object
    user: object | None
    qualifier: str = ""  # "a.n.", "u.b.", "Plt.", "a.n. Plh."…


def verification_url(letter) -> str:
    return settings.SITE_URL + reverse("signing:verify", kwargs={"code": letter.code})


def qr_data_uri(data: str) -> str:
    """The QR code as a PNG data URI, one pixel per module, drawn unsmoothed by the PDF viewer.

    PNG rather than SVG: WeasyPrint parses an SVG QR path of thousands of segments in ~50 ms.
    """
    # A fixed mask skips scoring all eight (~10 ms); any mask reads equally well at this size.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1, box_size=1,
                         mask_pattern=0)  # fmt: skip
    code.add_data(data)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def place_of(government) -> str:
    """The place written before the date: "Kota Banua Raya" → "Banua Raya"."""
    name = government.short_name
    for prefix in ("Kota ", "Kabupaten ", "Kab. "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def count_id(n: int) -> str:
    """Enclosures as letters write them: "1 (satu) berkas", or "-"."""
    if not n:
        return "-"
    words = NUMBERS_ID[n] if n < len(NUMBERS_ID) else ""
    return f"{n} ({words}) berkas" if words else f"{n} berkas"


def position_label(position) -> str:
    """ "Sekretaris Dinas" → "Sekretaris Dinas Komunikasi dan Informatika" style full titles."""
    agency = position.agency
    if position.is_head or agency.name.lower() in position.title.lower():
        return position.title
    title, name = position.title.split(), agency.name.split()
    if title and name and title[-1].lower() == name[0].lower():  # "Sekretaris Dinas" + "Dinas …"
        title = title[:-1]
    return " ".join([*title, *name])


def recipient_label(recipient) -> str:
    target = recipient.target
    if target == "position":
        return position_label(recipient.position)
    if target == "agency":
        head = recipient.agency.head_position()
        return head.title if head else f"Kepala {recipient.agency.name}"
    if target == "agency_all":
        return f"Seluruh Pegawai {recipient.agency.name}"
    if target == "external":
        return recipient.external.name
    return "Seluruh Kepala Perangkat Daerah"


# The letterhead prints its logo 22 mm tall: 260 px is 300 dpi, print quality, whatever size was
# uploaded. WeasyPrint re-encodes a PNG at every render, so fewer pixels also render faster.
LOGO_BOX_PX = (520, 260)
_LOGO_CACHE_SIZE = 128
_logos: dict[str, str] = {}
_logos_lock = threading.Lock()


def letterhead_logo(agency):
    """The logo file printed on the agency's letterhead: its own, else the government's emblem."""
    return agency.logo or agency.government.logo


def logo_data_uri(logo) -> str | None:
    """The logo (a FieldFile) as a scaled-down data URI, or None when there is none to print.

    Read from storage and encoded once per process: the upload path gives every upload a fresh
    name (esurat.organisations.models.logo_path), so the name alone identifies the content. A
    logo missing from storage is logged and left out rather than blocking every signature;
    it is not cached, so it prints again once the file is restored.
    """
    if not logo:
        return None
    uri = _logos.get(logo.name)
    if uri is not None:
        return uri
    try:
        with logo.storage.open(logo.name, "rb") as handle:
            uri = _encode_logo(handle.read())
    except (OSError, ValueError) as exc:  # PIL raises OSError subclasses for unreadable images
        logger.error("Letterhead logo %s cannot be read, printed without it: %s", logo.name, exc)
        return None
    with _logos_lock:
        if len(_logos) >= _LOGO_CACHE_SIZE:  # replaced logos pile up in a long-lived process
            _logos.clear()
        _logos[logo.name] = uri
    return uri


def _encode_logo(data: bytes) -> str:
    """Upright, within LOGO_BOX_PX, metadata dropped; a JPEG stays a JPEG (smaller for photos).

    Transparency is flattened onto white, the paper's colour: the PDF then carries no soft mask.
    """
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as original:
        is_jpeg = original.format == "JPEG"
        if is_jpeg:
            original.draft("RGB", LOGO_BOX_PX)  # decode a large JPEG at a reduced scale
        image = ImageOps.exif_transpose(original)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    image = image.convert("L" if image.mode == "L" else "RGB")
    image.thumbnail(LOGO_BOX_PX, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if is_jpeg:
        image.save(buffer, format="JPEG", quality=90, optimize=True)
    else:
        image.save(buffer, format="PNG", optimize=True)
    mime = "image/jpeg" if is_jpeg else "image/png"
    return f"data:{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def letterhead(agency) -> dict:
    """The kop surat of an agency; the regional leadership has its own (no Pemda line).

    `logo` is a data URI or None: the agency's own logo, else the government's emblem.
    """
    government = agency.government
    contacts = [
        ("Telepon", agency.phone),
        ("Pos-el", agency.email),
        ("Laman", agency.website),
    ]
    return {
        "logo": logo_data_uri(letterhead_logo(agency)),
        "is_leadership": agency.kind == "leadership",
        "government": government.name.upper(),
        "agency": agency.name.upper(),
        "address": agency.address or government.address,
        "contacts": [(label, value) for label, value in contacts if value],
    }


def signature_lines(letter, signer: SignerBlock) -> list[str]:
    """The lines above the signature: "a.n. WALI KOTA BANUA RAYA" / "Plt. Sekretaris Daerah,"."""
    parts = signer.qualifier.split()
    on_behalf = [q for q in parts if q in ("a.n.", "u.b.")]
    acting = " ".join(q for q in parts if q not in ("a.n.", "u.b."))
    lines = []
    if on_behalf:
        superior = signer.position.superior or letter.agency.head_position()
        if superior is not None and superior.pk != signer.position.pk:
            lines.append(f"{on_behalf[0]} {position_label(superior).upper()}")
    title = position_label(signer.position)
    lines.append(f"{acting} {title},".strip())
    return lines


def footer_text(letter, provider: str) -> str:
    if provider in ISSUERS:
        issuer = ISSUERS[provider]
    else:
        issuer = (
            f"sertifikat elektronik dari otoritas sertifikat e-Surat {letter.government.name}; "
            "sertifikat ini BUKAN sertifikat tersertifikasi BSrE"
        )
    # The address never wraps inside itself: a reader must be able to type it from paper.
    return format_html(
        "Dokumen ini telah ditandatangani secara elektronik menggunakan {}. Keasliannya dapat "
        'diperiksa dengan memindai kode QR atau di <span class="url">{}</span>',
        issuer, verification_url(letter),
    )  # fmt: skip


def cosigner_context(blocks, *, tags: bool = False) -> list[dict]:
    """The blocks of a joint letter's co-signatories, printed beside the main signature: each
    signs in their own name (only Plt./Plh. applies), and is named as planned when the PDF is
    rendered; who actually signed is in their PAdES signature and on the verification page.
    With `tags` (BSrE) each block carries its own tag, where BSrE stamps that signature."""
    return [
        {
            "lines": [f"{b.qualifier} {position_label(b.position)},".strip()],
            "name": b.user.get_full_name() if b.user else "",
            "nip": getattr(b.user, "nip", "") or "",
            "tag": cosignatory_tag(n) if tags else "",
        }
        for n, b in enumerate(blocks, start=1)
    ]


def context_for(
    letter, *, signer: SignerBlock, provider: str, draft: bool = False, cosigners=()
) -> dict:
    recipients = list(letter.recipients.select_related("position__agency", "agency", "external"))
    kind = letter.kind
    return {
        "letter": letter,
        "kind": kind,
        "layout": "nota" if kind.code in ("nota-dinas", "memo") else kind.layout,
        "paper": PAPER_SIZES.get(kind.paper, PAPER_SIZES["A4"]),
        "head": letterhead(letter.agency),
        "place": place_of(letter.government),
        "date": long_date_id(letter.letter_date) if letter.letter_date else "",
        "number": letter.number,
        "security": SECURITY_ID.get(letter.security, letter.security),
        "is_narrow": letter.is_narrow,
        "enclosures": count_id(letter.enclosures),
        "addressees": [recipient_label(r) for r in recipients if r.kind == "to"],
        "copies": [recipient_label(r) for r in recipients if r.kind == "cc"],
        "body": mark_safe(letter.body),  # sanitised by do_create_draft / do_update_draft
        "sender": position_label(signer.position),
        "signature_lines": signature_lines(letter, signer),
        "signer_name": signer.user.get_full_name() if signer.user else "",
        "signer_nip": getattr(signer.user, "nip", "") or "",
        "cosigners": cosigner_context(cosigners, tags=provider == "bsre" and not draft),
        # BSrE stamps its own QR code where the tag is printed (esurat.signing.bsre.TAG).
        "tag": BSRE_TAG if provider == "bsre" and not draft else "",
        "qr": None if draft or provider == "bsre" else qr_data_uri(verification_url(letter)),
        "footer": None if draft else footer_text(letter, provider),
        "draft": draft,
        "corrects": corrected_letter(letter),
    }


def corrected_letter(letter) -> dict | None:
    """What a correction (ralat) says of the letter it corrects: number, date and subject, for
    its PDF; None for any other letter."""
    corrected = letter.supersedes.first()
    if corrected is None:
        return None
    return {"code": corrected.code, "number": corrected.number, "subject": corrected.subject,
            "date": long_date_id(corrected.letter_date) if corrected.letter_date else "",
            "narrow": corrected.is_narrow}  # fmt: skip


_weasy = threading.local()


def _weasy_tools():
    """The URL fetcher, font configuration and parsed pdf/letter.css reused by each thread.

    Building them costs ~40 ms per document (the fetcher loads the system's TLS roots, the
    stylesheet takes ~15 ms to parse); none keeps state between documents. Only data: URIs are
    fetched: a letter's body can never make the server call out.
    """
    if not hasattr(_weasy, "fetcher"):
        from django.template.loader import get_template
        from weasyprint import CSS, URLFetcher
        from weasyprint.text.fonts import FontConfiguration

        _weasy.fetcher = URLFetcher(allowed_protocols={"data"})
        _weasy.fonts = FontConfiguration()
        _weasy.css = CSS(string=get_template("pdf/letter.css").render({}),
                         font_config=_weasy.fonts, url_fetcher=_weasy.fetcher)  # fmt: skip
    return _weasy.fetcher, _weasy.fonts, _weasy.css


def render_document_pdf(template: str, context: dict) -> bytes:
    """An official document other than a letter (a disposition sheet, a registry book, the
    evaluation report) as a PDF: always in Indonesian, whatever the reader's UI language, its
    own page styles, and only data: URIs fetched (a logo)."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML  # imported late: importing loads Pango

    with translation.override("id"):
        html = render_to_string(template, context)
    fetcher, fonts, _css = _weasy_tools()
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(font_config=fonts)


def render_letter_pdf(
    letter, *, signer: SignerBlock, provider: str, draft: bool = False, cosigners=()
) -> bytes:
    """The letter as a PDF, as it will be signed (draft=True: no QR, a KONSEP watermark)."""
    from weasyprint import HTML  # imported late: importing loads Pango

    context = context_for(letter, signer=signer, provider=provider, draft=draft,
                          cosigners=cosigners)  # fmt: skip
    html = render_to_string("pdf/letter.html", context)
    fetcher, fonts, css = _weasy_tools()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[css], pdf_identifier=letter.code.hex.encode(), uncompressed_pdf=False,
        custom_metadata=False, font_config=fonts,
    )  # fmt: skip
