"""Accounts: the employee (ASN) who logs in, the roles they are granted, and API tokens."""

import hashlib
import secrets
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

nip_validator = RegexValidator(r"^\d{18}$", _("A NIP has exactly 18 digits."))


class User(AbstractUser):
    """An employee (ASN or contract staff) who can log in; identified by NIP or username."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    government = models.ForeignKey(
        "organisations.Government",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    nip = models.CharField(
        _("NIP"), max_length=18, null=True, blank=True, unique=True, validators=[nip_validator]
    )
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class Role(models.Model):
    """A role granted to a user: administrator of the government or of one agency, or clerk.

    Roles are separate from positions: a clerk (agendaris) registers letters for an agency whatever
    post they hold.
    """

    class Kind(models.TextChoices):
        GOVERNMENT_ADMIN = "government_admin", _("Government administrator")
        AGENCY_ADMIN = "agency_admin", _("Agency administrator")
        CLERK = "clerk", _("Registry clerk")
        # The Wali Kota and the Sekda: they read the whole city's evaluation (esurat/reports),
        # whoever holds or acts in their posts; granted like the other roles, not derived.
        LEADERSHIP = "leadership", _("Regional leadership (reads the city's figures)")

    # Kinds that cover the whole government rather than one agency.
    CITY_KINDS = (Kind.GOVERNMENT_ADMIN, Kind.LEADERSHIP)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "organisations.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="roles",
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "agency"], name="role_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["government_admin", "leadership"]) | Q(agency__isnull=False),
                name="role_agency_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.agency or ''}".strip()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, default="api")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "es_" + secrets.token_urlsafe(32)
