"""Accounts in the admin: employees (with NIP and government), their roles, API tokens.
Changes, password changes included, go through esurat.accounts.actions, which record them in the
audit trail."""

from contextvars import ContextVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from esurat.accounts import actions
from esurat.accounts.models import ApiToken, Role, User
from esurat.audit.admin import AuditedAdmin, ReadOnlyAdmin

# The request of the admin's "change password" page, for its form's save(): Django's view builds
# the form with the account and the data only, and we need who changes it and from where.
# A context variable is per request (thread or task), unlike an attribute of the shared UserAdmin.
PASSWORD_REQUEST: ContextVar = ContextVar("admin_password_request")


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form; the new password is set through do_change_password (recorded)."""

    def save(self, commit=True):
        request = PASSWORD_REQUEST.get()
        usable = self.cleaned_data.get("set_usable_password", True)
        return actions.do_change_password(
            account=self.user, password=self.cleaned_data["password1"] if usable else None,
            **AuditedAdmin._by(request),
        )  # fmt: skip


class RoleInline(admin.TabularInline):
    model = Role
    fields = ["kind", "agency"]
    autocomplete_fields = ["agency"]
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    audited = (actions.do_save_user, actions.do_delete_user, "account")
    inline_actions = {Role: (actions.do_save_role, actions.do_delete_role, "role")}
    change_password_form = AuditedPasswordChangeForm
    list_display = ["username", "full_name", "nip", "government", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser", "government"]
    list_select_related = ["government"]
    search_fields = ["username", "full_name", "nip", "email"]
    ordering = ["full_name"]
    autocomplete_fields = ["government"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Employee"), {"fields": ["full_name", "nip", "government", "email", "phone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]  # fmt: skip
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["username", "full_name", "nip", "government", "email", "password1",
                           "password2"]}),
    ]  # fmt: skip
    inlines = [RoleInline]

    def save_related(self, request, form, formsets, change):
        if "groups" in form.cleaned_data:  # the change form; the add form has no permissions
            actions.do_set_user_permissions(
                account=form.instance, groups=form.cleaned_data["groups"],
                permissions=form.cleaned_data["user_permissions"], **self._by(request),
            )  # fmt: skip
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        token = PASSWORD_REQUEST.set(request)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            PASSWORD_REQUEST.reset(token)


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    audited = (actions.do_save_role, actions.do_delete_role, "role")
    list_display = ["user", "kind", "agency"]
    list_filter = ["kind", "agency"]
    list_select_related = ["user", "agency"]
    search_fields = ["user__full_name", "user__username", "user__nip", "agency__short_name"]
    autocomplete_fields = ["user", "agency"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    # Only the token's hash is stored, and it is not shown either.
    list_display = ["user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__username", "name"]
    fields = ["user", "name", "created_at", "last_used_at", "revoked_at"]
