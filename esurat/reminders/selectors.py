"""Reads for reminders: "waiting on whom" for one letter or disposition, and, per government,
the work each position holds (the digest's content, the reminder and escalation candidates).

The per-government reads run a fixed number of queries whatever the number of officials: each
reads one kind of work for every position of the government at once, counted per position and
with the first few items per position picked by a window function.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.letters.models import NARROW_SECURITY, CoSignatory, InboxEntry, Letter, ReviewStep
from esurat.lib.workdays import holidays_between, is_working_day
from esurat.organisations.models import Assignment, Position

# The events that hand a draft to its next holder: from them on, the reviewer whose paraf is
# awaited, the signatory or the next co-signatory holds it.
HANDOVER_ACTIONS = ("letter.submitted", "letter.approved", "letter.signed", "letter.cosigned")
LIST_LIMIT = 10  # positions named per kind of holder on a page; the rest are counted
TOP_ITEMS = 3  # items per section in a digest


class Role:
    REVIEW = "review"
    SIGNATURE = "signature"
    COSIGNATURE = "cosignature"
    DISPOSE = "dispose"
    READ = "read"
    REPORT = "report"
    APPROVE = "approve"


@dataclass(frozen=True)
class Person:
    """Someone sitting at a position now: its holder ("") or an acting official (Plt/Plh/Pj)."""

    name: str
    qualifier: str = ""


@dataclass
class Holding:
    """One position an item waits on, in which role, since when, and who sits there now."""

    position: Position
    role: str
    since: datetime.datetime | None
    people: list[Person] = field(default_factory=list)
    due_date: datetime.date | None = None
    disposition: Disposition | None = None


@dataclass
class Waiting:
    """What the letter or disposition page shows: the holdings, and how many more of each role
    were not listed."""

    holdings: list[Holding]
    more: dict[str, int] = field(default_factory=dict)


def people_at_positions(position_ids, *, at=None) -> dict[int, list[Person]]:
    """The holder and the current acting officials (Plt/Plh/Pj) of each position; delegates
    assist but hold nothing. Two queries."""
    at = at or timezone.now()
    people: dict[int, list[Person]] = defaultdict(list)
    for pk, name in Position.objects.filter(pk__in=position_ids, holder__isnull=False).values_list(
        "pk", "holder__full_name"
    ):
        people[pk].append(Person(name))
    acting = (
        Assignment.objects.filter(Assignment.in_force(at), position_id__in=position_ids,
                                  kind__in=Assignment.ACTING_KINDS)
        .order_by("starts_at", "pk")
        .values_list("position_id", "user__full_name", "kind")
    )  # fmt: skip
    for pk, name, kind in acting:
        people[pk].append(Person(name, Assignment.QUALIFIERS[kind]))
    return people


def _handover_at(letter_ref, updated: str = "updated_at") -> Coalesce:
    """When the draft passed to its current holder: the latest handover event, or the letter's
    last change for a letter without one (data imported or seeded without its trail)."""
    latest = (
        AuditEvent.objects.filter(letter=letter_ref, action__in=HANDOVER_ACTIONS)
        .order_by("-at")
        .values("at")[:1]
    )
    return Coalesce(Subquery(latest), F(updated), output_field=DateTimeField())


def _draft_holdings(letter: Letter) -> list[Holding]:
    since = (
        Letter.objects.filter(pk=letter.pk)
        .annotate(since=_handover_at(OuterRef("pk")))
        .values_list("since", flat=True)
        .first()
    )
    if letter.state == Letter.State.IN_REVIEW:
        step = (
            letter.review_steps.filter(round=letter.review_round, state=ReviewStep.State.PENDING)
            .select_related("position")
            .first()
        )
        return [Holding(step.position, Role.REVIEW, since)] if step else []
    if letter.state != Letter.State.AWAITING_SIGNATURE:
        return []
    if letter.signed_at is None:
        return [Holding(letter.signatory_position, Role.SIGNATURE, since)]
    co = letter.cosignatories.filter(state=CoSignatory.State.PENDING).select_related("position")
    return [Holding(c.position, Role.COSIGNATURE, since) for c in co[:1]]


def _listed(qs, limit: int = LIST_LIMIT) -> tuple[list, int]:
    rows = list(qs[: limit + 1])
    if len(rows) <= limit:
        return rows, 0
    return rows[:limit], qs.count() - limit


def _delivered_holdings(letter: Letter, *, receipts: bool) -> tuple[list[Holding], dict]:
    holdings, more = [], {}
    entries = InboxEntry.objects.filter(letter=letter).select_related("position__agency")
    rows, more[Role.DISPOSE] = _listed(
        entries.filter(awaiting_disposal=True).order_by("delivered_at", "pk")
    )
    holdings += [Holding(e.position, Role.DISPOSE, e.delivered_at) for e in rows]
    open_rows = Disposition.objects.filter(
        letter=letter, state__in=(*Disposition.OPEN_STATES, Disposition.State.PREPARED)
    ).select_related("from_position", "to_position")
    rows, more[Role.REPORT] = _listed(open_rows.order_by("due_date", "pk"))
    for d in rows:
        if d.state == Disposition.State.PREPARED:
            holdings.append(Holding(d.from_position, Role.APPROVE, d.created_at, disposition=d))
        else:
            holdings.append(Holding(d.to_position, Role.REPORT, d.sent_at or d.created_at,
                                    due_date=d.due_date, disposition=d))  # fmt: skip
    if receipts:
        rows, more[Role.READ] = _listed(
            entries.filter(read_at__isnull=True).order_by("delivered_at", "pk")
        )
        holdings += [Holding(e.position, Role.READ, e.delivered_at) for e in rows]
    return holdings, {k: v for k, v in more.items() if v}


def _with_people(holdings: list[Holding]) -> list[Holding]:
    people = people_at_positions({h.position.pk for h in holdings})
    for h in holdings:
        h.people = people.get(h.position.pk, [])
    return holdings


def waiting_on_letter(letter: Letter, *, receipts: bool = False) -> Waiting:
    """Who holds the letter now, and since when: the reviewer whose paraf is awaited, the
    signatory or the co-signatory whose turn it is; once delivered, the recipients who have not
    disposed it, the open dispositions' recipients (a prepared one's approver), and — only for
    `receipts` (the drafting side, who may see the read receipts) — the recipients who have not
    opened it. The caller has checked access (access_letter). A bounded number of queries."""
    if letter.state in (Letter.State.IN_REVIEW, Letter.State.AWAITING_SIGNATURE):
        return Waiting(_with_people(_draft_holdings(letter)))
    if letter.state in (Letter.State.SENT, Letter.State.REGISTERED):
        holdings, more = _delivered_holdings(letter, receipts=receipts)
        return Waiting(_with_people(holdings), more)
    return Waiting([])


def waiting_on_disposition(disposition: Disposition) -> Waiting:
    """Who holds a disposition: its recipient until they report the follow-up, or, for one a
    delegate prepared, the leader who must approve it. The caller has checked access."""
    if disposition.state == Disposition.State.PREPARED:
        holding = Holding(disposition.from_position, Role.APPROVE, disposition.created_at,
                          disposition=disposition)  # fmt: skip
    elif disposition.state in Disposition.OPEN_STATES:
        holding = Holding(disposition.to_position, Role.REPORT,
                          disposition.reopened_at or disposition.sent_at or disposition.created_at,
                          due_date=disposition.due_date, disposition=disposition)  # fmt: skip
    else:
        return Waiting([])
    return Waiting(_with_people([holding]))


# --- Working days ---------------------------------------------------------------------------


@dataclass
class Calendar:
    """A government's working days around one date, read with one query."""

    government: object
    today: datetime.date
    holidays: set[datetime.date]
    start: datetime.date

    @classmethod
    def around(cls, government, today: datetime.date, *, back: int = 400) -> "Calendar":
        start = today - datetime.timedelta(days=back)
        end = today + datetime.timedelta(days=40)
        return cls(government, today, holidays_between(government, start, end), start)

    def is_working(self, day: datetime.date) -> bool:
        return is_working_day(day, self.holidays)

    def shift(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after (n > 0) or before (n < 0) `day`."""
        step = datetime.timedelta(days=1 if n > 0 else -1)
        left = abs(n)
        while left:
            day += step
            if self.is_working(day):
                left -= 1
        return day

    def working_days_after(self, day: datetime.date) -> int:
        """Working days after `day` up to today inclusive (0 when day is today or later)."""
        day = max(day, self.start)
        n, one = 0, datetime.timedelta(days=1)
        while day < self.today:
            day += one
            n += self.is_working(day)
        return n


# --- The work every position holds (per government) ----------------------------------------


@dataclass
class Item:
    """One entry of a digest or reminder: a letter or disposition, where it opens, whether its
    subject may leave the app (R/SR: never), and its date (received, due or waiting since)."""

    kind: str
    position_id: int
    code: str
    path: str
    subject: str
    secret: bool
    at: object = None


@dataclass
class Section:
    count: int = 0
    items: list[Item] = field(default_factory=list)


SECTIONS = ("unread", "dispositions_due", "drafts", "to_dispose")


def _gov_positions(government) -> Q:
    return Q(position__agency__government=government)


def _top(qs, partition, order):
    """The first TOP_ITEMS rows of each partition, in one query: ROW_NUMBER() over the bare
    rows, their letters joined only to the few rows it keeps (joining the letter of each of
    the 260,000 unread rows of the bench first made it several times slower)."""
    ranked = (
        qs.annotate(rank=Window(RowNumber(), partition_by=partition, order_by=order))
        .filter(rank__lte=TOP_ITEMS)
        .values("pk")
    )
    return qs.model.objects.filter(pk__in=ranked)


def _counts(qs, position_field: str) -> dict[tuple[int, bool], int]:
    """Rows per (position, narrow): a delegate counts only the rows that are not R/SR.
    COUNT(*), not COUNT(id): the partial indexes hold the position and the class only, so
    PostgreSQL counts from the index alone instead of visiting 260,000 rows (bench/README.md)."""
    counts: dict[tuple[int, bool], int] = defaultdict(int)
    for pos, security, n in (
        qs.order_by().values_list(position_field, "security").annotate(n=Count("*"))
    ):
        counts[(pos, security in NARROW_SECURITY)] += n
    return counts


def _letter_path(code) -> str:
    return f"/letters/{code}/"


def _disposition_path(code) -> str:
    return f"/dispositions/{code}/"


def _newest_unread(government):
    """The TOP_ITEMS newest unread inbox rows of each position: for each position, its inbox
    index (position, -delivered_at, -id) read from the newest row until TOP_ITEMS unread ones
    are found — a few rows per position — instead of ranking every unread row of the
    government (260,000 in the bench, each a random read of the table). One query; the
    letters are joined to the rows it keeps only. A delegate's list leaves out the R/SR rows
    among them (so may show fewer; its count is right)."""
    unread = InboxEntry.objects.filter(position_id=OuterRef("pk"), read_at__isnull=True).order_by(
        "-delivered_at", "-pk"
    )
    nth = {f"top{i}": Subquery(unread.values("pk")[i : i + 1]) for i in range(TOP_ITEMS)}
    tops = Position.objects.filter(agency__government=government).annotate(**nth)
    ids = [pk for row in tops.values_list(*nth) for pk in row if pk is not None]
    return InboxEntry.objects.filter(pk__in=ids)


def _inbox_work(government, flag: Q, order) -> tuple[dict, list[Item]]:
    rows = InboxEntry.objects.filter(flag, _gov_positions(government))
    counts = _counts(rows, "position_id")
    if order is None:
        top = _newest_unread(government)
    else:
        top = _top(rows, [F("position_id"), F("security")], order)
    top = top.values_list(
        "position_id", "letter__code", "letter__subject", "security", "delivered_at"
    )
    return counts, [
        Item("", pos, str(code), _letter_path(code), subject, sec in NARROW_SECURITY, at)
        for pos, code, subject, sec, at in top
    ]


def _dispositions_due(government, today: datetime.date) -> tuple[dict, list[Item]]:
    rows = Disposition.objects.filter(
        to_position__agency__government=government, state__in=Disposition.OPEN_STATES,
        due_date__lte=today,
    )  # fmt: skip
    counts = _counts(rows, "to_position_id")
    top = _top(rows, [F("to_position_id"), F("security")], [F("due_date").asc(), F("pk").asc()])
    return counts, [
        Item("", pos, str(code), _disposition_path(code), subject, sec in NARROW_SECURITY, due)
        for pos, code, subject, sec, due in top.values_list(
            "to_position_id", "code", "letter__subject", "security", "due_date"
        )
    ]


@dataclass
class DraftWait:
    """A draft waiting for one position's paraf or signature, since `since`."""

    position_id: int
    letter_code: str
    subject: str
    secret: bool
    since: datetime.datetime
    role: str


def drafts_waiting(government) -> list[DraftWait]:
    """Every draft of the government waiting for a paraf, a signature or a co-signature, with
    the position it waits on and since when. Three queries (drafts in review or awaiting
    signature are few: they are the work in progress, not the archive)."""
    steps = ReviewStep.objects.filter(
        letter__government=government, letter__state=Letter.State.IN_REVIEW,
        state=ReviewStep.State.PENDING, round=F("letter__review_round"),
    ).annotate(since=_handover_at(OuterRef("letter_id"), "letter__updated_at"))  # fmt: skip
    waits = [
        DraftWait(pos, str(code), subject, sec in NARROW_SECURITY, at, Role.REVIEW)
        for pos, code, subject, sec, at in steps.values_list(
            "position_id", "letter__code", "letter__subject", "letter__security", "since"
        )
    ]
    signing = Letter.objects.filter(
        government=government, state=Letter.State.AWAITING_SIGNATURE, signed_at__isnull=True
    ).annotate(since=_handover_at(OuterRef("pk")))
    waits += [
        DraftWait(pos, str(code), subject, sec in NARROW_SECURITY, at, Role.SIGNATURE)
        for pos, code, subject, sec, at in signing.values_list(
            "signatory_position_id", "code", "subject", "security", "since"
        )
    ]
    cosign = CoSignatory.objects.filter(
        letter__government=government, letter__state=Letter.State.AWAITING_SIGNATURE,
        state=CoSignatory.State.PENDING,
    ).annotate(since=_handover_at(OuterRef("letter_id"), "letter__updated_at"))  # fmt: skip
    waits += [
        DraftWait(pos, str(code), subject, sec in NARROW_SECURITY, at, Role.COSIGNATURE)
        for pos, code, subject, sec, at in cosign.values_list(
            "position_id", "letter__code", "letter__subject", "letter__security", "since"
        )
    ]
    return waits


@dataclass
class PositionWork:
    """The digest's four sections for one position, the delegate's view apart."""

    counts: dict[str, dict[bool, int]] = field(default_factory=lambda: defaultdict(dict))
    items: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))


