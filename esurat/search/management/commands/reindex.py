"""Rebuild the search entries of every letter, in batches of ids (keyset: bounded memory,
whatever the number of letters), each batch in its own transaction. Resumable: the last id done
is stored after each batch (`--resume` goes on from it) and printed when interrupted
(`--from-id`). Running it twice changes nothing: entries are written over.

`--full` (for a first load or a rebuild during maintenance) empties the table and drops the text
indexes first (from the first letter; with --from-id or --resume it keeps the entries), and
builds the indexes once at the end — searches meanwhile find only what is loaded, slowly; an
interrupted full run is finished by `--resume --full`. `--jobs N` splits the ids into N ranges done side by side, each on its
own database connection (on PostgreSQL the database does the work: one job per core).
"""

import sys
import threading
import time

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.db.models import Max

from esurat.letters.models import Letter
from esurat.search.backends import bulk_end, bulk_start, index_letters

# The checkpoint: the last id done (one job), or [[last id done, last id of the range], ...]
CHECKPOINT = "search.reindex.last_id"


class Command(BaseCommand):
    help = "Rebuild the search index of all letters (or those after --from-id / the checkpoint)."

    def add_arguments(self, parser):
        parser.add_argument("--from-id", type=int, default=0, help="start after this letter id")
        parser.add_argument("--resume", action="store_true", help="start after the checkpoint")
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--jobs", type=int, default=1, help="id ranges done side by side")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--full", action="store_true", help="drop the text indexes, load, build them again"
        )

    def handle(self, *args, from_id, resume, batch, jobs, no_progress, full, **options):
        if jobs < 1:
            raise CommandError("--jobs must be at least 1")
        if jobs > 1 and connection.vendor != "postgresql":
            jobs = 1  # SQLite has one writer: ranges side by side would only wait on each other
        ranges = self._ranges(from_id, resume, jobs)
        letters = Letter.objects.order_by("pk")
        total = sum(letters.filter(pk__gt=lo, pk__lte=hi).count() for lo, hi in ranges)
        self.done, self.started, self.lock = 0, time.monotonic(), threading.Lock()
        self.progress = not no_progress
        self.ranges = [list(r) for r in ranges]
        self.total = total
        if full:
            # From the first letter: start from an empty table (no dead rows, no conflicts).
            fresh = not resume and not from_id
            bulk_start(empty=fresh)
        stop = threading.Event()
        errors = []
        threads = [
            threading.Thread(target=self._job, args=(i, batch, stop, errors), daemon=True)
            for i in range(len(self.ranges))
        ]
        try:
            if len(threads) == 1:
                self._run(0, batch, stop)
            else:
                for thread in threads:
                    thread.start()
                while any(thread.is_alive() for thread in threads):
                    for thread in threads:
                        thread.join(0.2)
        except KeyboardInterrupt:
            stop.set()
            for thread in threads:
                if thread.is_alive():
                    thread.join()
            self.stderr.write(f"\ninterrupted: go on with --resume{' --full' if full else ''}")
            raise SystemExit(1) from None
        if errors:
            raise errors[0]
        if full:
            self.stderr.write("\nbuilding the text indexes…")
            bulk_end(jobs)
        cache.delete(CHECKPOINT)
        if self.progress:
            sys.stderr.write("\n")
        seconds = time.monotonic() - self.started
        self.stdout.write(f"{self.done} letter(s) indexed in {seconds:.1f} s")

    def _ranges(self, from_id: int, resume: bool, jobs: int) -> list[tuple[int, int]]:
        """(last id done, last id) of each range still to do."""
        top = Letter.objects.aggregate(top=Max("pk"))["top"] or 0
        saved = cache.get(CHECKPOINT) if resume else None
        if isinstance(saved, list):
            return [(max(lo, from_id), hi) for lo, hi in saved if max(lo, from_id) < hi] or [
                (top, top)
            ]
        start = max(from_id, saved or 0)
        step = max((top - start) // jobs + 1, 1)
        bounds = [start + step * i for i in range(jobs)] + [top]
        return [
            (lo, min(hi, top)) for lo, hi in zip(bounds, bounds[1:], strict=False) if lo < top
        ] or [(start, top)]

    def _job(self, i: int, batch: int, stop, errors: list) -> None:
        try:
            self._run(i, batch, stop)
        except Exception as error:  # reported by the main thread
            errors.append(error)
            stop.set()
        finally:
            connections.close_all()

    def _run(self, i: int, batch: int, stop) -> None:
        last, hi = self.ranges[i]
        letters = Letter.objects.order_by("pk")
        while not stop.is_set():
            ids = list(letters.filter(pk__gt=last, pk__lte=hi).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            with transaction.atomic():
                index_letters(ids)
            last = ids[-1]
            with self.lock:
                self.ranges[i][0] = last
                self.done += len(ids)
                saved = self.ranges if len(self.ranges) > 1 else last
                cache.set(CHECKPOINT, saved, timeout=None)
                if self.progress:
                    self._progress()

    def _progress(self) -> None:
        share = self.done / self.total if self.total else 1
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\r[{bar:<30}] {self.done}/{self.total} {share:6.1%} {rate:,.0f}/s ")
        sys.stderr.flush()
