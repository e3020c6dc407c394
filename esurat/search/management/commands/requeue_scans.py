"""Enqueue again the scans whose reading never finished (a worker killed mid-page, a crash):
those of registered letters, those uploaded first and not yet registered, and the attachments
read for search."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from esurat.letters.models import IncomingScan
from esurat.letters.tasks import read_attachment, read_incoming_scan, read_scan
from esurat.search.models import AttachmentText, LetterText


class Command(BaseCommand):
    help = "Enqueue read_scan again for scans pending or running for longer than --minutes."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15)
        parser.add_argument("--failed", action="store_true", help="also retry failed scans")

    def handle(self, *args, minutes, failed, **options):
        states = [LetterText.State.PENDING, LetterText.State.RUNNING]
        if failed:
            states.append(LetterText.State.FAILED)
        stale = timezone.now() - datetime.timedelta(minutes=minutes)
        codes = list(
            LetterText.objects.filter(
                state__in=states, updated_at__lt=stale, scan__isnull=False
            ).values_list("letter__code", flat=True)
        )
        for code in codes:
            read_scan.enqueue(str(code))
        uploads = list(
            IncomingScan.objects.filter(
                state__in=states, updated_at__lt=stale, letter__isnull=True
            ).values_list("code", flat=True)
        )
        for code in uploads:
            read_incoming_scan.enqueue(str(code))
        attachments = list(
            AttachmentText.objects.filter(state__in=states, updated_at__lt=stale).values_list(
                "attachment__code", flat=True
            )
        )
        for code in attachments:
            read_attachment.enqueue(str(code))
        self.stdout.write(
            f"{len(codes) + len(uploads)} scan(s) and {len(attachments)} attachment(s) enqueued"
        )