def work_by_position(government, today: datetime.date) -> dict[int, PositionWork]:
    """For every position of the government: unread letters, dispositions due today or
    overdue, drafts waiting for its paraf or signature, incoming letters it has not disposed —
    counted (split ordinary / R-SR) and the first items of each. Nine queries."""
    work: dict[int, PositionWork] = defaultdict(PositionWork)

    def add(section, counts, items):
        for (pos, narrow), n in counts.items():
            work[pos].counts[section][narrow] = work[pos].counts[section].get(narrow, 0) + n
        for item in items:
            item.kind = section
            work[item.position_id].items[section].append(item)

    oldest = [F("delivered_at").asc(), F("pk").asc()]
    add("unread", *_inbox_work(government, Q(read_at__isnull=True), None))
    add("dispositions_due", *_dispositions_due(government, today))
    drafts = sorted(drafts_waiting(government), key=lambda w: w.since)
    counts: dict[tuple[int, bool], int] = defaultdict(int)
    items = []
    shown: dict[int, int] = defaultdict(int)
    for w in drafts:
        counts[(w.position_id, w.secret)] += 1
        if shown[w.position_id] < TOP_ITEMS:
            shown[w.position_id] += 1
            items.append(Item("", w.position_id, w.letter_code, _letter_path(w.letter_code),
                              w.subject, w.secret, w.since))  # fmt: skip
    add("drafts", counts, items)
    add("to_dispose", *_inbox_work(government, Q(awaiting_disposal=True), oldest))
    return work


