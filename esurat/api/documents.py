"""A letter as a document over the API: its PDF, its correction (revoke, then a correcting draft),
its delivery outside the system with the dispatch book, and the public verification facts.

The same recipe as the screens (esurat/letters/views/document.py, esurat/delivery/views.py,
esurat/signing/views.py), over the same functions: access_letter / access_dispatch →
revoke_seat / supersede_seat → do_*. The PDF answer is esurat.signing.documents.pdf_response, the
very function the screens answer with. Bodies are parsed after the access check, so an outsider
gets 404 and never a 422 that would tell them the letter exists.
"""

import datetime
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from esurat.api import schemas
from esurat.api.incoming import _documented, _json
from esurat.api.letters import letter_out
from esurat.api.reference import agency_ref
from esurat.api.schemas import Error, ip_of
from esurat.delivery import actions as delivery
from esurat.delivery.access import access_dispatch, dispatches_shown_with
from esurat.delivery.models import Dispatch
from esurat.delivery.notice import notice_response
from esurat.delivery.views import book_rows
from esurat.letters.access import access_letter
from esurat.letters.actions import ActionRefused
from esurat.letters.models import Letter, Security
from esurat.letters.views.register import PER_PAGE, _clerk_agencies
from esurat.signing.access import access_verifiable_letter
from esurat.signing.actions import do_revoke_letter, do_supersede, revoke_seat, supersede_seat
from esurat.signing.documents import pdf_response
from esurat.signing.verify import letter_facts
from esurat.signing.views import _rate_limited

router = Router(tags=["documents"])

