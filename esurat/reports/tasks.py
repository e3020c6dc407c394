"""Background work for the reports: counting the pages of a sent letter.

`count_letter_pages` is enqueued when a letter is delivered (letters.actions.do_sign, after the
last signature, with transaction.on_commit) and by `manage.py count_pages` (backfill). It is
idempotent: it rewrites the letter's one PageCount row with the same numbers.
"""

import logging

from django.tasks import task

from esurat.letters.models import Letter
from esurat.reports.actions import do_count_pages

logger = logging.getLogger(__name__)


@task()
def count_letter_pages(letter_code: str) -> int | None:
    """Count the pages of the sent letter with this code; None when it cannot be read now (the
    dashboard then counts it as one page, and the backfill tries again)."""
    letter = Letter.objects.filter(code=letter_code, sent_at__isnull=False).first()
    if letter is None:
        return None
    try:
        return do_count_pages(letter=letter).pages
    except Exception:  # a missing or unreadable file must not fail the delivery
        logger.exception("could not count the pages of letter %s", letter_code)
        return None
