"""The audit trail in the admin: to look at, never to change (the database refuses anyway)."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from esurat.audit.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the admin may look at but not add, change or delete: those happen only through
    the do_* actions, which check the rules and write the audit trail."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()


class AuditedAdmin(admin.ModelAdmin):
    """A record the admin changes only through its do_* actions, so that every save and delete
    (from the change form, the delete page, the list's bulk delete, and inline rows) is written
    with its audit event in the same transaction.

    `audited` is (the save action, the delete action, the keyword they take the row by);
    `inline_actions` the same for each inline's model.
    """

    audited: tuple = ()
    inline_actions: dict = {}

    @staticmethod
    def _by(request) -> dict:
        return {"user": request.user, "ip_address": request.META.get("REMOTE_ADDR")}

    def save_model(self, request, obj, form, change):
        save, _delete, arg = self.audited
        save(**{arg: obj}, **self._by(request))

    def delete_model(self, request, obj):
        _save, delete, arg = self.audited
        delete(**{arg: obj}, **self._by(request))

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        save, delete, arg = self.inline_actions[formset.model]
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete(**{arg: obj}, **self._by(request))
        for obj in instances:
            save(**{arg: obj}, **self._by(request))
        formset.save_m2m()


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "action", "actor_name", "acting_for", "acting_as", "letter_ref",
                    "ip_address"]  # fmt: skip
    list_filter = ["action", "acting_as", "government"]
    list_select_related = ["acting_for", "letter"]
    search_fields = ["action", "actor_name", "letter__number"]
    date_hierarchy = "at"
    ordering = ["-government", "-seq"]
    fields = ["government", "seq", "at", "actor", "actor_name", "acting_for", "acting_as",
              "action", "letter_ref", "ip_address", "data_shown", "prev_hash", "hash"]  # fmt: skip

    @admin.display(description=_("letter"))
    def letter_ref(self, event):
        # The number only: a subject can say more than an administrator may read.
        if event.letter_id is None:
            return "—"
        return event.letter.number or str(event.letter.code)

    @admin.display(description=_("data"))
    def data_shown(self, event):
        if event.letter_id and event.letter.is_narrow:
            return _("(hidden: the letter is secret)")
        return event.data
