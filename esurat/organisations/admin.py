"""Organisation maintenance by the city IT administrator: agencies, units, positions, acting
officials and delegates, holidays. Changes go through esurat.organisations.actions, which record
them in the audit trail."""

from pathlib import PurePath

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from esurat.audit.admin import AuditedAdmin
from esurat.organisations import actions
from esurat.organisations.models import Agency, Assignment, Government, Holiday, Position, Unit
from esurat.signing.pdf import letterhead_logo, logo_data_uri

admin.site.site_header = "e-Surat — Administrasi"
admin.site.site_title = "e-Surat"
admin.site.index_title = "Administrasi"


class StoredLogoName(str):
    """The stored logo's file name, linked to its preview below: media files are never served at
    their storage URL (settings.MEDIA_URL), so the admin's usual link would lead nowhere."""

    url = "#logo-preview"


class LogoInput(AdminFileWidget):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = StoredLogoName(PurePath(value.name).name)
        return context


class LogoAdmin(AuditedAdmin):
    """The logo upload with, right under it, the logo as the letterhead prints it."""

    formfield_overrides = {models.FileField: {"widget": LogoInput}}
    readonly_fields = ["logo_preview"]

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "logo_preview"]
        after = fields.index("logo") + 1
        return [*fields[:after], "logo_preview", *fields[after:]]

    @admin.display(description=_("on the letterhead"))
    def logo_preview(self, obj):
        logo = self.printed_logo(obj) if obj is not None and obj.pk else None
        uri = logo_data_uri(logo) if logo else None
        if uri is None:
            return _("No logo: the letterhead is printed without one.")
        image = format_html('<img id="logo-preview" src="{}" alt="" style="height: 88px">', uri)
        if logo.instance is not obj:  # an agency without its own logo
            return format_html("{}<br>{}", image, _("The government's emblem."))
        return image

    def printed_logo(self, obj):
        return obj.logo


@admin.register(Government)
class GovernmentAdmin(LogoAdmin):
    audited = (actions.do_save_government, actions.do_delete_government, "government")
    list_display = ["name", "short_name", "time_zone"]
    search_fields = ["name", "short_name"]


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["name", "short_code", "parent"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(LogoAdmin):
    audited = (actions.do_save_agency, actions.do_delete_agency, "agency")
    inline_actions = {Unit: (actions.do_save_unit, actions.do_delete_unit, "unit")}
    list_display = ["short_name", "name", "kind", "unit_code", "is_onboarded", "government"]
    list_filter = ["kind", "is_onboarded", "government"]
    list_select_related = ["government"]
    search_fields = ["short_name", "name", "unit_code"]
    inlines = [UnitInline]

    def printed_logo(self, obj):
        return letterhead_logo(obj)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    audited = (actions.do_save_unit, actions.do_delete_unit, "unit")
    list_display = ["name", "agency", "parent", "short_code"]
    list_filter = ["agency"]
    list_select_related = ["agency", "parent__agency"]
    search_fields = ["name", "short_code", "agency__short_name"]
    autocomplete_fields = ["agency", "parent"]


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    audited = (actions.do_save_position, actions.do_delete_position, "position")
    list_display = ["title", "agency", "unit", "holder", "superior", "is_head", "can_sign"]
    list_filter = ["is_head", "can_sign", "agency"]
    list_select_related = ["agency", "unit__agency", "holder", "superior"]
    search_fields = ["title", "agency__short_name", "agency__name", "holder__full_name",
                     "holder__username", "holder__nip"]  # fmt: skip
    autocomplete_fields = ["agency", "unit", "superior", "holder"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    audited = (actions.do_save_assignment, actions.do_delete_assignment, "assignment")
    list_display = ["position", "user", "kind", "starts_at", "ends_at", "note"]
    list_filter = ["kind", "position__agency"]
    list_select_related = ["position", "user"]
    search_fields = ["position__title", "user__full_name", "user__username", "user__nip"]
    autocomplete_fields = ["position", "user"]
    date_hierarchy = "starts_at"


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["government", "date", "name", "kind"]

    def clean(self):
        # On a change the government is read-only, so Django's own unique check leaves the
        # (government, date) constraint out: checked here instead of failing in the database.
        cleaned = super().clean()
        government = cleaned.get("government") or getattr(self.instance, "government", None)
        date = cleaned.get("date")
        if government is not None and date is not None:
            taken = Holiday.objects.filter(government=government, date=date)
            taken = taken.exclude(pk=self.instance.pk).first()
            if taken is not None:
                self.add_error("date", _("%(government)s has a holiday on that date already: "
                                         "%(name)s.") % {"government": government,
                                                         "name": taken.name})  # fmt: skip
        return cleaned


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    form = HolidayForm
    list_display = ["date", "name", "kind", "government"]
    list_filter = ["kind", "government"]
    list_select_related = ["government"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def get_readonly_fields(self, request, obj=None):
        return ["government"] if obj is not None else []

    # Every change goes through the do_* actions, so each one is in the audit trail.
    def save_model(self, request, obj, form, change):
        ip = request.META.get("REMOTE_ADDR")
        if change:
            saved = actions.do_change_holiday(
                holiday=obj, date=obj.date, name=obj.name, kind=obj.kind, user=request.user,
                ip_address=ip,
            )  # fmt: skip
        else:
            saved = actions.do_create_holiday(
                government=obj.government, date=obj.date, name=obj.name, kind=obj.kind,
                user=request.user, ip_address=ip,
            )  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.do_delete_holiday(
            holiday=obj, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
        )

    def delete_queryset(self, request, queryset):
        for holiday in queryset:
            actions.do_delete_holiday(
                holiday=holiday, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
            )
