"""Rebuild the search entries of every letter, in batches of ids (keyset: bounded memory,
whatever the number of letters), each batch in its own transaction. Resumable: the last id done
is stored after each batch (`--resume` goes on from it) and printed when interrupted
(`--from-id`). Running it twice changes nothing: entries are written over.

`--full` (for a first load or a rebuild during maintenance) drops the text indexes first and
builds them once at the end — searches meanwhile are slow; an interrupted full run is finished
by `--resume --full`."""

import sys
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import transaction

from esurat.letters.models import Letter
from esurat.search.backends import bulk_end, bulk_start, index_letters

CHECKPOINT = "search.reindex.last_id"


class Command(BaseCommand):
    help = "Rebuild the search index of all letters (or those after --from-id / the checkpoint)."

    def add_arguments(self, parser):
        parser.add_argument("--from-id", type=int, default=0, help="start after this letter id")
        parser.add_argument("--resume", action="store_true", help="start after the checkpoint")
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--full", action="store_true", help="drop the text indexes, load, build them again"
        )

    def handle(self, *args, from_id, resume, batch, no_progress, full, **options):
        last = max(from_id, cache.get(CHECKPOINT, 0) if resume else 0)
        letters = Letter.objects.order_by("pk")
        total = letters.filter(pk__gt=last).count()
        done, started = 0, time.monotonic()
        if full:
            bulk_start()
        try:
            while True:
                ids = list(letters.filter(pk__gt=last).values_list("pk", flat=True)[:batch])
                if not ids:
                    break
                with transaction.atomic():
                    index_letters(ids)
                last, done = ids[-1], done + len(ids)
                cache.set(CHECKPOINT, last, timeout=None)
                if not no_progress:
                    self._progress(done, total, started)
        except KeyboardInterrupt:
            self.stderr.write(f"\ninterrupted: go on with --resume or --from-id {last}")
            raise SystemExit(1) from None
        if full:
            self.stderr.write("\nbuilding the text indexes…")
            bulk_end()
        cache.delete(CHECKPOINT)
        if not no_progress:
            sys.stderr.write("\n")
        seconds = time.monotonic() - started
        self.stdout.write(f"{done} letter(s) indexed in {seconds:.1f} s")

    def _progress(self, done: int, total: int, started: float) -> None:
        share = done / total if total else 1
        rate = done / max(time.monotonic() - started, 1e-6)
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r[{bar:<30}] {done}/{total} {share:6.1%} {rate:,.0f}/s ")
        sys.stderr.flush()
