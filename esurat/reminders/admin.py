from django.contrib import admin

from esurat.audit.admin import AuditedAdmin
from esurat.reminders import actions
from esurat.reminders.models import JobRun, ReminderSettings


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(AuditedAdmin):
    audited = (actions.do_save_reminder_settings, actions.do_delete_reminder_settings,
               "reminder_settings")  # fmt: skip
    list_display = ["government", "draft_wait_days"]
    list_select_related = ["government"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: what the scheduler ran, for whom, and how it ended."""

    list_display = ["local_date", "job", "government", "state", "sent", "attempts", "finished_at"]
    list_filter = ["job", "state", "government"]
    list_select_related = ["government"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
