"""The registry books as printable tables: columns and rows of one agency's book over a period.

The rows come from the same querysets as the books on screen (esurat/letters/views/register.py,
esurat/delivery/views.py `book_rows`), narrowed to the period and, for letters, the kind; oldest
first, as a book is written. An R/SR letter is listed without its subject, as on screen. A book
lists at most MAX_ROWS rows; a longer period is refused by the caller's message, not cut silently.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.delivery.views import book_rows
from esurat.dispositions.models import Disposition
from esurat.letters.models import NARROW_SECURITY, IssuedNumber, Registration
from esurat.reports.figures import Period

MAX_ROWS = 5000
HIDDEN = "—"


@dataclass
class Book:
    title: str
    columns: list
    rows: list
    truncated: bool


def _subject(letter) -> str:
    return HIDDEN if letter.security in NARROW_SECURITY else letter.subject


def _d(value, zone) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value, zone).strftime("%d-%m-%Y %H:%M")
    return value.strftime("%d-%m-%Y")


def _agenda(agency, period: Period, kind, direction):
    qs = Registration.objects.filter(agency=agency).select_related(
        "letter__agency", "letter__kind", "letter__sender"
    )  # the agenda book's queryset (letters.views.register.agenda), oldest first
    qs = qs.filter(direction=direction, registered_at__gte=period.lo, registered_at__lt=period.hi)
    if kind:
        qs = qs.filter(letter__kind=kind)
    columns = [_("Agenda no."), _("Registered"), _("Number"), _("Letter date"),
               _("From") if direction == "in" else _("Sent by"), _("Kind"), _("Subject")]  # fmt: skip
    rows = []
    for r in qs.order_by("registered_at", "pk")[: MAX_ROWS + 1]:
        letter = r.letter
        registered = letter.origin == letter.Origin.REGISTERED
        sender = (
            (letter.sender.name if letter.sender_id else "")
            if registered
            else letter.agency.short_name
        )
        rows.append([r.agenda_number, _d(r.registered_at, period.zone),
                     letter.number or letter.sender_number,
                     _d(letter.letter_date or letter.sender_date, period.zone), sender,
                     letter.kind.name, _subject(letter)])  # fmt: skip
    return columns, rows


def _numbers(agency, period: Period, kind):
    qs = IssuedNumber.objects.filter(agency=agency).select_related("letter", "issued_by")
    qs = qs.filter(letter_date__gte=period.start, letter_date__lte=period.end)
    if kind:
        qs = qs.filter(letter__kind=kind)
    columns = [_("Number"), _("Letter date"), _("Subject"), _("State"), _("Issued by"),
               _("Cancelled because")]  # fmt: skip
    rows = []
    for n in qs.order_by("year", "seq", "insert")[: MAX_ROWS + 1]:
        narrow = n.letter is not None and n.letter.security in NARROW_SECURITY
        rows.append([n.number, _d(n.letter_date, period.zone), HIDDEN if narrow else n.subject,
                     n.get_state_display(), n.issued_by.get_full_name(), n.cancel_reason])  # fmt: skip
    return columns, rows


def _dispatch(agency, period: Period, kind):
    qs = book_rows(agency).filter(created_at__gte=period.lo, created_at__lt=period.hi)
    if kind:
        qs = qs.filter(letter__kind=kind)
    columns = [_("Book no."), _("Letter"), _("Subject"), _("Recipient"), _("Method"), _("State"),
               _("Carried by"), _("Received by"), _("Received on")]  # fmt: skip
    rows = []
    for d in qs.order_by("book_year", "book_seq")[: MAX_ROWS + 1]:
        rows.append([d.book_number, d.letter.number, _subject(d.letter), d.recipient_name,
                     d.get_method_display(), d.get_state_display(), d.carried_by, d.received_by,
                     _d(d.received_at, period.zone)])  # fmt: skip
    return columns, rows


def _control(agency, period: Period, kind):
    qs = Disposition.objects.filter(
        from_position__agency=agency, created_at__gte=period.lo, created_at__lt=period.hi
    ).exclude(state=Disposition.State.PREPARED).select_related(
        "letter", "from_position", "to_position"
    )  # fmt: skip
    if kind:
        qs = qs.filter(letter__kind=kind)
    columns = [_("Given"), _("Letter"), _("Subject"), _("From"), _("To"), _("Due"), _("State"),
               _("Done")]  # fmt: skip
    rows = []
    for d in qs.order_by("created_at", "pk")[: MAX_ROWS + 1]:
        letter = d.letter
        rows.append([_d(d.sent_at or d.created_at, period.zone),
                     letter.number or letter.sender_number, _subject(letter),
                     d.from_position.title, d.to_position.title, _d(d.due_date, period.zone),
                     d.get_state_display(), _d(d.done_at, period.zone)])  # fmt: skip
    return columns, rows


def book(name: str, agency, period: Period, kind=None) -> Book:
    """One agency's book `name` (forms.BOOKS) over the period."""
    from esurat.reports.forms import BOOKS

    if name in ("agenda_in", "agenda_out"):
        columns, rows = _agenda(agency, period, kind, name.removeprefix("agenda_"))
    else:
        columns, rows = {"numbers": _numbers, "dispatch": _dispatch,
                         "control": _control}[name](agency, period, kind)  # fmt: skip
    return Book(str(BOOKS[name]), columns, rows[:MAX_ROWS], len(rows) > MAX_ROWS)
