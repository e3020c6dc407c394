"""The registry clerk's books over the API, read-only: the number register (nomor surat keluar) and
the agenda book (buku agenda masuk/keluar) of an agency whose registry the caller keeps.

The same access as the screens (esurat/letters/views/register.py): a registry clerk sees the books
of their own agencies (`agency` chooses one when they keep several); anyone else gets 404. As in
the books on screen, an R/SR letter is listed without its subject. Newest first, 50 a page.
"""

import datetime
from uuid import UUID

from django.core.paginator import Paginator
from ninja import Query, Router, Schema
from pydantic import Field

from esurat.api import schemas
from esurat.api.reference import agency_ref
from esurat.api.schemas import Error
from esurat.letters.models import NARROW_SECURITY, IssuedNumber, Registration, Security
from esurat.letters.views.register import PER_PAGE, _clerk_agencies

router = Router(tags=["registers"])


class BookQuery(Schema):
    agency: UUID | None = Field(None, description="The agency's code, for a clerk of several")
    year: int | None = Field(None, ge=2000, le=2100, description="Only this year's entries")
    date_from: datetime.date | None = Field(None, description="From this date (inclusive)")
    date_to: datetime.date | None = Field(None, description="Up to this date (inclusive)")
    page: int = Field(1, ge=1)


class AgendaQuery(BookQuery):
    direction: Registration.Direction | None = Field(None, description="in or out; both if empty")


class IssuedNumberOut(Schema):
    code: UUID
    number: str
    year: int
    seq: int
    insert: int = Field(description="0, or the insert (sisipan) after seq")
    letter_date: datetime.date
    state: IssuedNumber.State
    letter: UUID | None = Field(description="None for an insert number issued without a letter")
    security: Security | None
    subject: str | None = Field(description="None for R/SR letters, as in the book")
    issued_at: datetime.datetime
    issued_by: str
    cancelled_at: datetime.datetime | None
    cancel_reason: str


class NumberRegisterOut(Schema):
    agency: schemas.AgencyRef
    agencies: list[schemas.AgencyRef] = Field(description="Every agency whose registry you keep")
    count: int
    page: int
    pages: int
    items: list[IssuedNumberOut]


class AgendaLetterOut(Schema):
    code: UUID
    origin: str = Field(description="drafted (sent in the system) or registered (from outside)")
    number: str = Field(description="The letter's own number, or the outside sender's")
    sender: str = Field(description="The outside sender, or the sending agency")
    kind: str
    security: Security
    subject: str | None = Field(description="None for R/SR letters, as in the book")


class AgendaEntryOut(Schema):
    agenda_number: str
    direction: Registration.Direction
    registered_at: datetime.datetime
    letter: AgendaLetterOut


class AgendaBookOut(NumberRegisterOut):
    items: list[AgendaEntryOut]


def _when(day: datetime.date, zone, *, end=False) -> datetime.datetime:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start + datetime.timedelta(days=1) if end else start


def _page(qs, agency, agencies, page: int, out) -> dict:
    rows = Paginator(qs, PER_PAGE).get_page(page)
    return {"agency": agency_ref(agency), "agencies": [agency_ref(a) for a in agencies],
            "count": rows.paginator.count, "page": rows.number,
            "pages": rows.paginator.num_pages, "items": [out(x) for x in rows]}  # fmt: skip


def _number_out(n: IssuedNumber) -> dict:
    letter = n.letter
    narrow = letter is not None and letter.security in NARROW_SECURITY
    return {
        "code": n.code, "number": n.number, "year": n.year, "seq": n.seq, "insert": n.insert,
        "letter_date": n.letter_date, "state": n.state,
        "letter": letter.code if letter else None,
        "security": letter.security if letter else None,
        "subject": None if narrow else n.subject, "issued_at": n.issued_at,
        "issued_by": n.issued_by.get_full_name(), "cancelled_at": n.cancelled_at,
        "cancel_reason": n.cancel_reason,
    }  # fmt: skip


def _agenda_out(r: Registration) -> dict:
    letter = r.letter
    registered = letter.origin == letter.Origin.REGISTERED
    return {
        "agenda_number": r.agenda_number, "direction": r.direction,
        "registered_at": r.registered_at,
        "letter": {
            "code": letter.code, "origin": letter.origin,
            "number": letter.number or letter.sender_number,
            "sender": (letter.sender.name if letter.sender_id else "") if registered
            else letter.agency.short_name,
            "kind": letter.kind.name, "security": letter.security,
            "subject": None if letter.security in NARROW_SECURITY else letter.subject,
        },
    }  # fmt: skip


@router.get("/number-register", response={200: NumberRegisterOut, 404: Error},
            url_name="number_register")  # fmt: skip
def number_register(request, filters: Query[BookQuery]):
    """The number register of an agency whose registry you keep: every number issued (cancelled
    ones and insert numbers included), newest first, 50 a page; `year`, `date_from` and `date_to`
    filter by the letter's date. Anyone who keeps no registry gets 404."""
    agency, agencies = _clerk_agencies(request)  # reads ?agency= as the screens do
    qs = IssuedNumber.objects.filter(agency=agency).select_related("letter", "issued_by")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.date_from:
        qs = qs.filter(letter_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(letter_date__lte=filters.date_to)
    qs = qs.order_by("-year", "-seq", "-insert")
    return _page(qs, agency, agencies, filters.page, _number_out)


@router.get("/agenda-book", response={200: AgendaBookOut, 404: Error}, url_name="agenda_book")
def agenda_book(request, filters: Query[AgendaQuery]):
    """The agenda book of an agency whose registry you keep: letters registered in or out,
    newest first, 50 a page; `direction` (in/out), `year`, and `date_from`/`date_to` (the day of
    registration, in the government's time zone) filter it. Anyone who keeps no registry gets
    404."""
    agency, agencies = _clerk_agencies(request)  # reads ?agency= as the screens do
    zone = agency.government.zone
    qs = Registration.objects.filter(agency=agency).select_related(
        "letter__agency", "letter__kind", "letter__sender"
    )
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.date_from:
        qs = qs.filter(registered_at__gte=_when(filters.date_from, zone))
    if filters.date_to:
        qs = qs.filter(registered_at__lt=_when(filters.date_to, zone, end=True))
    qs = qs.order_by("-registered_at", "-pk")
    return _page(qs, agency, agencies, filters.page, _agenda_out)
