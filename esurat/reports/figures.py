"""The evaluation figures of a period, for the whole city or a set of agencies (selectors: reads
only, no access check — the views ask esurat/reports/access.py first).

Every figure is one aggregate query (or, for a percentile on SQLite, a count and two rows: see
stats.py) bounded by the period's time range; none loads letters into Python. Definitions:

- Copies delivered electronically: inbox rows delivered in the period (by the sending agency)
  plus dispatch-book copies e-mailed; on paper: dispatch-book copies printed (the letter, not
  notices of revocation).
- Delivery to first read: inbox rows delivered in the period and read (by the recipient's
  agency). Delivery to disposition: first dispositions (not passed on from another one) sent in
  the period, from the giver's own inbox delivery of the letter.
- Dispositions due in the period (by the receiving agency): done by the end of their due day
  (in the government's zone), done later, or not done.
- Drafts signed in the period: time in review, from the last submission to the last paraf of
  that round (zero without reviewers); time in signature, from there to the main signature.
- Active officials: users with a position whose first request of a working day fell in the
  period (DailyActivity), and the share of them whose first request came before 09:00 local.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.dispositions.models import Disposition
from esurat.letters.models import InboxEntry, Letter, Recipient, ReviewStep
from esurat.lib.workdays import holidays_between, is_working_day
from esurat.organisations.models import Agency
from esurat.reports.models import DailyActivity, PageCount, PaperPrices
from esurat.reports.stats import Seconds, percentiles

EARLY_MINUTE = 9 * 60  # 09:00 local: the morning habit
HOUR = 3600.0


@dataclass(frozen=True)
class Period:
    """Local calendar days from `start` to `end` inclusive, in the government's zone."""

    start: datetime.date
    end: datetime.date
    zone: object

    @property
    def lo(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=self.zone)

    @property
    def hi(self) -> datetime.datetime:
        end = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(end, datetime.time.min, tzinfo=self.zone)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> "Period":
        """The period of the same length just before this one."""
        length = datetime.timedelta(days=self.days)
        return Period(self.start - length, self.start - datetime.timedelta(days=1), self.zone)

    def __str__(self) -> str:
        return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"


def default_period(government) -> Period:
    """The last 30 days up to today, in the government's zone."""
    today = government.today()
    return Period(today - datetime.timedelta(days=29), today, government.zone)


@dataclass
class Paper:
    """Paper and money saved, with the numbers its formula was computed from."""

    letters: int = 0
    uncounted: int = 0  # letters without a page count yet, counted as one page
    page_copies: int = 0  # Σ pages × (electronic copies + the file copy)
    envelopes: int = 0  # Σ electronic copies
    disposition_sheets: int = 0  # one printed sheet per act of disposing
    prices: object = None

    @property
    def sheets(self) -> int:
        return self.page_copies + self.disposition_sheets

    @property
    def reams(self) -> Decimal:
        return (Decimal(self.sheets) / self.prices.sheets_per_ream).quantize(Decimal("0.01"))

    @property
    def paper_cost(self) -> Decimal:
        return self.sheets * self.prices.per_sheet

    @property
    def toner_cost(self) -> Decimal:
        return self.sheets * self.prices.toner_per_page

    @property
    def envelope_cost(self) -> Decimal:
        return self.envelopes * self.prices.per_envelope

    @property
    def total(self) -> Decimal:
        return self.paper_cost + self.toner_cost + self.envelope_cost


