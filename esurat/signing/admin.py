"""Signing certificates in the admin: to see who holds one and until when. Keys are never shown;
issuing and revoking happen through the signing actions."""

from django.contrib import admin

from esurat.audit.admin import ReadOnlyAdmin
from esurat.signing.models import CertificateAuthority, SignerProfile, SigningCertificate


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(ReadOnlyAdmin):
    list_display = ["government", "created_at"]
    fields = ["government", "certificate_pem", "created_at"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(ReadOnlyAdmin):
    list_display = ["user", "serial", "not_before", "not_after", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__username", "user__nip", "serial"]
    fields = ["user", "authority", "serial", "certificate_pem", "not_before", "not_after",
              "revoked_at", "created_at"]  # fmt: skip


@admin.register(SignerProfile)
class SignerProfileAdmin(admin.ModelAdmin):
    """The NIK BSrE knows a signatory by; entered by the administrator."""

    list_display = ["user", "nik"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__username", "user__nip", "nik"]
    autocomplete_fields = ["user"]
