"""Organisation maintenance by the city IT administrator: agencies, units, positions, acting
officials and delegates, holidays."""

from django.contrib import admin

from esurat.organisations.models import Agency, Assignment, Government, Holiday, Position, Unit

admin.site.site_header = "e-Surat — Administrasi"
admin.site.site_title = "e-Surat"
admin.site.index_title = "Administrasi"


@admin.register(Government)
class GovernmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "time_zone"]
    search_fields = ["name", "short_name"]


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["name", "short_code", "parent"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "kind", "unit_code", "is_onboarded", "government"]
    list_filter = ["kind", "is_onboarded", "government"]
    list_select_related = ["government"]
    search_fields = ["short_name", "name", "unit_code"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "parent", "short_code"]
    list_filter = ["agency"]
    list_select_related = ["agency", "parent__agency"]
    search_fields = ["name", "short_code", "agency__short_name"]
    autocomplete_fields = ["agency", "parent"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["title", "agency", "unit", "holder", "superior", "is_head", "can_sign"]
    list_filter = ["is_head", "can_sign", "agency"]
    list_select_related = ["agency", "unit__agency", "holder", "superior"]
    search_fields = ["title", "agency__short_name", "agency__name", "holder__full_name",
                     "holder__username", "holder__nip"]  # fmt: skip
    autocomplete_fields = ["agency", "unit", "superior", "holder"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["position", "user", "kind", "starts_at", "ends_at", "note"]
    list_filter = ["kind", "position__agency"]
    list_select_related = ["position", "user"]
    search_fields = ["position__title", "user__full_name", "user__username", "user__nip"]
    autocomplete_fields = ["position", "user"]
    date_hierarchy = "starts_at"


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "government"]
    list_filter = ["kind", "government"]
    list_select_related = ["government"]
    search_fields = ["name"]
    date_hierarchy = "date"
