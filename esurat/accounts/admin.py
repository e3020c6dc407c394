"""Accounts in the admin: employees (with NIP and government), their roles, API tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from esurat.accounts.models import ApiToken, Role, User
from esurat.audit.admin import ReadOnlyAdmin


class RoleInline(admin.TabularInline):
    model = Role
    fields = ["kind", "agency"]
    autocomplete_fields = ["agency"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
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
