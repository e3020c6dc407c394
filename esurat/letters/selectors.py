"""Reads for list pages: inbox, outbox, drafts, needs-my-action, and the counters.

Every list is keyset-paginated over an index and runs a fixed number of queries.
"""

import base64
import datetime
import operator
import uuid
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.dateparse import parse_datetime

from esurat.letters.access import seat_filter, seat_filters, seat_position_ids
from esurat.letters.models import (
    CoSignatory,
    InboxEntry,
    Letter,
    LetterKind,
    Recipient,
    ReviewStep,
)
from esurat.organisations.access import seats_of
from esurat.organisations.models import Agency, Government

PAGE_SIZE = 25


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode_cursor(at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode()


def decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        at, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        parsed = parse_datetime(at)
        return (parsed, int(pk)) if parsed else None
    except (ValueError, UnicodeDecodeError):
        return None


def _seat_ids(user) -> tuple[list[int], list[int]]:
    return seat_position_ids(user)


def inbox_filter(user) -> Q:
    """Inbox rows of the user's positions; delegates do not see R/SR rows of their leader."""
    return seat_filter(user, "position_id")


def _seat_filters(user) -> list[Q]:
    """inbox_filter split per position, one Q each."""
    return seat_filters(user, "position_id")


def after_cursor(field: str, at, pk) -> Q:
    """Rows after the cursor in (field DESC, pk DESC) order. The redundant `field <= at` is what
    lets PostgreSQL start the index scan at the cursor instead of filtering from the newest row."""
    return Q(**{f"{field}__lte": at}) & (Q(**{f"{field}__lt": at}) | Q(**{field: at, "pk__lt": pk}))


def _newest_of(qs, pieces: list[Q], order_field: str):
    """qs narrowed to the rows matching any of `pieces`, readable newest first from indexes.

    PostgreSQL cannot read an index in order across an IN list or an OR of two columns: it
    would fetch and sort every matching row (70,000 letters signed by a head of agency). So each
    piece's newest PAGE_SIZE + 1 rows are read from its own index, merged with UNION ALL in a
    subquery, and qs is narrowed to those primary keys: still one query, its cost independent of
    the data's size.
    SQLite (small installations) keeps the plain OR.
    """
    if len(pieces) == 1 or not connection.features.supports_slicing_ordering_in_compound:
        return qs.filter(reduce(operator.or_, pieces))
    newest = [
        qs.filter(piece)
        .order_by(f"-{order_field}", "-pk")
        .values_list("pk", flat=True)[: PAGE_SIZE + 1]
        for piece in pieces
    ]
    return qs.filter(pk__in=newest[0].union(*newest[1:], all=True))


def inbox_page(user, *, cursor=None, unread=False, urgency="", kind=None, agency=None) -> Page:
    """A page of the user's inbox, newest first, in one query (plus the seats)."""
    seats = _seat_filters(user)
    if not seats:
        return Page([], None)
    qs = InboxEntry.objects.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if kind:
        qs = qs.filter(letter_kind_id=kind)
    if agency:
        qs = qs.filter(from_agency_id=agency)
    after = decode_cursor(cursor)
    if after:
        qs = qs.filter(after_cursor("delivered_at", *after))
    qs = _newest_of(qs, seats, "delivered_at")
    rows = list(
        qs.order_by("-delivered_at", "-pk")
        .select_related("letter", "letter__agency", "letter__kind", "letter__sender")
        .only(
            "pk", "kind", "delivered_at", "read_at", "urgency", "security", "position",
            "letter__code", "letter__subject", "letter__number", "letter__letter_date", "letter__state",
            "letter__security", "letter__urgency", "letter__origin", "letter__agency__short_name",
            "letter__kind__name", "letter__sender__name",
        )[: PAGE_SIZE + 1]
    )  # fmt: skip
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    # Every row's position is one of the seats, already read: joining it again cost PostgreSQL
    # more to plan (0.6 ms of a 1.6 ms plan on the seeded database) than to run the query.
    seat_positions = {s.position.pk: s.position for s in seats_of(user)}
    for row in rows:
        row.position = seat_positions[row.position_id]
    return Page(rows, encode_cursor(rows[-1].delivered_at, rows[-1].pk) if more else None)


def unread_count(user) -> int:
    return (
        Government.objects.filter(pk=user.government_id)
        .values_list(_unread(user), flat=True)
        .first()
        or 0
    )


def _unread(user):
    """Unread inbox rows counted seat by seat and summed. Each count is an index-only scan of
    the partial index inbox_unread; one count over an OR of seats reads the table instead."""
    counts = [
        _count(InboxEntry.objects.filter(seat, read_at__isnull=True))
        for seat in _seat_filters(user)
    ]
    return reduce(operator.add, counts) if counts else Value(0)


@dataclass(frozen=True)
class Choice:
    """One option of a filter bar: `code` travels in the query string, `label` is shown."""

    pk: int
    code: str
    label: str


def _choices(qs, which: int, label: str):
    return (
        qs.order_by()
        .annotate(which=Value(which, IntegerField()), key=Cast("code", CharField()),
                  label=F(label), sort=F("name"))
        .values_list("which", "pk", "key", "label", "sort")
    )  # fmt: skip


def inbox_filter_choices(user) -> tuple[list[Choice], list[Choice]]:
    """The active letter kinds and the agencies of the user's government, for the inbox filter
    bar, each sorted by name: ONE query (UNION ALL of the two lists), read fresh every time so
    an agency added in the admin shows at once."""
    kinds = _choices(LetterKind.objects.filter(is_active=True), 0, "name")
    agencies = _choices(Agency.objects.filter(government_id=user.government_id), 1, "short_name")
    lists: tuple[list[Choice], list[Choice]] = ([], [])
    for which, pk, code, label, _sort in kinds.union(agencies, all=True).order_by(
        "which", "sort", "pk"
    ):
        # SQLite stores a UUID as 32 hex digits; the query string carries the usual form.
        lists[which].append(Choice(pk, code if which == 0 else str(uuid.UUID(code)), label))
    return lists


def _letter_page(qs, cursor, order_field, pieces: list[Q] | None = None) -> Page:
    after = decode_cursor(cursor)
    if after:
        qs = qs.filter(after_cursor(order_field, *after))
    if pieces:
        qs = _newest_of(qs, pieces, order_field)
    rows = list(
        qs.order_by(f"-{order_field}", "-pk").select_related(
            "agency", "kind", "signatory_position"
        )[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    last = rows[-1] if rows else None
    return Page(rows, encode_cursor(getattr(last, order_field), last.pk) if more else None)


def _recipients_prefetch() -> Prefetch:
    return Prefetch(
        "recipients",
        # Addressees (TO) before copies (CC).
        queryset=Recipient.objects.select_related("position__agency", "agency").order_by(
            "-kind", "order", "pk"
        ),
    )


def _inbox_count(entries) -> Coalesce:
    """A letter's inbox rows counted in a correlated subquery (the (letter, position) unique
    index answers it), so only the page's letters are counted, not every sent letter."""
    counted = (
        entries.filter(letter=OuterRef("pk"))
        .order_by()
        .values("letter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def outbox_page(user, *, cursor=None) -> Page:
    """Sent letters drafted or signed by the user's own positions, newest first.

    Each letter carries `inbox_total` and `inbox_read` (its read progress) and its recipients,
    in three queries whatever the page size.
    """
    own, _ = _seat_ids(user)
    if not own:
        return Page([], None)
    pieces = [Q(drafter_position_id=pk) for pk in own] + [Q(signatory_position_id=pk) for pk in own]
    qs = (
        Letter.objects.filter(state=Letter.State.SENT)
        .annotate(
            inbox_total=_inbox_count(InboxEntry.objects.all()),
            inbox_read=_inbox_count(InboxEntry.objects.filter(read_at__isnull=False)),
        )
        .prefetch_related(_recipients_prefetch())
    )
    return _letter_page(qs, cursor, "sent_at", pieces)


DRAFT_STATES = (
    Letter.State.DRAFT,
    Letter.State.RETURNED,
    Letter.State.IN_REVIEW,
    Letter.State.AWAITING_SIGNATURE,
)


def drafts_page(user, *, cursor=None) -> Page:
    """Letters the user's positions are drafting, up to signature; `pending_with` names the
    position whose paraf the letter waits for while in review."""
    own, _ = _seat_ids(user)
    pending = ReviewStep.objects.filter(
        letter=OuterRef("pk"), round=OuterRef("review_round"), state=ReviewStep.State.PENDING
    ).values("position__title")[:1]
    qs = (
        Letter.objects.filter(drafter_position_id__in=own, state__in=DRAFT_STATES)
        .annotate(pending_with=Subquery(pending))
        .prefetch_related(_recipients_prefetch())
    )
    return _letter_page(qs, cursor, "updated_at")


def to_review(user):
    own, _ = _seat_ids(user)
    return (
        ReviewStep.objects.filter(position_id__in=own, state=ReviewStep.State.PENDING,
                                  letter__state=Letter.State.IN_REVIEW)
        .select_related("letter", "letter__agency", "letter__kind", "letter__drafter_position",
                        "position")
        .order_by("letter__updated_at")[:100]
    )  # fmt: skip


def _main_signature_due(own):
    """Letters waiting for the first (main) signature of one of these positions."""
    return Letter.objects.filter(
        signatory_position_id__in=own, state=Letter.State.AWAITING_SIGNATURE,
        signed_at__isnull=True,
    )  # fmt: skip


def _cosignature_due(own):
    """Joint letters whose turn has come for a co-signatory among these positions."""
    return CoSignatory.objects.filter(
        position_id__in=own, state=CoSignatory.State.PENDING,
        letter__state=Letter.State.AWAITING_SIGNATURE,
    )  # fmt: skip


def to_sign(user) -> list:
    """Letters waiting for the user's signature: as main signatory, or as the co-signatory whose
    turn it is. One query: the two sets of ids, each read from its own index, joined by UNION ALL
    inside `pk IN (…)` (an OR across the two tables would scan)."""
    own, _ = _seat_ids(user)
    due = (
        _main_signature_due(own)
        .order_by()
        .values("pk")
        .union(_cosignature_due(own).order_by().values("letter_id"), all=True)
    )
    return list(
        Letter.objects.filter(pk__in=due)
        .select_related("agency", "kind", "signatory_position", "drafter_position")
        .order_by("updated_at")[:100]
    )


class _CountAll(Func):
    """COUNT(*) that Django does not treat as an aggregate, so it adds no GROUP BY: the
    subquery returns exactly one row, 0 when nothing matches."""

    template = "COUNT(*)"
    output_field = IntegerField()


def _count(queryset):
    """A COUNT(*) of the queryset usable as a scalar subquery. Built in two steps, not the five
    of annotate/values/annotate: the counters run on every page and their cost is the ORM's."""
    return Subquery(queryset.order_by().values(n=_CountAll()))


def counters(user) -> dict:
    """The navigation counters in ONE query of scalar subqueries over indexed columns:
    unread inbox rows, drafts waiting for my paraf, letters waiting for my signature, incoming
    letters waiting for my disposition, delegate-prepared dispositions waiting for my approval
    (one per act of disposing), open dispositions to me to report on; `dispositions` (the
    Dispositions tab: unread ones to me and those waiting for my approval), `action` (every
    entry of the Needs my action page, the sum of its sections) and `notifications` (the
    bell: unread in-app notifications, over the partial index notif_inapp_unread)."""
    from esurat.dispositions.models import Disposition
    from esurat.dispositions.selectors import action_counts, received_filter
    from esurat.notifications.models import Notification

    own, _ = _seat_ids(user)
    keys = ("unread", "to_review", "to_sign", "to_cosign", "unread_dispositions", "to_dispose",
            "to_approve", "to_report", "notifications")  # fmt: skip
    values = (
        Government.objects.filter(pk=user.government_id)
        .annotate(
            unread=_unread(user),
            to_review=_count(ReviewStep.objects.filter(
                position_id__in=own, state=ReviewStep.State.PENDING,
                letter__state=Letter.State.IN_REVIEW,
            )),
            to_sign=_count(_main_signature_due(own)),
            to_cosign=_count(_cosignature_due(own)),
            unread_dispositions=_count(Disposition.objects.filter(
                received_filter(user), state=Disposition.State.SENT
            )),
            **action_counts(user),
            notifications=_count(Notification.objects.filter(
                user_id=user.pk, channel=Notification.Channel.INAPP, read_at__isnull=True,
            )),
        )
        .values(*keys)
        .first()
    )  # fmt: skip
    # A subquery over no seat at all (an account without a position) answers NULL: 0.
    result = {key: (values or {}).get(key) or 0 for key in keys}
    result["to_sign"] += result.pop("to_cosign")
    result["dispositions"] = result.pop("unread_dispositions") + result["to_approve"]
    result["action"] = (result["to_review"] + result["to_sign"] + result["to_dispose"]
                        + result["to_approve"] + result["to_report"])  # fmt: skip
    return result