@dataclass
class Seat:
    position_id: int
    acting_as: str  # "" holder, plt/plh/pj, delegate


def seats_by_user(government, *, at=None) -> dict[int, list[Seat]]:
    """Every active user of the government and the positions they sit at now (holder, acting
    official, delegate). Two queries."""
    at = at or timezone.now()
    seats: dict[int, list[Seat]] = defaultdict(list)
    for pos, user in Position.objects.filter(
        agency__government=government, holder__isnull=False, holder__is_active=True
    ).values_list("pk", "holder_id"):
        seats[user].append(Seat(pos, ""))
    for pos, user, kind in (
        Assignment.objects.filter(Assignment.in_force(at), position__agency__government=government,
                                  user__is_active=True)
        .order_by("starts_at", "pk")
        .values_list("position_id", "user_id", "kind")
    ):  # fmt: skip
        if not any(s.position_id == pos for s in seats[user]):
            seats[user].append(Seat(pos, kind))
    return seats


# Sections a delegate's digest carries: what a delegate may read and prepare. Paraf, signature
# and a disposition's follow-up are the leader's.
DELEGATE_SECTIONS = ("unread", "to_dispose")


@dataclass
class Digest:
    """One official's morning digest: each section's count and first items."""

    user_id: int
    sections: dict[str, Section]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.sections.values())


