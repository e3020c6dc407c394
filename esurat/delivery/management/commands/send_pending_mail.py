"""E-mail every dispatch that is due: new ones whose task was lost, retries, abandoned claims.

Run it from cron every few minutes, or in the worker's loop. Safe to run concurrently with the
worker and with itself: each row is claimed under a lock, and a sent row is never sent again.
"""

from django.core.management.base import BaseCommand

from esurat.delivery.mail import deliver_due


class Command(BaseCommand):
    help = "E-mail the letters to outside recipients that are due (new, to retry, abandoned)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200)

    def handle(self, *args, limit, **options):
        outcome = deliver_due(limit=limit)
        summary = ", ".join(f"{state}: {n}" for state, n in sorted(outcome.items())) or "none due"
        self.stdout.write(summary)
