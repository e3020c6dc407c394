"""Send every notification that is due: new ones whose task was lost, retries, messages held
for quiet hours, claims abandoned by a dead worker; and link the Telegram chats that sent the bot
their one-time code.

Run it every minute (cron, or the scheduler of esurat.reminders), or with --loop beside the
worker. Safe to run concurrently with the worker and with itself: each row is claimed by one
conditional UPDATE, and a sent row is never sent again.
"""

import time

from django.core.management.base import BaseCommand

from esurat.notifications.sending import send_due_and_link


class Command(BaseCommand):
    help = "Send the notifications that are due (new, to retry, released after quiet hours)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--loop", type=float, default=0,
                            help="Run again every this many seconds (0: once)")  # fmt: skip

    def handle(self, *args, limit, loop, **options):
        while True:
            self.stdout.write(send_due_and_link(limit))
            if not loop:
                return
            time.sleep(loop)
