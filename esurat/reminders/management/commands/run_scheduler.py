"""`manage.py run_scheduler`: the digest and reminders, beside the worker.

Without options it loops, waking at the start of each minute; `--once` runs one pass (for
cron: `* * * * * manage.py run_scheduler --once`). Each pass runs every job that is due for each
government and not yet run that local day (a database row per government, job and date: two
schedulers, a repeated run or a changed clock or time zone never run a job twice for a day),
then hands the due notifications (retries, the end of quiet hours) to their channels. Every ten
minutes (and at its first pass) it also refreshes the evaluation dashboard's daily figures
(`esurat.reports.rollup.refresh`, the last days), so `make run` needs no cron for them.
"""

import datetime
import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from esurat.reminders.jobs import refresh_figures, resend_due, run_due_jobs

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the morning digest and the reminders when due (loop, or --once for cron)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--at",
            type=datetime.datetime.fromisoformat,
            help="Run the pass as if it were this moment (ISO 8601 with its offset); with "
            "--once, to catch up a missed day or to test.",
        )

    _refreshed = False

    def handle(self, *args, once=False, at=None, **options):
        if at is not None and timezone.is_naive(at):
            self.stderr.write("--at needs a time zone offset, e.g. 2026-12-07T07:00+08:00")
            return
        if once or at is not None:
            self._pass(at)
            return
        # SIGTERM (systemd, make run's trap) ends the loop as Ctrl-C does, even mid-sleep.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        self.stdout.write("scheduler: running each minute (Ctrl-C stops it)")
        try:
            while True:
                close_old_connections()
                self._pass(None)
                if time.time() // 60 % 10 == 0 or not self._refreshed:
                    self._refreshed = refresh_figures()
                time.sleep(60 - time.time() % 60)
        except KeyboardInterrupt:
            # `make run` signals again on its way out: a second signal must not interrupt the exit.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self.stdout.write("scheduler: stopped")

    def _pass(self, at):
        for run in run_due_jobs(now=at):
            self.stdout.write(
                f"{run.government_id} {run.job} {run.local_date}: {run.state}, {run.sent} sent"
            )
        try:
            resend_due()
        except Exception:  # a channel's fault never stops the scheduler's own jobs
            logger.exception("re-sending due notifications failed")
