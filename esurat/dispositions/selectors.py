"""Reads for the disposition screens: my dispositions (received, given, overdue), the counters,
and a letter's disposition tree. Each runs a fixed number of queries whatever the data size."""

import base64
import datetime
import operator
from dataclasses import dataclass, field
from functools import reduce

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)

from esurat.dispositions.models import Disposition, FollowUp, Instruction
from esurat.letters.access import seat_filter, seat_filters, seat_position_ids
from esurat.letters.models import Letter
from esurat.letters.selectors import (
    PAGE_SIZE,
    Page,
    after_cursor,
    decode_cursor,
    encode_cursor,
)
from esurat.lib.workdays import add_working_days
from esurat.organisations.access import seats_of

BOXES = ("received", "given", "overdue")


def _side(user, field_name: str) -> Q:
    """Rows whose `field_name` is one of the user's positions; delegates never see R/SR rows
    (Disposition.security is the letter's class: no join to the letter)."""
    return seat_filter(user, field_name)


def received_filter(user) -> Q:
    return _side(user, "to_position_id") & Q(state__in=Disposition.VISIBLE_STATES)


def given_filter(user) -> Q:
    return _side(user, "from_position_id")


@dataclass
class Deadlines:
    """Today and the next working day in the government's zone, to colour due dates."""

    today: datetime.date
    soon: datetime.date
    zone: datetime.tzinfo

    def status(self, d: Disposition) -> str:
        """ "overdue", "due_soon", "late" (done after the due date), or ""."""
        if d.state in Disposition.OPEN_STATES:
            if d.due_date < self.today:
                return "overdue"
            if d.due_date <= self.soon:
                return "due_soon"
        elif d.state == Disposition.State.DONE and d.done_at:
            if d.done_at.astimezone(self.zone).date() > d.due_date:
                return "late"
        return ""


def deadlines(government) -> Deadlines:
    today = government.today()
    return Deadlines(today, add_working_days(government, today, 1), government.zone)


def _rows(qs):
    return qs.select_related(
        "letter", "letter__agency", "letter__sender", "from_position", "to_position",
        "to_position__holder",
    ).only(
        "pk", "code", "batch", "state", "due_date", "created_at", "sent_at", "read_at", "done_at",
        "note", "created_as", "letter__code", "letter__subject", "letter__number",
        "letter__security", "letter__urgency", "letter__origin", "letter__sender_number",
        "letter__agency__short_name", "letter__sender__name", "from_position__title",
        "to_position__title", "to_position__holder__full_name",
    ).prefetch_related(
        Prefetch("instructions", queryset=Instruction.objects.only("pk", "name", "order"))
    )  # fmt: skip


