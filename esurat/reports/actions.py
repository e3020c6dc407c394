"""Changes made by the reports: the city's paper prices, the record of each official's first
activity of the day, and page counts of sent letters."""

import datetime
from decimal import Decimal

import pypdfium2
from django.db import transaction
from django.utils import timezone

from esurat.audit.actions import Actor, record_event
from esurat.reports.models import DailyActivity, PageCount, PaperPrices

PRICE_FIELDS = ("per_sheet", "toner_per_page", "per_envelope", "sheets_per_ream")


@transaction.atomic
def do_set_paper_prices(*, government, user, ip_address=None, **prices) -> PaperPrices:
    """Set the prices the government counts its paper savings at. Locks the row (created with
    the defaults the first time); records `reports.prices_changed` with each changed field,
    old → new. Saving the same prices changes nothing and records nothing."""
    PaperPrices.objects.get_or_create(government=government)
    row = PaperPrices.objects.select_for_update().get(government=government)
    changes = {}
    for name in PRICE_FIELDS:
        old, new = getattr(row, name), prices[name]
        if Decimal(old) != Decimal(new):
            changes[name] = [str(old), str(new)]
            setattr(row, name, new)
    if changes:
        row.updated_at, row.updated_by = timezone.now(), user
        row.save()
        record_event(government=government, actor=Actor(user, None, "", ip_address),
                     action="reports.prices_changed", data={"changes": changes})  # fmt: skip
    return row


def do_note_activity(*, user, agency_id, at: datetime.datetime) -> None:
    """Record the user's first activity of the local day `at` falls on; a later call the same day
    changes nothing (the insert ignores the existing row: no lock, no audit event — the login
    itself is in the audit trail; this row only measures the habit)."""
    government = user.government
    local = timezone.localtime(at, government.zone)
    DailyActivity.objects.bulk_create(
        [DailyActivity(user=user, government=government, agency_id=agency_id, day=local.date(),
                       first_at=at, first_minute=local.hour * 60 + local.minute)],
        ignore_conflicts=True,
    )  # fmt: skip


def _pdf_pages(field) -> int:
    with field.open("rb") as handle:
        return len(pypdfium2.PdfDocument(handle.read()))


def do_count_pages(*, letter) -> PageCount:
    """Count the pages of a sent letter as delivered (its newest signed PDF, its attachments; an
    image is one page) and keep them. Idempotent: counting again rewrites the same numbers. A
    letter without a signed PDF (signed with `recorded`) counts one page."""
    signed = letter.signed_documents.order_by("-created_at", "-id").first()
    letter_pages = _pdf_pages(signed.file) if signed else 1
    attachment_pages = sum(
        _pdf_pages(a.file) if a.content_type == "application/pdf" else 1
        for a in letter.attachments.all()
    )
    row, _created = PageCount.objects.update_or_create(
        letter=letter,
        defaults={"letter_pages": letter_pages, "attachment_pages": attachment_pages,
                  "counted_at": timezone.now()},
    )  # fmt: skip
    return row
