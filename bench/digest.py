"""The 07:00 morning digest at the size of a real government (bench/README.md, issue 10).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_NAME \
        python bench/digest.py [--runs 3] [--fan-out 200] [--keep]

Against the database of bench/seed.py (+ seed_dispositions.py): what the scheduler does at 07:00
for the government, timed in two steps —

1. build: `esurat.reminders.selectors.digests` — every official's four sections (unread letters,
   dispositions due today or overdue, drafts waiting for their paraf or signature, incoming
   letters not disposed), counts and first items, in a fixed number of queries;
2. build and enqueue: `esurat.reminders.jobs.send_digests` — the same, enqueued 500 digests to a
   `deliver_digests` task in the django-tasks-db queue (what the scheduler's pass does).

`--worker` then does in this process what `db_worker` does next, for the first task: each of its
500 digests' text and one-tap links and `notify()` call (each enqueues one `fan_out` task), then
those 500 `fan_out`s (the notification rows of each official's channels) — the worker's cost per
official. The queued
tasks and the rows they made are deleted at the end unless `--keep`. Wall clock, CPU of this
process and query counts are printed per run.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from esurat.organisations.models import Government  # noqa: E402
from esurat.reminders.jobs import send_digests  # noqa: E402
from esurat.reminders.selectors import Calendar, digests  # noqa: E402


def _timed(fn):
    cpu, wall = time.process_time(), time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help="run the first task in-process")
    parser.add_argument("--keep", action="store_true", help="keep the queued tasks and rows")
    args = parser.parse_args()

    from django_tasks_db.models import DBTaskResult

    from esurat.notifications.models import Notification

    gov = Government.objects.order_by("pk").first()
    today = gov.today()
    cal = Calendar.around(gov, today)
    started = timezone.now()
    print(f"{gov} — digest of {today} ({'working day' if cal.is_working(today) else 'day off'})")
    for run in range(1, args.runs + 1):
        found, wall, cpu, n = _timed(lambda: digests(gov, today))
        sections = {name: sum(1 for d in found if d.sections[name].count)
                    for name in found[0].sections} if found else {}  # fmt: skip
        print(f"run {run} build:             {wall:6.1f} s wall, {cpu:6.1f} s CPU, {n:3d} queries,"
              f" {len(found):,} officials with a digest {sections}")  # fmt: skip
        sent, wall, cpu, n = _timed(lambda: send_digests(gov, cal))
        queued = DBTaskResult.objects.filter(enqueued_at__gte=started).count()
        print(f"run {run} build and enqueue: {wall:6.1f} s wall, {cpu:6.1f} s CPU, {n:3d} queries,"
              f" {sent:,} digests enqueued, {queued:,} tasks queued so far")  # fmt: skip
    if args.worker:
        from esurat.notifications.dispatch import make_rows
        from esurat.reminders.tasks import deliver_digests

        task_args = (
            DBTaskResult.objects.filter(enqueued_at__gte=started,
                                        task_path__endswith="deliver_digests")
            .order_by("enqueued_at").values_list("args_kwargs", flat=True).first()
        )["args"]  # fmt: skip
        marker = timezone.now()
        handed, wall, cpu, n = _timed(lambda: deliver_digests.func(*task_args))
        print(f"worker: deliver_digests of {handed} digests: {wall:6.2f} s wall, {cpu:6.2f} s CPU,"
              f" {n} queries")  # fmt: skip
        events = [
            t["args"][0]
            for t in DBTaskResult.objects.filter(enqueued_at__gte=marker,
                                                 task_path__endswith="fan_out")
            .values_list("args_kwargs", flat=True)
        ]  # fmt: skip
        rows, wall, cpu, n = _timed(lambda: sum(make_rows(e) for e in events))
        print(f"worker: fan_out of {len(events)} digests: {wall:6.2f} s wall, {cpu:6.2f} s CPU,"
              f" {n} queries, {rows} outside rows;"
              f" {1000 * wall / max(len(events), 1):.1f} ms per official")  # fmt: skip
    if not args.keep:
        DBTaskResult.objects.filter(enqueued_at__gte=started).delete()
        Notification.objects.filter(kind="digest", created_at__gte=started).delete()


if __name__ == "__main__":
    main()
