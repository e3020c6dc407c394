"""Onboarding in the admin: to look at only; imports and rollout states change through the
onboarding screens and their do_* actions."""

from django.contrib import admin

from esurat.audit.admin import ReadOnlyAdmin
from esurat.onboarding.models import AgencyOnboarding, Import, PositionKey


@admin.register(Import)
class ImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "state", "uploaded_by", "created_at", "finished_at"]
    list_filter = ["state", "government"]
    list_select_related = ["uploaded_by"]
    fields = ["filename", "sha256", "state", "uploaded_by", "created_at", "finished_at", "report"]


@admin.register(AgencyOnboarding)
class AgencyOnboardingAdmin(ReadOnlyAdmin):
    list_display = ["agency", "state", "trial_started_on", "live_on", "changed_at"]
    list_filter = ["state"]
    list_select_related = ["agency"]


@admin.register(PositionKey)
class PositionKeyAdmin(ReadOnlyAdmin):
    list_display = ["key", "position", "closed_at"]
    list_select_related = ["position"]
    search_fields = ["key", "position__title"]