@dataclass
class Figures:
    period: Period
    letters_sent: int = 0
    electronic: int = 0
    paper: int = 0
    delivered: int = 0
    read: int = 0
    read_p50: float | None = None  # hours
    read_p90: float | None = None
    disposed: int = 0
    dispose_p50: float | None = None
    dispose_p90: float | None = None
    due: int = 0
    on_time: int = 0
    late: int = 0
    signed: int = 0
    review_p50: float | None = None
    review_p90: float | None = None
    signature_p50: float | None = None
    signature_p90: float | None = None
    working_days: int = 0
    active_days: int = 0  # Σ over working days of the officials active that day
    early_days: int = 0
    daily: list = field(default_factory=list)  # (day, electronic, paper, active, early)
    paper_saved: Paper = field(default_factory=Paper)
    activity_by_day: dict = field(default_factory=dict)  # working day → (active, early)

    @property
    def is_empty(self) -> bool:
        return not (self.letters_sent or self.delivered or self.paper or self.due
                    or self.disposed or self.active_days)  # fmt: skip

    @property
    def electronic_share(self) -> float | None:
        total = self.electronic + self.paper
        return 100.0 * self.electronic / total if total else None

    @property
    def on_time_share(self) -> float | None:
        return 100.0 * self.on_time / self.due if self.due else None

    @property
    def active_per_day(self) -> float | None:
        return self.active_days / self.working_days if self.working_days else None

    @property
    def early_share(self) -> float | None:
        return 100.0 * self.early_days / self.active_days if self.active_days else None


def _in(field_name: str, agency_ids) -> Q:
    return Q() if agency_ids is None else Q(**{f"{field_name}__in": agency_ids})


def _hours(values):
    return [None if v is None else v / HOUR for v in values]


def prices_for(government) -> PaperPrices:
    """The government's prices, or the defaults when it has set none."""
    return PaperPrices.objects.filter(government=government).first() or PaperPrices(
        government=government
    )


def compute(government, period: Period, agency_ids=None, *, series=True) -> Figures:
    """The figures of `period` for the agencies `agency_ids` (None: the whole city)."""
    f = Figures(period=period)
    lo, hi = period.lo, period.hi
    sent = Letter.objects.filter(
        _in("agency_id", agency_ids), government=government, origin=Letter.Origin.DRAFTED,
        sent_at__gte=lo, sent_at__lt=hi,
    )  # fmt: skip
    f.letters_sent = sent.count()
    inbox = InboxEntry.objects.filter(
        _in("from_agency_id", agency_ids), delivered_at__gte=lo, delivered_at__lt=hi,
        from_agency__government=government,
    )  # fmt: skip
    book = Dispatch.objects.filter(
        _in("agency_id", agency_ids), agency__government=government,
        purpose=Dispatch.Purpose.LETTER, created_at__gte=lo, created_at__lt=hi,
    )  # fmt: skip
    copies = book.aggregate(
        email=Count("pk", filter=Q(method=Dispatch.Method.EMAIL)),
        paper=Count("pk", filter=Q(method=Dispatch.Method.PRINT)),
    )
    f.electronic = inbox.count() + copies["email"]
    f.paper = copies["paper"]

    received = InboxEntry.objects.filter(
        _in("position__agency_id", agency_ids), position__agency__government=government,
        delivered_at__gte=lo, delivered_at__lt=hi,
    )  # fmt: skip
    f.delivered = received.count()
    f.read, (f.read_p50, f.read_p90) = _hours_of(received, Seconds("read_at", "delivered_at"))

    delivered_to_giver = InboxEntry.objects.filter(
        letter=OuterRef("letter_id"), position=OuterRef("from_position_id")
    ).values("delivered_at")[:1]
    first = Disposition.objects.filter(
        _in("from_position__agency_id", agency_ids), from_position__agency__government=government,
        parent__isnull=True, sent_at__gte=lo, sent_at__lt=hi,
    ).exclude(state__in=(Disposition.State.PREPARED, Disposition.State.WITHDRAWN))  # fmt: skip
    f.disposed, (f.dispose_p50, f.dispose_p90) = _hours_of(
        first, Seconds("sent_at", Subquery(delivered_to_giver))
    )

    due = Disposition.objects.filter(
        _in("to_position__agency_id", agency_ids), to_position__agency__government=government,
        due_date__gte=period.start, due_date__lte=period.end,
    ).exclude(state__in=(Disposition.State.PREPARED, Disposition.State.WITHDRAWN))  # fmt: skip
    counts = due.annotate(done_on=TruncDate("done_at", tzinfo=period.zone)).aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(done_on__lte=F("due_date"))),
        late=Count("pk", filter=Q(done_on__gt=F("due_date"))),
    )
    f.due, f.on_time, f.late = counts["due"], counts["on_time"], counts["late"]

    _drafting(f, government, lo, hi, agency_ids)
    _activity(f, government, period, agency_ids)
    f.paper_saved = _paper(government, sent, lo, hi, agency_ids)
    if series:
        _series(f, inbox, book, period)
    return f


