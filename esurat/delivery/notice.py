"""The printed notice of revocation (Pemberitahuan Pencabutan Surat) that the registry clerk
carries to an outside recipient who got a revoked letter on paper (esurat/delivery/actions.py
plan_revocation_notices).

It is an administrative notice of the registry, not a letter: it has no number of its own (its
reference is the dispatch-book entry), and it is not signed. What makes it trustworthy is the
revoked letter's own QR code, whose verification page says "revoked" to anyone who scans it.
Written in Indonesian like every document that leaves the agency, on its letterhead, in the look
of pdf/letter.css. An R/SR letter's subject and reason are left out: the clerk who prints the
notice may not read them, and the verification page does not show them either.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from esurat.delivery.models import Dispatch
from esurat.lib.dates import long_date_id
from esurat.lib.files import file_response
from esurat.signing.pdf import (
    PAPER_SIZES,
    SECURITY_ID,
    _weasy_tools,
    letterhead,
    place_of,
    qr_data_uri,
    verification_url,
)


def _correction_number(letter) -> str:
    """The correcting letter's number once it is sent; a draft is nobody's business outside."""
    correction = letter.superseded_by
    if correction is None or correction.sent_at is None:
        return ""
    return correction.number


def _addressee_address(dispatch: Dispatch) -> str:
    if dispatch.external_id:
        return dispatch.external.address
    if dispatch.to_agency_id:
        return dispatch.to_agency.address
    return ""


def context_for(dispatch: Dispatch) -> dict:
    letter = dispatch.letter
    zone = letter.government.zone
    revoked_on = timezone.localtime(letter.revoked_at, zone).date() if letter.revoked_at else None
    url = verification_url(letter)
    return {
        "dispatch": dispatch,
        "letter": letter,
        "paper": PAPER_SIZES.get(letter.kind.paper, PAPER_SIZES["A4"]),
        "head": letterhead(letter.agency),
        "place": place_of(letter.government),
        "addressee": dispatch.recipient_name,
        "address": _addressee_address(dispatch),
        "number": letter.number,
        "date": long_date_id(letter.letter_date) if letter.letter_date else "",
        "kind": letter.kind.name,
        "security": SECURITY_ID.get(letter.security, letter.security),
        "is_narrow": letter.is_narrow,
        "subject": "" if letter.is_narrow else letter.subject,
        "reason": "" if letter.is_narrow else letter.revoke_reason,
        "revoked_on": long_date_id(revoked_on) if revoked_on else "",
        "correction": _correction_number(letter),
        "url": url,
        "qr": qr_data_uri(url),
    }


def render_notice_pdf(dispatch: Dispatch) -> bytes:
    """The notice for one dispatch-book entry of purpose REVOCATION, as a PDF."""
    from weasyprint import HTML  # imported late: importing loads Pango

    html = render_to_string("pdf/revocation_notice.html", context_for(dispatch))
    fetcher, fonts, css = _weasy_tools()  # the letter's stylesheet, and data: URIs only
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[css], pdf_identifier=dispatch.code.hex.encode(), uncompressed_pdf=False,
        custom_metadata=False, font_config=fonts,
    )  # fmt: skip


def notice_filename(dispatch: Dispatch) -> str:
    letter = dispatch.letter
    base = letter.number.replace("/", "-").replace(" ", "_") or letter.code.hex[:8]
    return f"pencabutan-{base}.pdf"


def notice_response(dispatch: Dispatch, *, inline: bool) -> HttpResponse:
    """The notice as an HTTP answer, with the same headers as a letter's PDF
    (esurat.signing.documents.pdf_response). The caller has checked access (access_dispatch)."""
    return file_response(render_notice_pdf(dispatch), name=notice_filename(dispatch),
                         content_type="application/pdf", inline=inline)  # fmt: skip