def _encode_due(due: datetime.date, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{due.isoformat()}|{pk}".encode()).decode()


def _decode_due(cursor: str | None):
    if not cursor:
        return None
    try:
        due, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.date.fromisoformat(due), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def _pieces(user, field_name: str) -> list[Q]:
    """_side split per seat, one Q each: an index is read in order for one position, never for
    an IN list or an OR (PostgreSQL then fetches and sorts every row of every seat)."""
    return seat_filters(user, field_name)


def _first_of(qs, pieces: list[Q], order: tuple[str, str]):
    """qs narrowed to the rows matching any of `pieces`, readable in `order` from indexes.

    Each piece's first PAGE_SIZE + 1 rows are read from its own index and merged with UNION
    ALL in a subquery (as letters.selectors._newest_of, in either direction): still one query,
    its cost independent of how many rows the seats have. The first rows of the union are the
    first rows of the OR. A row two pieces match (the Sekretaris's disposition from the head she
    assists to herself) comes once, since the outer query selects by primary key.
    SQLite (small installations) keeps the plain OR.
    """
    if len(pieces) == 1 or not connection.features.supports_slicing_ordering_in_compound:
        return qs.filter(reduce(operator.or_, pieces))
    firsts = [
        qs.filter(piece).order_by(*order).values_list("pk", flat=True)[: PAGE_SIZE + 1]
        for piece in pieces
    ]
    union = firsts[0].union(*firsts[1:], all=True).order_by()
    return qs.filter(_PkInArray(F("pk"), Subquery(union)))


class _PkInArray(Func):
    """`pk = ANY(ARRAY(subquery))`. So written, PostgreSQL runs the union once, before the
    page's six joins; as `pk IN (subquery)` it plans a semi-join among them: ~5.5 ms of
    planning instead of ~1.8 ms for every page (bench/README.md, issue 3)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (pk, pk_params), (sub, sub_params) = map(compiler.compile, self.get_source_expressions())
        return f"{pk} = ANY(ARRAY{sub})", (*pk_params, *sub_params)


def _after_due(due: datetime.date, pk: int) -> Q:
    """Rows after the cursor in (due_date, pk) order; `due_date >= due` bounds the scan."""
    return Q(due_date__gte=due) & (Q(due_date__gt=due) | Q(due_date=due, pk__gt=pk))


def my_dispositions(user, *, box: str = "received", cursor=None, today=None) -> Page:
    """One page of the user's dispositions: received (newest first), given (newest first, with
    prepared and withdrawn ones) or overdue (open, to or from the user, oldest due date first).

    One query (plus the seats and the instructions), the same for the first page and a deep one,
    and for one seat or several (a Plt., a Sekretaris who is also her head's delegate).
    """
    if box == "overdue":
        pieces = _pieces(user, "to_position_id") + _pieces(user, "from_position_id")
        if not pieces:
            return Page([], None)
        order = ("due_date", "pk")
        qs = Disposition.objects.filter(
            state__in=Disposition.OPEN_STATES, due_date__lt=today or user.government.today()
        )
        after = _decode_due(cursor)
        if after:
            qs = qs.filter(_after_due(*after))
    else:
        given = box == "given"
        pieces = _pieces(user, "from_position_id" if given else "to_position_id")
        if not pieces:
            return Page([], None)
        order = ("-created_at", "-pk")
        qs = Disposition.objects.all()
        if not given:
            qs = qs.filter(state__in=Disposition.VISIBLE_STATES)
        after = decode_cursor(cursor)
        if after:
            qs = qs.filter(after_cursor("created_at", *after))
    rows = list(_rows(_first_of(qs, pieces, order).order_by(*order))[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if not more:
        return Page(rows, None)
    last = rows[-1]
    if box == "overdue":
        return Page(rows, _encode_due(last.due_date, last.pk))
    return Page(rows, encode_cursor(last.created_at, last.pk))


def counters(user, *, today=None) -> dict[str, int]:
    """received (open), unread, given (open), awaiting approval, overdue — in one query."""
    if not getattr(user, "is_authenticated", False) or not user.government_id:
        return dict.fromkeys(("received", "unread", "given", "prepared", "overdue"), 0)
    today = today or user.government.today()
    received, given = received_filter(user), given_filter(user)
    is_open = Q(state__in=Disposition.OPEN_STATES)
    # Only open and prepared rows count: years of done dispositions are never scanned.
    live = Q(state__in=[*Disposition.OPEN_STATES, Disposition.State.PREPARED])
    return Disposition.objects.filter(received | given, live).aggregate(
        received=Count("pk", filter=received & is_open),
        unread=Count("pk", filter=received & Q(state=Disposition.State.SENT)),
        given=Count("pk", filter=given & is_open),
        prepared=Count("pk", filter=given & Q(state=Disposition.State.PREPARED)),
        overdue=Count("pk", filter=is_open & Q(due_date__lt=today)),
    )


@dataclass
class Node:
    """One disposition in a letter's tree, with the ones given under it."""

    disposition: Disposition
    status: str
    children: list["Node"] = field(default_factory=list)


def tree(letter: Letter, user, *, marks: Deadlines) -> list[Node]:
    """The letter's dispositions as a forest (roots: those given from an inbox).

    Prepared dispositions appear only to the user's seats at the giving position. Four queries.
    """
    seat_ids = {s.position.pk for s in seats_of(user)}
    rows = list(
        Disposition.objects.filter(letter=letter)
        .select_related("from_position", "to_position__holder", "read_by", "created_by", "sent_by")
        .prefetch_related(
            Prefetch("instructions", queryset=Instruction.objects.only("pk", "name", "order")),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("created_by").prefetch_related("files"),
            ),
        )
        .order_by("created_at", "pk")
    )
    nodes: dict[int, Node] = {}
    for d in rows:
        if d.state == Disposition.State.PREPARED and d.from_position_id not in seat_ids:
            continue
        nodes[d.pk] = Node(d, marks.status(d))
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.disposition.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


# --- Needs my action: a head's disposition work ------------------------------------------------
# The letters:needs_action page and the navigation counters (letters.selectors.counters) read
# these, so that each counter counts exactly the entries its section lists.

ACTION_LIMIT = 100  # entries listed per section (the counters count them all)


