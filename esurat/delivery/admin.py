"""Dispatches in the admin: to look at only; they change through the do_* actions. The subject
of R/SR letters is not shown (no administrator may see them)."""

from django.contrib import admin

from esurat.audit.admin import ReadOnlyAdmin
from esurat.delivery.models import Dispatch


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["book_number", "agency", "recipient_name", "method", "state", "attempts",
                    "sent_at", "created_at"]  # fmt: skip
    list_filter = ["state", "method", "purpose", "agency"]
    list_select_related = ["agency"]
    search_fields = ["recipient_name", "email", "letter__number"]
    fields = ["agency", "book_year", "book_seq", "purpose", "recipient_name", "email", "method",
              "state", "attempts", "next_attempt_at", "last_error", "sent_at", "message_id",
              "document_sha256", "carried_by", "carried_at", "received_by", "received_at"]  # fmt: skip
