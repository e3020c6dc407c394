"""The evaluation dashboard (esurat/reports) against the seeded city (bench/README.md).

    createdb -h 127.0.0.1 -U postgres -T esurat_bench_base esurat_bench_me
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_me python manage.py migrate
    DATABASE_URL=… python bench/seed_dispositions.py        # optional: dispositions to measure
    DATABASE_URL=… python bench/dashboard.py --prepare      # writes to the copy, see below
    DATABASE_URL=… python bench/dashboard.py [--explain]

--prepare WRITES to the database (use a copy): it grants the government-admin role to one user,
records a first activity per official and working day for the last 90 days (DailyActivity, as
the middleware would have), and a page count for 80 % of the letters sent in that time (as
`manage.py count_pages` would have; the seed has no PDF bytes to count). Without --prepare it
only reads: the figures of the last 30 days (esurat.reports.figures.compute) for the city and
for the busiest agency, the whole evaluation (two periods, ranking, trial groups), and the
dashboard page, its XLSX and a registry book through django.test.Client. Times are wall clock.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from esurat.accounts.models import Role, User  # noqa: E402
from esurat.letters.models import Letter  # noqa: E402
from esurat.organisations.models import Government, Position  # noqa: E402
from esurat.reports.access import Scope  # noqa: E402
from esurat.reports.evaluation import evaluation  # noqa: E402
from esurat.reports.figures import compute, default_period  # noqa: E402
from esurat.reports.models import DailyActivity, PageCount  # noqa: E402


def ms(seconds: float) -> float:
    return seconds * 1000


def timed(fn, repeat: int):
    samples, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            samples.append(ms(time.perf_counter() - started))
        queries = len(ctx.captured_queries)
    return result, samples, queries


def line(label: str, samples, queries) -> None:
    print(f"  {label:<46} p50 {statistics.median(samples):8.1f} ms  max {max(samples):8.1f} ms"
          f"  {queries} queries", flush=True)  # fmt: skip


@transaction.atomic
def prepare(government) -> None:
    admin = User.objects.filter(government=government).order_by("pk").first()
    Role.objects.get_or_create(user=admin, kind=Role.Kind.GOVERNMENT_ADMIN, agency=None)
    rng = random.Random(11)
    today = government.today()
    officials = list(
        Position.objects.filter(agency__government=government, holder__isnull=False)
        .values_list("holder_id", "agency_id").distinct()
    )  # fmt: skip
    rows, seen = [], set()
    for back in range(90):
        day = today - datetime.timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for user_id, agency_id in officials:
            if (user_id, day) in seen or rng.random() > 0.8:
                continue
            seen.add((user_id, day))
            minute = int(rng.gauss(8 * 60 + 40, 45)) % 1440
            local = datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60),
                                              tzinfo=government.zone)  # fmt: skip
            rows.append(DailyActivity(user_id=user_id, government=government, agency_id=agency_id,
                                      day=day, first_at=local, first_minute=minute))  # fmt: skip
    DailyActivity.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    since = timezone.now() - datetime.timedelta(days=90)
    letters = Letter.objects.filter(government=government, sent_at__gte=since,
                                    origin=Letter.Origin.DRAFTED).values_list("pk", flat=True)  # fmt: skip
    now = timezone.now()
    counts = [PageCount(letter_id=pk, letter_pages=rng.choice((1, 1, 2, 2, 3)),
                        attachment_pages=rng.choice((0, 0, 1, 4)), counted_at=now)
              for pk in letters if rng.random() < 0.8]  # fmt: skip
    PageCount.objects.bulk_create(counts, batch_size=5000, ignore_conflicts=True)
    print(f"prepared: admin {admin.username}, {len(rows)} activity rows, "
          f"{len(counts)} page counts", flush=True)  # fmt: skip


def explain(government, period) -> None:
    """Each query of the city's figures with its time, and EXPLAIN ANALYZE of those over 50 ms."""
    with CaptureQueriesContext(connection) as ctx:
        compute(government, period)
    with connection.cursor() as cursor:
        for q in ctx.captured_queries:
            print(f"{float(q['time']) * 1000:9.1f} ms  {q['sql'][:160]}", flush=True)
            if float(q["time"]) > 0.05:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                print("\n".join(r[0] for r in cursor.fetchall()), "\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepare", action="store_true", help="write the activity and pages")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/dashboard.py needs the seeded PostgreSQL database (DATABASE_URL).")
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    # Pages link static files by their plain names: no `collectstatic` needed for a timing.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    government = Government.objects.order_by("pk").first()
    if args.prepare:
        prepare(government)
        return
    letters = Letter.objects.count()
    period = default_period(government)
    print(f"database: {letters} letters; period {period}; PostgreSQL {connection.pg_version}; "
          f"{os.cpu_count()} CPUs", flush=True)  # fmt: skip
    if args.explain:
        explain(government, period)
        return
    busiest = (
        Letter.objects.filter(sent_at__gte=period.lo).values("agency_id")
        .annotate(n=Count("pk")).order_by("-n").first()
    )  # fmt: skip
    print("== Figures (selectors, last 30 days)")
    f, samples, queries = timed(lambda: compute(government, period), args.repeat)
    line("city", samples, queries)
    print(f"    {f.letters_sent} letters sent, {f.electronic} electronic copies, {f.delivered} "
          f"delivered, {f.due} dispositions due, {f.active_days} active official-days")  # fmt: skip
    _f, samples, queries = timed(lambda: compute(government, period, [busiest["agency_id"]]),
                                 args.repeat)  # fmt: skip
    line(f"busiest agency ({busiest['n']} letters)", samples, queries)
    scope = Scope(government, True, frozenset())
    _ev, samples, queries = timed(lambda: evaluation(scope, None, period, period.before()),
                                  args.repeat)  # fmt: skip
    line("whole evaluation (2 periods, ranking, groups)", samples, queries)
    print("== Through django.test.Client (middleware, session, template)")
    admin = Role.objects.filter(kind=Role.Kind.GOVERNMENT_ADMIN).first()
    if admin is None:
        sys.exit("run --prepare first (it grants the government-admin role)")
    client = Client()
    client.force_login(admin.user)
    for label, url in (("GET /reports/", "/reports/"),
                       ("GET /reports/evaluation.xlsx", "/reports/evaluation.xlsx")):  # fmt: skip
        response, samples, queries = timed(lambda url=url: client.get(url), args.repeat)
        line(f"{label} [{response.status_code}]", samples, queries)
    clerk = Role.objects.filter(kind=Role.Kind.CLERK).select_related("agency").first()
    client.force_login(clerk.user)
    query = (f"?book=agenda_in&start={period.start}&end={period.end}&paper=A4"
             f"&agency={clerk.agency.code}")  # fmt: skip
    for fmt in ("xlsx", "pdf"):
        response, samples, queries = timed(
            lambda fmt=fmt: client.get(f"/reports/books/export.{fmt}{query}"), 2
        )
        line(f"book agenda_in .{fmt} [{response.status_code}]", samples, queries)


if __name__ == "__main__":
    main()