def digests(government, today: datetime.date, *, at=None) -> list[Digest]:
    """The morning digest of every official of the government who has something to do; those
    with nothing to report are left out. A fixed number of queries (work_by_position and
    seats_by_user), whatever the number of officials."""
    work = work_by_position(government, today)
    result = []
    for user_id, seats in seats_by_user(government, at=at).items():
        sections = {name: Section() for name in SECTIONS}
        for seat in seats:
            pw = work.get(seat.position_id)
            if pw is None:
                continue
            delegate = seat.acting_as == Assignment.Kind.DELEGATE
            for name in DELEGATE_SECTIONS if delegate else SECTIONS:
                counts = pw.counts.get(name, {})
                sections[name].count += counts.get(False, 0) + (
                    0 if delegate else counts.get(True, 0)
                )
                sections[name].items += [
                    i for i in pw.items.get(name, []) if not (delegate and i.secret)
                ]
        for name, section in sections.items():
            # Unread letters newest first; what is due or waiting, the oldest first.
            section.items.sort(key=lambda i: i.at, reverse=name == "unread")
            section.items = section.items[:TOP_ITEMS]
        digest = Digest(user_id, sections)
        if digest.total:
            result.append(digest)
    return result


# --- Reminder and escalation candidates ------------------------------------------------------