def _awaiting_disposal_qs(user):
    """Inbox rows of registered incoming letters that the registry clerk sent on to one of the
    user's positions (for a delegate, the leader's position; never R/SR then: inbox_filter) and
    that no disposition from that position answers yet. A prepared one answers it too: the
    letter then waits for the leader's approval (awaiting_approval_qs) instead."""
    from esurat.letters.models import InboxEntry
    from esurat.letters.selectors import inbox_filter

    return InboxEntry.objects.filter(inbox_filter(user), awaiting_disposal=True)


def awaiting_disposal_by_rule(user):
    """_awaiting_disposal_qs computed from the rule itself (registered, sent, no disposition
    from the position but a withdrawn one) instead of the awaiting_disposal mark: what the tests
    check the mark against. It reads the positions' whole inbox history: not for pages."""
    from esurat.letters.models import InboxEntry
    from esurat.letters.selectors import inbox_filter

    answered = Disposition.objects.filter(
        letter_id=OuterRef("letter_id"), from_position_id=OuterRef("position_id")
    ).exclude(state=Disposition.State.WITHDRAWN)
    return InboxEntry.objects.filter(
        inbox_filter(user), letter__origin=Letter.Origin.REGISTERED, letter__state=Letter.State.SENT
    ).exclude(Exists(answered))


def _awaiting_approval_qs(user):
    """Dispositions a delegate prepared from one of the user's own (holder or acting) positions:
    only the leader approves, so a delegate's seat is left out."""
    own, _delegated = seat_position_ids(user)
    return Disposition.objects.filter(from_position_id__in=own, state=Disposition.State.PREPARED)


def _to_report_qs(user):
    """Open dispositions to one of the user's own positions: the follow-up report is theirs to
    give (a delegate reads for the leader but does not report)."""
    own, _delegated = seat_position_ids(user)
    return Disposition.objects.filter(to_position_id__in=own, state__in=Disposition.OPEN_STATES)


class _CountDistinct(Func):
    """COUNT(DISTINCT col) that Django does not treat as an aggregate (as letters.selectors
    _CountAll): usable as a one-row scalar subquery."""

    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


class _CountAll(Func):
    template = "COUNT(*)"
    output_field = IntegerField()


def action_counts(user) -> dict:
    """The three counts as scalar subqueries, for letters.selectors.counters to put in its one
    query: letters to dispose, batches to approve (one act of disposing = one entry), and
    dispositions to report on."""
    from esurat.letters.models import InboxEntry

    # Seat by seat and summed, each an index-only scan of the partial index inbox_to_dispose
    # (one count over an OR of seats would filter the whole index), as the unread counter does.
    per_seat = [
        Subquery(InboxEntry.objects.filter(seat, awaiting_disposal=True).order_by()
                 .values(n=_CountAll()))
        for seat in seat_filters(user, "position_id")
    ]  # fmt: skip
    return {
        "to_dispose": reduce(operator.add, per_seat) if per_seat else Value(0),
        "to_approve": Subquery(
            _awaiting_approval_qs(user).order_by().values(n=_CountDistinct(F("batch")))
        ),
        "to_report": Subquery(_to_report_qs(user).order_by().values(n=_CountAll())),
    }


def awaiting_disposal(user) -> list:
    """The inbox rows of letters to dispose (see _awaiting_disposal_qs), oldest first: the
    letter that has waited longest comes first. One query."""
    return list(
        _awaiting_disposal_qs(user)
        .select_related("letter", "letter__sender", "letter__agency", "position")
        .order_by("delivered_at", "pk")[:ACTION_LIMIT]
    )


@dataclass
class Proposal:
    """One act of disposing that a delegate prepared: its rows (one per recipient)."""

    rows: list[Disposition]

    @property
    def first(self) -> Disposition:
        return self.rows[0]


def awaiting_approval(user) -> list[Proposal]:
    """The delegate-prepared dispositions waiting for the user's approval, one entry per batch,
    oldest first. One query."""
    rows = list(
        _awaiting_approval_qs(user)
        .select_related(
            "letter",
            "letter__sender",
            "letter__agency",
            "from_position",
            "to_position",
            "created_by",
        )  # fmt: skip
        .order_by("created_at", "pk")[:ACTION_LIMIT]
    )
    batches: dict = {}
    for d in rows:
        batches.setdefault(d.batch, []).append(d)
    return [Proposal(batch) for batch in batches.values()]


def to_report(user) -> list[tuple[Disposition, str]]:
    """Open dispositions to the user's own positions with their due-date status, the earliest
    due first. One query; with rows, one each for their instructions and the holidays."""
    rows = list(_rows(_to_report_qs(user)).order_by("due_date", "pk")[:ACTION_LIMIT])
    if not rows:
        return []
    marks = deadlines(user.government)
    return [(d, marks.status(d)) for d in rows]
