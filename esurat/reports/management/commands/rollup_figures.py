"""Rebuild the daily evaluation figures (esurat.reports.DailyFigures): the last days by default
(run it from cron every few minutes), or a span (backfill). Safe to run again."""

import datetime

from django.core.management.base import BaseCommand

from esurat.organisations.models import Government
from esurat.reports.rollup import refresh


class Command(BaseCommand):
    help = "Rebuild the daily figures of the evaluation dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat,
                            help="rebuild from this local day (YYYY-MM-DD) to today")  # fmt: skip
        parser.add_argument("--chunk", type=int, default=31, help="days per transaction")

    def handle(self, *args, **options):
        for government in Government.objects.order_by("pk"):
            written = refresh(government, since=options["since"], chunk=options["chunk"])
            self.stdout.write(f"{government}: {written} daily rows")