@dataclass
class Reminder:
    """One message the reminders job sends today: to a position, about one item, keyed so that
    a second run the same day sends nothing new."""

    kind: str  # due_soon, due_today, overdue, escalation, draft_waiting, draft_escalation
    position_id: int
    key: str
    path: str
    subject: str
    secret: bool
    urgent: bool = False
    about_position_id: int | None = None  # escalations: whose item it is
    due_date: datetime.date | None = None
    disposition_id: int | None = None
    letter_code: str = ""
    days: int = 0  # drafts: the working days allowed before the reminder


def reminders(government, cal: Calendar, *, draft_wait_days: int) -> list[Reminder]:
    """Today's reminders and escalations for the government (`cal.today`, a working day).

    Dispositions (open: sent, read, reopened): the working day before the due date and on it,
    its recipient is reminded; from the first working day after the due date, the recipient is
    reminded and the superior position of the recipient (the giver when it has none) is told,
    once a day. Drafts waiting for a paraf or signature more than `draft_wait_days` working
    days: the waiting position is reminded; one working day later its superior is told, once a
    day. Keys are kind:object:date. Four queries and the calendar's one.
    """
    today = cal.today
    next_day = cal.shift(today, 1)
    out: list[Reminder] = []
    rows = Disposition.objects.filter(
        to_position__agency__government=government, state__in=Disposition.OPEN_STATES,
        due_date__lte=next_day,
    ).values_list("pk", "code", "to_position_id", "to_position__superior_id", "from_position_id",
                  "due_date", "security", "letter__subject")  # fmt: skip
    for pk, code, to_pos, superior, giver, due, security, subject in rows:
        common = dict(path=_disposition_path(code), subject=subject, due_date=due,
                      secret=security in NARROW_SECURITY, disposition_id=pk)  # fmt: skip
        if due > today:
            out.append(Reminder("due_soon", to_pos, f"due_soon:disposition:{code}:{today}",
                                **common))  # fmt: skip
        elif due == today:
            out.append(Reminder("due_today", to_pos, f"due_today:disposition:{code}:{today}",
                                **common))  # fmt: skip
        elif cal.working_days_after(due) >= 1:
            out.append(Reminder("overdue", to_pos, f"overdue:disposition:{code}:{today}",
                                **common))  # fmt: skip
            out.append(Reminder("escalation", superior or giver,
                                f"escalation:disposition:{code}:{today}",
                                about_position_id=to_pos, **common))  # fmt: skip
    superiors = dict(
        Position.objects.filter(agency__government=government, superior__isnull=False)
        .values_list("pk", "superior_id")
    )  # fmt: skip
    for w in drafts_waiting(government):
        waited = cal.working_days_after(timezone.localdate(w.since, government.zone))
        if waited <= draft_wait_days:
            continue
        common = dict(path=_letter_path(w.letter_code), subject=w.subject, secret=w.secret,
                      letter_code=w.letter_code, days=draft_wait_days)  # fmt: skip
        item = f"{w.letter_code}:{w.position_id}"
        out.append(Reminder("draft_waiting", w.position_id, f"draft_waiting:{item}:{today}",
                            **common))  # fmt: skip
        superior = superiors.get(w.position_id)
        if waited > draft_wait_days + 1 and superior:
            out.append(Reminder("draft_escalation", superior,
                                f"draft_escalation:{item}:{today}",
                                about_position_id=w.position_id, **common))  # fmt: skip
    return out
