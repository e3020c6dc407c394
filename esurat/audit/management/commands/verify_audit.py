"""Check the audit trail: recompute every event's hash, chain by chain, and compare each chain
head with its last event. Exit 0 and the figures when all is intact; exit 1 naming the first
broken event of each broken chain otherwise. Reads only; safe while the application runs.

    manage.py verify_audit             every event of every government
    manage.py verify_audit --tail 1000 the last 1,000 events of each chain (what /healthz checks)
"""

import time

from django.core.management.base import BaseCommand, CommandError

from esurat.audit.actions import check_chain
from esurat.audit.models import AuditEvent
from esurat.organisations.models import Government

PROBLEMS = {
    "missing": "the event with this seq is missing",
    "prev_hash": "its prev_hash is not the hash of the event before it",
    "hash": "its content does not match its hash (changed after it was written)",
    "head": "the chain head does not point at the last event",
}


class Command(BaseCommand):
    help = "Verify the hash chains of the audit trail; exit 1 on a break."

    def add_arguments(self, parser):
        parser.add_argument("--tail", type=int, default=None,
                            help="check only the last N events of each chain")  # fmt: skip

    def handle(self, *args, tail=None, **options):
        started = time.monotonic()
        broken, checked, chains = [], 0, 0
        for government in Government.objects.order_by("pk"):
            found = check_chain(government, tail=tail)
            chains, checked = chains + 1, checked + found.events_checked
            if found.ok:
                self.stdout.write(f"{government.short_name}: {found.length} events, head "
                                  f"{found.head_hash}")  # fmt: skip
            else:
                broken.append(found)
        seconds = time.monotonic() - started
        figures = f"{checked} events checked in {chains} chains in {seconds:.2f} s"
        if not broken:
            self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {figures}."))
            return
        for found in broken:
            event = AuditEvent.objects.filter(government=found.government,
                                              seq=found.broken_seq).first()  # fmt: skip
            what = (
                f" ({event.action} at {event.at.isoformat()}, code {event.code})" if event else ""
            )
            self.stderr.write(f"{found.government.short_name}: broken at event {found.broken_seq}"
                              f"{what}: {PROBLEMS[found.problem]}.")  # fmt: skip
        raise CommandError(f"Audit trail BROKEN in {len(broken)} chain(s): {figures}.")
