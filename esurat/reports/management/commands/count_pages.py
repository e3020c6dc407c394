"""Count the pages of sent letters that have no page count yet (backfill; safe to run again)."""

from django.core.management.base import BaseCommand

from esurat.letters.models import Letter
from esurat.reports.tasks import count_letter_pages


class Command(BaseCommand):
    help = "Count the pages of sent letters without a page count (esurat.reports.PageCount)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="count every sent letter again")
        parser.add_argument("--limit", type=int, default=0, help="at most this many letters")

    def handle(self, *args, **options):
        letters = Letter.objects.filter(origin=Letter.Origin.DRAFTED, sent_at__isnull=False)
        if not options["all"]:
            letters = letters.filter(page_count__isnull=True)
        codes = letters.order_by("pk").values_list("code", flat=True)
        if options["limit"]:
            codes = codes[: options["limit"]]
        done = failed = 0
        for code in codes.iterator(chunk_size=500):
            if count_letter_pages.call(str(code)) is None:
                failed += 1
            else:
                done += 1
        self.stdout.write(f"{done} letters counted, {failed} could not be read")
