"""Signing certificates in the admin: to see who holds one and until when. Keys are never shown;
issuing and revoking happen through the signing actions."""

from django.contrib import admin

from esurat.audit.admin import AuditedAdmin, ReadOnlyAdmin
from esurat.signing import profile_actions
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
class SignerProfileAdmin(AuditedAdmin):
    """The NIK BSrE knows a signatory by; entered by the administrator (and recorded)."""

    audited = (profile_actions.do_save_signer_profile, profile_actions.do_delete_signer_profile,
               "profile")  # fmt: skip
    list_display = ["user", "nik"]
    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__username", "user__nip", "nik"]
    autocomplete_fields = ["user"]
