"""Rebuild the daily evaluation figures (esurat.reports.DailyFigures): the last days by default
(run it from cron every few minutes), or a span (backfill). Safe to run again."""

import datetime

from django.core.management.base import BaseCommand

from esurat.organisations.models import Government
from esurat.reports.rollup import REBUILD_DAYS, build


class Command(BaseCommand):
    help = "Rebuild the daily figures of the evaluation dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat,
                            help="rebuild from this local day (YYYY-MM-DD) to today")  # fmt: skip
        parser.add_argument("--chunk", type=int, default=31, help="days per transaction")

    def handle(self, *args, **options):
        for government in Government.objects.order_by("pk"):
            today = government.today()
            start = options["since"] or today - datetime.timedelta(days=REBUILD_DAYS - 1)
            written = 0
            while start <= today:
                end = min(start + datetime.timedelta(days=options["chunk"] - 1), today)
                written += build(government, start, end)
                start = end + datetime.timedelta(days=1)
            self.stdout.write(f"{government}: {written} daily rows")
