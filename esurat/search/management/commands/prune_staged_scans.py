"""Delete scans staged by registration forms that were never submitted (run daily)."""

import datetime

from django.core.management.base import BaseCommand

from esurat.letters.scans import prune_staged


class Command(BaseCommand):
    help = "Delete staged incoming-letter scans older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours, **options):
        removed = prune_staged(older_than=datetime.timedelta(hours=hours))
        self.stdout.write(f"{removed} staged scan(s) deleted")
