"""Build the daily figures (DailyFigures) of a span of local days from the letters, dispositions,
dispatch book and activity: one grouped query per figure over the span, never one per day or
agency. Idempotent: the span's rows are replaced in one transaction.

Figures keep changing after their day: a letter delivered today may be read next week, a
disposition due today may be done later. `manage.py rollup_figures` rebuilds the last
REBUILD_DAYS days each run (cron, every few minutes) and `--since` rebuilds any span (backfill);
a read or a disposition done more than REBUILD_DAYS days after its day is counted once that span
is rebuilt.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.dispositions.models import Disposition
from esurat.letters.models import InboxEntry, Letter, Recipient, ReviewStep
from esurat.organisations.models import Agency
from esurat.reports.models import DailyActivity, DailyFigures, DurationSample, PageCount
from esurat.reports.stats import Seconds

REBUILD_DAYS = 14
EARLY_MINUTE = 9 * 60  # 09:00 local: the morning habit
NOT_GIVEN = (Disposition.State.PREPARED, Disposition.State.WITHDRAWN)


def _day(field: str, zone):
    return TruncDate(field, tzinfo=zone)


def _count_of(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("letter").annotate(n=Count("pk")).values("n")),
        Value(0),
        output_field=IntegerField(),
    )


@transaction.atomic
def build(government, start: datetime.date, end: datetime.date) -> int:
    """Replace the government's DailyFigures rows from `start` to `end` (local days, inclusive);
    the number of rows written."""
    from esurat.reports.figures import Period

    period = Period(start, end, government.zone)
    zone, lo, hi = period.zone, period.lo, period.hi
    rows = defaultdict(lambda: defaultdict(int))
    samples = defaultdict(lambda: defaultdict(list))

    def add(agency_id, day, **counts):
        for name, n in counts.items():
            rows[(agency_id, day)][name] += n or 0

    sent = Letter.objects.filter(government=government, origin=Letter.Origin.DRAFTED,
                                 sent_at__gte=lo, sent_at__lt=hi)  # fmt: skip
    for r in sent.values("agency_id", day=_day("sent_at", zone)).annotate(n=Count("pk")).order_by():
        add(r["agency_id"], r["day"], letters_sent=r["n"])
    inbox = InboxEntry.objects.filter(
        from_agency__government=government, delivered_at__gte=lo, delivered_at__lt=hi
    )
    for r in (inbox.values("from_agency_id", day=_day("delivered_at", zone))
              .annotate(n=Count("pk")).order_by()):  # fmt: skip
        add(r["from_agency_id"], r["day"], inbox_copies=r["n"])
    book = Dispatch.objects.filter(agency__government=government, purpose=Dispatch.Purpose.LETTER,
                                   created_at__gte=lo, created_at__lt=hi)  # fmt: skip
    for r in (book.values("agency_id", "method", day=_day("created_at", zone))
              .annotate(n=Count("pk")).order_by()):  # fmt: skip
        name = "email_copies" if r["method"] == Dispatch.Method.EMAIL else "paper_copies"
        add(r["agency_id"], r["day"], **{name: r["n"]})

    received = InboxEntry.objects.filter(
        position__agency__government=government, delivered_at__gte=lo, delivered_at__lt=hi
    ).values_list("position__agency_id", _day("delivered_at", zone),
                  Seconds("read_at", "delivered_at"))  # fmt: skip
    for agency_id, day, seconds in received.iterator(chunk_size=5000):
        add(agency_id, day, delivered=1)
        if seconds is not None:
            add(agency_id, day, read=1)
            samples[(agency_id, day)]["read"].append(int(seconds))

    delivered_to_giver = InboxEntry.objects.filter(
        letter=OuterRef("letter_id"), position=OuterRef("from_position_id")
    ).values("delivered_at")[:1]
    given = Disposition.objects.filter(
        from_position__agency__government=government, sent_at__gte=lo, sent_at__lt=hi
    ).exclude(state__in=NOT_GIVEN)
    for r in (given.values("from_position__agency_id", day=_day("sent_at", zone))
              .annotate(n=Count("batch", distinct=True)).order_by()):  # fmt: skip
        add(r["from_position__agency_id"], r["day"], disposition_sheets=r["n"])
    first = given.filter(parent__isnull=True).values_list(
        "from_position__agency_id",
        _day("sent_at", zone),
        Seconds("sent_at", Subquery(delivered_to_giver)),
    )
    for agency_id, day, seconds in first.iterator(chunk_size=5000):
        if seconds is not None:
            add(agency_id, day, disposed=1)
            samples[(agency_id, day)]["dispose"].append(int(seconds))

    due = (
        Disposition.objects.filter(to_position__agency__government=government,
                                   due_date__gte=start, due_date__lte=end)
        .exclude(state__in=NOT_GIVEN)
        .annotate(done_on=_day("done_at", zone))
        .values("to_position__agency_id", "due_date")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(done_on__lte=F("due_date"))),
                  late=Count("pk", filter=Q(done_on__gt=F("due_date"))))
        .order_by()
    )  # fmt: skip
    for r in due:
        add(r["to_position__agency_id"], r["due_date"], due=r["due"], on_time=r["on_time"],
            late=r["late"])  # fmt: skip

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
        government=government, origin=Letter.Origin.DRAFTED, signed_at__gte=lo, signed_at__lt=hi
    ).annotate(submitted_at=Subquery(submitted),
               reviewed_at=Coalesce(Subquery(last_paraf), Subquery(submitted)))  # fmt: skip
    for agency_id, day, review, signature in signed.values_list(
        "agency_id", _day("signed_at", zone), Seconds("reviewed_at", "submitted_at"),
        Seconds("signed_at", "reviewed_at"),
    ).iterator(chunk_size=5000):  # fmt: skip
        add(agency_id, day, signed=1)
        if review is not None:
            samples[(agency_id, day)]["review"].append(int(review))
        if signature is not None:
            samples[(agency_id, day)]["signature"].append(int(signature))

    for r in (DailyActivity.objects.filter(government=government, agency__isnull=False,
                                           day__gte=start, day__lte=end)
              .values("agency_id", "day")
              .annotate(n=Count("pk"), early=Count("pk", filter=Q(first_minute__lt=EARLY_MINUTE)))
              .order_by()):  # fmt: skip
        add(r["agency_id"], r["day"], active=r["n"], early=r["early"])

    _paper(government, sent, zone, add)

    DailyFigures.objects.filter(government=government, day__gte=start, day__lte=end).delete()
    DurationSample.objects.filter(government=government, day__gte=start, day__lte=end).delete()
    now = timezone.now()
    DailyFigures.objects.bulk_create(
        [DailyFigures(government=government, agency_id=agency_id, day=day, built_at=now, **counts)
         for (agency_id, day), counts in rows.items()],
        batch_size=1000,
    )  # fmt: skip
    DurationSample.objects.bulk_create(
        (DurationSample(government=government, agency_id=agency_id, day=day, measure=measure,
                        seconds=max(seconds, 0))
         for (agency_id, day), measures in samples.items()
         for measure, values in measures.items() for seconds in values),
        batch_size=5000,
    )  # fmt: skip
    return len(rows)


def _paper(government, sent, zone, add) -> None:
    """Per letter sent: pages × (copies + the file copy), where copies = every addressee line in
    the system (TO and CC; "everyone in the government" is one copy per agency) + the copies
    e-mailed from the dispatch book; envelopes = copies. A letter without a page count is one
    page, and counted as such (`uncounted`)."""
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
    per_letter = sent.annotate(
        copies=_count_of(lines) + _count_of(broadcasts) * agencies + _count_of(emailed),
        pages=Coalesce(Subquery(pages), Value(1), output_field=IntegerField()),
        counted=Subquery(PageCount.objects.filter(letter=OuterRef("pk")).values("pk")[:1]),
    )
    for r in (per_letter.values("agency_id", day=_day("sent_at", zone))
              .annotate(page_copies=Sum(F("pages") * (F("copies") + 1)), envelopes=Sum("copies"),
                        uncounted=Count("pk", filter=Q(counted__isnull=True)))
              .order_by()):  # fmt: skip
        add(r["agency_id"], r["day"], page_copies=r["page_copies"], envelopes=r["envelopes"],
            uncounted=r["uncounted"])  # fmt: skip


def refresh(government, *, since: datetime.date | None = None, chunk: int = 31) -> int:
    """Rebuild the government's daily rows from `since` (default: the last REBUILD_DAYS local
    days) to today, `chunk` days per transaction; the number of rows written. Called by
    `manage.py rollup_figures` and, every ten minutes, by the reminders' scheduler."""
    today = government.today()
    start = since or today - datetime.timedelta(days=REBUILD_DAYS - 1)
    written = 0
    while start <= today:
        end = min(start + datetime.timedelta(days=chunk - 1), today)
        written += build(government, start, end)
        start = end + datetime.timedelta(days=1)
    return written
