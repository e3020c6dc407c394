"""The evaluation figures of a period, for the whole city or a set of agencies (selectors: reads
only, no access check — the views ask esurat/reports/access.py first).

The figures are sums of the daily rows (DailyFigures, built by rollup.py from the letters,
dispositions, dispatch book and activity): two queries over at most a year × the agencies, none
over the letters themselves, so a period costs the same at a thousand letters or a million.
Medians and p90 are computed from the exact durations the rows keep, with percentile_cont's
definition (linear interpolation at rank p × (n − 1)), the same on PostgreSQL and SQLite.
Definitions:

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
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import Count, Max, Q, Sum

from esurat.lib.workdays import holidays_between, is_working_day
from esurat.organisations.models import Agency
from esurat.reports.models import DailyFigures, DurationSample, PaperPrices
from esurat.reports.stats import PercentileCont

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
    built_at: datetime.datetime | None = None  # when the newest daily row was built

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


COUNTS = ("letters_sent", "inbox_copies", "email_copies", "paper_copies", "delivered", "read",
          "disposed", "due", "on_time", "late", "signed", "page_copies", "envelopes",
          "uncounted", "disposition_sheets")  # fmt: skip


def _in(field_name: str, agency_ids) -> Q:
    return Q() if agency_ids is None else Q(**{f"{field_name}__in": agency_ids})


MEASURES = ("read", "dispose", "review", "signature")


def duration_percentiles(samples) -> dict[str, tuple[float | None, float | None]]:
    """The median and p90 (hours) of each measure of the DurationSample rows `samples`:
    percentile_cont on PostgreSQL; on SQLite, which has none, the same definition (linear
    interpolation at rank p × (n − 1)) from at most two rows of the ordered samples."""
    out = dict.fromkeys(MEASURES, (None, None))
    by_measure = samples.values("measure").order_by()
    if connections[samples.db].vendor == "postgresql":
        for r in by_measure.annotate(p50=PercentileCont("seconds", 0.5),
                                     p90=PercentileCont("seconds", 0.9)):  # fmt: skip
            out[r["measure"]] = (r["p50"] / HOUR, r["p90"] / HOUR)
        return out
    for r in by_measure.annotate(n=Count("pk")):
        ordered = samples.filter(measure=r["measure"]).order_by("seconds")
        values = []
        for fraction in (0.5, 0.9):
            position = fraction * (r["n"] - 1)
            low = math.floor(position)
            pair = list(ordered.values_list("seconds", flat=True)[low : low + 2])
            high = pair[1] if len(pair) > 1 else pair[0]
            values.append((pair[0] + (high - pair[0]) * (position - low)) / HOUR)
        out[r["measure"]] = tuple(values)
    return out


def prices_for(government) -> PaperPrices:
    """The government's prices, or the defaults when it has set none."""
    return PaperPrices.objects.filter(government=government).first() or PaperPrices(
        government=government
    )


def compute(government, period: Period, agency_ids=None, *, series=True) -> Figures:
    """The figures of `period` for the agencies `agency_ids` (None: the whole city), from the
    daily rows: one query for the sums per day, one for the durations."""
    f = Figures(period=period)
    rows = DailyFigures.objects.filter(
        _in("agency_id", agency_ids), government=government,
        day__gte=period.start, day__lte=period.end,
    )  # fmt: skip
    by_day = {
        r["day"]: r
        for r in rows.values("day").annotate(
            built=Max("built_at"), active=Sum("active"), early=Sum("early"),
            **{name: Sum(name) for name in COUNTS},
        ).order_by("day")
    }  # fmt: skip
    totals = dict.fromkeys(COUNTS, 0)
    for r in by_day.values():
        for name in COUNTS:
            totals[name] += r[name] or 0
    f.built_at = max((r["built"] for r in by_day.values()), default=None)
    f.letters_sent, f.delivered, f.read = (
        totals["letters_sent"],
        totals["delivered"],
        totals["read"],
    )
    f.electronic = totals["inbox_copies"] + totals["email_copies"]
    f.paper = totals["paper_copies"]
    f.disposed, f.due = totals["disposed"], totals["due"]
    f.on_time, f.late, f.signed = totals["on_time"], totals["late"], totals["signed"]
    hours = duration_percentiles(DurationSample.objects.filter(
        _in("agency_id", agency_ids), government=government,
        day__gte=period.start, day__lte=period.end,
    ))  # fmt: skip
    f.read_p50, f.read_p90 = hours["read"]
    f.dispose_p50, f.dispose_p90 = hours["dispose"]
    f.review_p50, f.review_p90 = hours["review"]
    f.signature_p50, f.signature_p90 = hours["signature"]

    holidays = holidays_between(government, period.start, period.end)
    for i in range(period.days):
        day = period.start + datetime.timedelta(days=i)
        r = by_day.get(day)
        working = is_working_day(day, holidays)
        f.working_days += working
        active = early = None
        if working and r and r["active"]:
            active, early = r["active"], r["early"]
            f.active_days += active
            f.early_days += early
        if series:
            electronic = (r["inbox_copies"] + r["email_copies"]) if r else 0
            f.daily.append((day, electronic, r["paper_copies"] if r else 0, active, early))
    f.paper_saved = Paper(
        letters=f.letters_sent, uncounted=totals["uncounted"],
        page_copies=totals["page_copies"], envelopes=totals["envelopes"],
        disposition_sheets=totals["disposition_sheets"], prices=prices_for(government),
    )  # fmt: skip
    return f


def ranking(government, period: Period, agency_ids=None) -> list[dict]:
    """Each agency's share of copies sent electronically and of dispositions done on time in the
    period, best first (one grouped query over the daily rows)."""
    agencies = Agency.objects.filter(_in("pk", agency_ids), government=government)
    rows = {a.pk: {"agency": a, "electronic": 0, "paper": 0, "due": 0, "on_time": 0}
            for a in agencies.only("pk", "short_name", "name")}  # fmt: skip
    sums = (
        DailyFigures.objects.filter(agency__in=rows, day__gte=period.start, day__lte=period.end)
        .values("agency_id")
        .annotate(inbox=Sum("inbox_copies"), email=Sum("email_copies"),
                  paper=Sum("paper_copies"), due=Sum("due"), on_time=Sum("on_time"))
        .order_by()
    )  # fmt: skip
    for r in sums:
        row = rows[r["agency_id"]]
        row["electronic"] = r["inbox"] + r["email"]
        row["paper"], row["due"], row["on_time"] = r["paper"], r["due"], r["on_time"]
    out = []
    for row in rows.values():
        total = row["electronic"] + row["paper"]
        row["electronic_share"] = 100.0 * row["electronic"] / total if total else None
        row["on_time_share"] = 100.0 * row["on_time"] / row["due"] if row["due"] else None
        out.append(row)
    out.sort(key=lambda r: (-(r["electronic_share"] or -1), -(r["on_time_share"] or -1),
                            r["agency"].short_name))  # fmt: skip
    return out
