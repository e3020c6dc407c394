"""Delete scans staged by registration forms that were never submitted, and scans uploaded first
(scan first) that were never registered within SCAN_UPLOAD_DAYS (run daily)."""

import datetime

from django.core.management.base import BaseCommand

from esurat.letters.incoming import prune_incoming_scans, upload_days
from esurat.letters.scans import prune_staged


class Command(BaseCommand):
    help = "Delete staged incoming-letter scans older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args, hours, **options):
        removed = prune_staged(older_than=datetime.timedelta(hours=hours))
        self.stdout.write(f"{removed} staged scan(s) deleted")
        days = upload_days()
        removed = prune_incoming_scans(older_than=datetime.timedelta(days=days))
        self.stdout.write(f"{removed} uploaded scan(s) not registered within {days} days deleted")