REFUSALS = {404: Error, 409: Error, 422: schemas.ValidationErrors}
PDF_OUT = {"responses": {200: {"description": "The letter's PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}  # fmt: skip
YES = {"1", "true", "yes", "on"}


# --- input ---------------------------------------------------------------------------------------


class RevokeIn(Schema):
    reason: str = Field(description="Why (at most 300 characters); recipients see it")


class RecordIn(Schema):
    """A paper copy's entry in the dispatch book. Times without a zone are the government's."""

    carried_by: str = Field(max_length=200, description="The courier or who took the letter")
    carried_at: datetime.datetime
    received_by: str = Field("", max_length=200, description="With received_at, once known")
    received_at: datetime.datetime | None = None


# --- output --------------------------------------------------------------------------------------


class CorrectionOut(Schema):
    code: UUID = Field(description="The correcting draft")
    state: str
    url: str = Field(description="The draft in the API")
    edit_url: str = Field(description="The draft's edit page")
    corrects: UUID = Field(description="The revoked letter")


class DispatchOut(Schema):
    """One copy for a recipient outside the system: by e-mail (retried until accepted) or on
    paper (printed, carried, received), and its entry in the sending agency's dispatch book."""

    code: UUID
    book_number: str
    purpose: Dispatch.Purpose
    method: Dispatch.Method
    state: schemas.named_enum(Dispatch.State, "DispatchState")
    recipient_kind: str = Field(description="to or cc")
    recipient_name: str
    email: str
    attempts: int
    next_attempt_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    document_sha256: str
    printed_at: datetime.datetime | None
    carried_by: str
    carried_at: datetime.datetime | None
    received_by: str
    received_at: datetime.datetime | None
    created_at: datetime.datetime


class BookLetterOut(Schema):
    code: UUID
    number: str
    kind: str
    security: Security
    state: str
    subject: str | None = Field(description="None for R/SR letters, as in the book")


class BookEntryOut(DispatchOut):
    letter: BookLetterOut
    last_error: str = Field(description="The mail server's last answer while not sent")


class DispatchBookOut(Schema):
    agency: schemas.AgencyRef
    agencies: list[schemas.AgencyRef] = Field(description="Every agency whose book you keep")
    show: str
    count: int
    page: int
    pages: int
    items: list[BookEntryOut]


class SignerOut(Schema):
    name: str
    position: str
    qualifier: str
    signed_at: datetime.datetime


class CorrectionRef(Schema):
    code: UUID
    number: str


class VerificationOut(Schema):
    """What the public verification page says. For an R/SR letter only that it exists and its
    status; everything else is null or empty."""

    status: str = Field(description="valid, number_cancelled or revoked")
    narrow: bool = Field(description="An R/SR letter: its details are not public")
    not_certified: bool = Field(description="Signed with the government's own CA, not BSrE")
    number: str | None
    date: datetime.date | None
    kind: str | None
    subject: str | None
    agency: str | None
    signers: list[SignerOut]
    sha256: str | None = Field(description="Of the registered signed PDF")
    revoked_at: datetime.datetime | None
    revoke_reason: str | None
    superseded_by: CorrectionRef | None = Field(description="The correction, once it is sent")
    corrects: CorrectionRef | None = Field(
        None, description="The revoked letter this one corrects (a ralat)"
    )


def _dispatch_out(d: Dispatch) -> dict:
    return {
        "code": d.code, "book_number": d.book_number, "purpose": d.purpose, "method": d.method,
        "state": d.state, "recipient_kind": d.kind, "recipient_name": d.recipient_name,
        "email": d.email, "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
        "sent_at": d.sent_at, "document_sha256": d.document_sha256, "printed_at": d.printed_at,
        "carried_by": d.carried_by, "carried_at": d.carried_at, "received_by": d.received_by,
        "received_at": d.received_at, "created_at": d.created_at,
    }  # fmt: skip


def _book_entry_out(d: Dispatch) -> dict:
    letter = d.letter
    return {
        **_dispatch_out(d),
        "last_error": d.last_error if d.state != Dispatch.State.SENT else "",
        "letter": {"code": letter.code, "number": letter.number, "kind": letter.kind.name,
                   "security": letter.security, "state": letter.state,
                   "subject": None if letter.is_narrow else letter.subject},
    }  # fmt: skip


def _verification_out(letter: Letter) -> dict:
    """The facts of esurat.signing.verify decide what is shown; the letter gives machine values."""
    facts = letter_facts(letter)
    correction = facts.superseded_by
    return {
        "status": facts.status, "narrow": facts.narrow, "not_certified": facts.not_certified,
        "number": facts.number or None, "date": letter.letter_date if facts.date else None,
        "kind": facts.kind or None, "subject": facts.subject or None,
        "agency": facts.agency or None,
        "signers": [{"name": s.name, "position": s.position, "qualifier": s.qualifier,
                     "signed_at": s.signed_at} for s in facts.signers],
        "sha256": facts.sha256 or None,
        "revoked_at": letter.revoked_at if facts.revoked_on else None,
        "revoke_reason": facts.revoke_reason or None,
        "superseded_by": {"code": correction.code, "number": correction.number}
        if correction else None,
        "corrects": {"code": facts.corrects["code"], "number": facts.corrects["number"]}
        if facts.corrects else None,
    }  # fmt: skip


# --- the letter's PDF and its correction ---------------------------------------------------------


def _access(request, code) -> Letter:
    return access_letter(request.auth, code, ip_address=ip_of(request))


@router.get("/letters/{uuid:code}/pdf", response={200: None, 404: Error}, url_name="letter_pdf",
            openapi_extra=PDF_OUT)  # fmt: skip
def letter_pdf(request, code: UUID,
               download: str = Query("", description="1 to get it as a file")):  # fmt: skip
    """The letter's PDF, shown inline; `?download=1` makes it a file to save. A signed letter is
    its registered signed document byte for byte; a draft carries the KONSEP watermark. An R/SR
    copy is stamped with who took it and when (its signature then no longer validates) and each
    copy is recorded in the audit trail."""
    letter = _access(request, code)
    return pdf_response(request.auth, letter, inline=download.lower() not in YES,
                        ip_address=ip_of(request))  # fmt: skip


@router.post("/letters/{uuid:code}/revoke", response={200: schemas.LetterOut, **REFUSALS},
             url_name="letter_revoke", openapi_extra=_documented(RevokeIn))  # fmt: skip
def letter_revoke(request, code: UUID):
    """The signatory revokes a sent letter with a reason. It stays in every inbox, marked revoked;
    its number stays issued; outside recipients it was e-mailed to are told by e-mail."""
    letter = _access(request, code)
    seat = revoke_seat(request.auth, letter)
    if seat is None:
        raise ActionRefused(_("Only the signatory can revoke a sent letter."))
    payload = _json(request, RevokeIn)
    letter = do_revoke_letter(letter=letter, seat=seat, user=request.auth, reason=payload.reason,
                              ip_address=ip_of(request))  # fmt: skip
    return letter_out(request.auth, letter)


@router.post("/letters/{uuid:code}/correction", response={200: CorrectionOut,
             201: CorrectionOut, 404: Error, 409: Error}, url_name="letter_correction")  # fmt: skip
def letter_correction(request, code: UUID):
    """The drafter or the signatory starts the correcting letter of a revoked one: a draft
    prefilled from it (201). While that draft is under way, the same draft is returned (200)."""
    letter = _access(request, code)
    seat = supersede_seat(request.auth, letter)
    if seat is None:
        raise ActionRefused(_("Only the drafter or the signatory can prepare the correction."))
    under_way = letter.superseded_by_id
    draft = do_supersede(letter=letter, seat=seat, user=request.auth, ip_address=ip_of(request))
    return 200 if draft.pk == under_way else 201, {
        "code": draft.code, "state": draft.state, "corrects": letter.code,
        "url": reverse("api:letter_detail", kwargs={"code": draft.code}),
        "edit_url": reverse("letters:edit", kwargs={"code": draft.code}),
    }  # fmt: skip


# --- delivery outside the system -----------------------------------------------------------------


@router.get("/letters/{uuid:code}/deliveries", response={200: list[DispatchOut], 404: Error},
            url_name="letter_deliveries")  # fmt: skip
def letter_deliveries(request, code: UUID):
    """How a sent letter reached recipients outside the system, in dispatch-book order. For the
    drafting side and the sending agency's clerks, as on the letter page; others, and a letter
    not yet sent, get 404."""
    letter = _access(request, code)
    rows = dispatches_shown_with(request.auth, letter)
    if rows is None:
        raise Http404
    return [_dispatch_out(d) for d in rows]


@router.get("/dispatch-book", response={200: DispatchBookOut, 404: Error, 422: schemas.ValidationErrors},
            url_name="dispatch_book")  # fmt: skip
def dispatch_book(
    request,
    agency: str = Query("", description="The agency's code, for a clerk of several"),
    show: str = Query("", description="to_print, carried or mail_problem; empty for all"),
    page: int = Query(1, ge=1),
):
    """The dispatch book (buku ekspedisi) of an agency whose registry you keep, newest first,
    50 a page. `agency`: its code when you keep several (else the first); `show`: to_print,
    carried or mail_problem. Anyone who keeps no registry gets 404."""
    chosen, agencies = _clerk_agencies(request)
    rows = Paginator(book_rows(chosen, show), PER_PAGE).get_page(page)
    return {"agency": agency_ref(chosen), "agencies": [agency_ref(a) for a in agencies],
            "show": show, "count": rows.paginator.count, "page": rows.number,
            "pages": rows.paginator.num_pages,
            "items": [_book_entry_out(d) for d in rows]}  # fmt: skip


@router.get("/dispatches/{uuid:code}", response={200: BookEntryOut, 404: Error},
            url_name="dispatch_detail")  # fmt: skip
def dispatch_detail(request, code: UUID):
    """One entry of the dispatch book, for the sending agency's clerks."""
    return _book_entry_out(access_dispatch(request.auth, code))


def _act(request, code, action) -> tuple[int, dict]:
    row = access_dispatch(request.auth, code)
    try:
        row = action(dispatch=row, user=request.auth, ip_address=ip_of(request))
    except delivery.DeliveryRefused as exc:
        return 409, {"detail": str(exc)}
    return 200, _book_entry_out(row)


@router.post("/dispatches/{uuid:code}/printed", response={200: BookEntryOut, **REFUSALS},
             url_name="dispatch_printed")  # fmt: skip
def dispatch_printed(request, code: UUID):
    """The clerk printed the paper copy (it was waiting to be printed)."""
    return _act(request, code, delivery.do_mark_printed)


@router.post("/dispatches/{uuid:code}/retry", response={200: BookEntryOut, **REFUSALS},
             url_name="dispatch_retry")  # fmt: skip
def dispatch_retry(request, code: UUID):
    """Send a failed e-mail again now, with a new round of attempts."""
    return _act(request, code, delivery.do_retry_mail)


@router.post("/dispatches/{uuid:code}/on-paper", response={200: BookEntryOut, **REFUSALS},
             url_name="dispatch_on_paper")  # fmt: skip
def dispatch_on_paper(request, code: UUID):
    """Deliver on paper a letter whose e-mail failed; it is then waiting to be printed."""
    return _act(request, code, delivery.do_switch_to_print)


NOTICE_OUT = {"responses": {200: {"description": "The notice of revocation's PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}  # fmt: skip


@router.get("/dispatches/{uuid:code}/notice", response={200: None, 404: Error},
            url_name="dispatch_notice", openapi_extra=NOTICE_OUT)  # fmt: skip
def dispatch_notice(request, code: UUID,
                    download: str = Query("", description="1 to get it as a file")):  # fmt: skip
    """The printed notice of revocation (Pemberitahuan Pencabutan Surat) of an entry whose
    purpose is `revocation`: on the agency's letterhead, unsigned, with the revoked letter's QR
    code. Any other entry is 404."""
    row = access_dispatch(request.auth, code)
    if row.purpose != Dispatch.Purpose.REVOCATION:
        raise Http404
    return notice_response(row, inline=download.lower() not in YES)


def _aware(value: datetime.datetime | None, zone) -> datetime.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zone)


@router.post("/dispatches/{uuid:code}/record", response={200: BookEntryOut, **REFUSALS},
             url_name="dispatch_record", openapi_extra=_documented(RecordIn))  # fmt: skip
def dispatch_record(request, code: UUID):
    """Enter who carried a paper copy and when, and — once known — who received it and when.
    Received is final; times may not be in the future."""
    row = access_dispatch(request.auth, code)
    payload = _json(request, RecordIn)
    zone = row.letter.government.zone
    try:
        row = delivery.do_record_dispatch(
            dispatch=row, user=request.auth, carried_by=payload.carried_by,
            carried_at=_aware(payload.carried_at, zone), received_by=payload.received_by,
            received_at=_aware(payload.received_at, zone), ip_address=ip_of(request),
        )  # fmt: skip
    except delivery.DeliveryRefused as exc:
        return 409, {"detail": str(exc)}
    return 200, _book_entry_out(row)


# --- public verification -------------------------------------------------------------------------


@router.get("/letters/{uuid:code}/verification", auth=None,
            response={200: VerificationOut, 404: Error, 429: Error},
            url_name="letter_verification")  # fmt: skip
def letter_verification(request, code: UUID):
    """What the public verification page (the QR code's target) says about a signed letter: its
    number, date, signers and status. No login; an R/SR letter shows only that it exists and its
    status; a draft or an unknown code is 404. Limited per address, shared with the page."""
    if _rate_limited(request):
        return 429, {"detail": _("Too many checks from your address. Wait a minute and try again.")}
    return _verification_out(access_verifiable_letter(code))