def _hours_of(queryset, expression):
    n, values = percentiles(queryset, expression)
    return n, _hours(values)


def _drafting(f: Figures, government, lo, hi, agency_ids) -> None:
    submitted = (
        AuditEvent.objects.filter(letter=OuterRef("pk"), action="letter.submitted")
        .order_by("-at")
        .values("at")[:1]
    )
    last_paraf = (
        ReviewStep.objects.filter(
            letter=OuterRef("pk"), round=OuterRef("review_round"), state=ReviewStep.State.APPROVED
        )
        .order_by("-acted_at")
        .values("acted_at")[:1]
    )
    signed = Letter.objects.filter(
        _in("agency_id", agency_ids), government=government, origin=Letter.Origin.DRAFTED,
        signed_at__gte=lo, signed_at__lt=hi,
    ).annotate(
        submitted_at=Subquery(submitted),
        reviewed_at=Coalesce(Subquery(last_paraf), Subquery(submitted)),
    )  # fmt: skip
    f.signed, (f.review_p50, f.review_p90) = _hours_of(
        signed, Seconds("reviewed_at", "submitted_at")
    )
    _n, (f.signature_p50, f.signature_p90) = _hours_of(signed, Seconds("signed_at", "reviewed_at"))


def _activity(f: Figures, government, period: Period, agency_ids) -> None:
    holidays = holidays_between(government, period.start, period.end)
    f.working_days = sum(
        is_working_day(period.start + datetime.timedelta(days=i), holidays)
        for i in range(period.days)
    )
    rows = (
        DailyActivity.objects.filter(
            _in("agency_id", agency_ids), government=government, agency__isnull=False,
            day__gte=period.start, day__lte=period.end,
        )
        .values("day")
        .annotate(n=Count("pk"), early=Count("pk", filter=Q(first_minute__lt=EARLY_MINUTE)))
        .order_by("day")
    )  # fmt: skip
    for row in rows:
        if is_working_day(row["day"], holidays):
            f.active_days += row["n"]
            f.early_days += row["early"]
            f.activity_by_day[row["day"]] = (row["n"], row["early"])


def _count_of(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("letter").annotate(n=Count("pk")).values("n")),
        Value(0),
        output_field=IntegerField(),
    )


def _paper(government, sent, lo, hi, agency_ids) -> Paper:
    """Σ over the letters sent of pages × copies, where copies = every addressee line in the
    system (TO and CC; "everyone in the government" is one copy per agency) + the copies e-mailed
    from the dispatch book + the file copy no longer printed; envelopes = copies − the file copy.
    One printed sheet per act of disposing (the lembar disposisi)."""
    agencies = Agency.objects.filter(government=government).count()
    lines = Recipient.objects.filter(letter=OuterRef("pk")).exclude(
        target__in=(Recipient.Target.EXTERNAL, Recipient.Target.GOVERNMENT_ALL)
    )
    broadcasts = Recipient.objects.filter(
        letter=OuterRef("pk"), target=Recipient.Target.GOVERNMENT_ALL
    )
    emailed = Dispatch.objects.filter(
        letter=OuterRef("pk"), purpose=Dispatch.Purpose.LETTER, method=Dispatch.Method.EMAIL
    )
    pages = PageCount.objects.filter(letter=OuterRef("pk")).values(
        n=F("letter_pages") + F("attachment_pages")
    )[:1]
    rows = sent.annotate(
        copies=_count_of(lines) + _count_of(broadcasts) * agencies + _count_of(emailed),
        pages=Coalesce(Subquery(pages), Value(1), output_field=IntegerField()),
        counted=Subquery(PageCount.objects.filter(letter=OuterRef("pk")).values("pk")[:1]),
    ).aggregate(
        letters=Count("pk"),
        uncounted=Count("pk", filter=Q(counted__isnull=True)),
        page_copies=Sum(F("pages") * (F("copies") + 1)),
        envelopes=Sum("copies"),
    )
    batches = (
        Disposition.objects.filter(
            _in("from_position__agency_id", agency_ids),
            from_position__agency__government=government, sent_at__gte=lo, sent_at__lt=hi,
        )
        .exclude(state__in=(Disposition.State.PREPARED, Disposition.State.WITHDRAWN))
        .aggregate(n=Count("batch", distinct=True))["n"]
    )  # fmt: skip
    return Paper(
        letters=rows["letters"], uncounted=rows["uncounted"],
        page_copies=rows["page_copies"] or 0, envelopes=rows["envelopes"] or 0,
        disposition_sheets=batches, prices=prices_for(government),
    )  # fmt: skip


