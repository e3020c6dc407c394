"""Changes to a signatory's BSrE profile (their NIK), made by the IT administrator in the admin.

The NIK decides whose certificate a certified signature is made with, so every change is
recorded; the NIK is a national identity number, so the trail keeps only its last four digits.
"""

from django.db import transaction

from esurat.audit.actions import delete_audited, save_audited
from esurat.signing.models import SignerProfile

PROFILE_FIELDS = ["user", "nik"]


@transaction.atomic
def do_save_signer_profile(*, profile: SignerProfile, user, ip_address=None) -> SignerProfile:
    """Create or change a signatory's NIK. Records `signer_profile.created` or
    `signer_profile.changed` (the NIK as "…1234")."""
    save_audited(profile, fields=PROFILE_FIELDS, kind="signer_profile",
                 government=profile.user.government, user=user, ip_address=ip_address,
                 masked=("nik",), name=str(profile.user))  # fmt: skip
    return profile


@transaction.atomic
def do_delete_signer_profile(*, profile: SignerProfile, user, ip_address=None) -> None:
    """Remove a signatory's NIK (they can then not sign through BSrE). Records
    `signer_profile.deleted`."""
    delete_audited(profile, kind="signer_profile", government=profile.user.government, user=user,
                   ip_address=ip_address, name=str(profile.user))  # fmt: skip