def _series(f: Figures, inbox, book, period: Period) -> None:
    by_day = {}
    for row in (
        inbox.annotate(day=TruncDate("delivered_at", tzinfo=period.zone))
        .values("day").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        by_day.setdefault(row["day"], [0, 0])[0] += row["n"]
    for row in (
        book.annotate(day=TruncDate("created_at", tzinfo=period.zone))
        .values("day", "method").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        slot = 0 if row["method"] == Dispatch.Method.EMAIL else 1
        by_day.setdefault(row["day"], [0, 0])[slot] += row["n"]
    for i in range(period.days):
        day = period.start + datetime.timedelta(days=i)
        electronic, paper = by_day.get(day, (0, 0))
        active, early = f.activity_by_day.get(day, (None, None))
        f.daily.append((day, electronic, paper, active, early))


def ranking(government, period: Period, agency_ids=None) -> list[dict]:
    """Each agency's share of copies sent electronically and of dispositions done on time in the
    period, best first (three grouped queries)."""
    lo, hi = period.lo, period.hi
    agencies = Agency.objects.filter(_in("pk", agency_ids), government=government)
    rows = {a.pk: {"agency": a, "electronic": 0, "paper": 0, "due": 0, "on_time": 0}
            for a in agencies.only("pk", "short_name", "name")}  # fmt: skip
    for row in (
        InboxEntry.objects.filter(from_agency__in=rows, delivered_at__gte=lo, delivered_at__lt=hi)
        .values("from_agency_id").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        rows[row["from_agency_id"]]["electronic"] += row["n"]
    for row in (
        Dispatch.objects.filter(agency__in=rows, purpose=Dispatch.Purpose.LETTER,
                                created_at__gte=lo, created_at__lt=hi)
        .values("agency_id", "method").annotate(n=Count("pk")).order_by()
    ):  # fmt: skip
        slot = "electronic" if row["method"] == Dispatch.Method.EMAIL else "paper"
        rows[row["agency_id"]][slot] += row["n"]
    for row in (
        Disposition.objects.filter(to_position__agency__in=rows, due_date__gte=period.start,
                                   due_date__lte=period.end)
        .exclude(state__in=(Disposition.State.PREPARED, Disposition.State.WITHDRAWN))
        .annotate(done_on=TruncDate("done_at", tzinfo=period.zone))
        .values("to_position__agency_id")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(done_on__lte=F("due_date"))))
        .order_by()
    ):  # fmt: skip
        agency = rows[row["to_position__agency_id"]]
        agency["due"], agency["on_time"] = row["due"], row["on_time"]
    out = []
    for row in rows.values():
        total = row["electronic"] + row["paper"]
        row["electronic_share"] = 100.0 * row["electronic"] / total if total else None
        row["on_time_share"] = 100.0 * row["on_time"] / row["due"] if row["due"] else None
        out.append(row)
    out.sort(key=lambda r: (-(r["electronic_share"] or -1), -(r["on_time_share"] or -1),
                            r["agency"].short_name))  # fmt: skip
    return out
