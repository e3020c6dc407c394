"""The organisation: government → agencies → unit tree → positions, and who holds them."""

import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from esurat.lib.files import check_upload

# A letterhead logo is printed about 22 mm tall: 1 MB and 4,000 px are far more than it needs,
# and 100 px is the least that does not print blurred.
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_MIN_SIDE = 100
LOGO_TYPES = ("image/png", "image/jpeg")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


def logo_path(instance, filename: str) -> str:
    """A fresh name at every upload: esurat.signing.pdf caches the printed logo by its name."""
    suffix = PurePath(filename).suffix.lower()
    suffix = suffix if suffix in (".png", ".jpg", ".jpeg") else ""
    return f"logos/{instance.code}/{uuid.uuid4().hex}{suffix}"


def validate_logo(value) -> None:
    """A newly uploaded logo must be a PNG or JPEG by its content, small and of a printable size.

    A logo stored already was checked when it was uploaded and is not read again.
    """
    if getattr(value, "_committed", True):
        return
    upload = value.file
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large (%(size)s); the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
            code="too_large",
        )
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        if exc.code == "too_large":
            raise
        checked = None  # not a readable image, whatever check_upload found wrong
    if checked is None or checked.content_type not in LOGO_TYPES:
        raise ValidationError(
            _("The logo must be a PNG or JPEG image, and this file is not a readable one."),
            code="file_type",
        )
    _check_logo_size(upload)


def _check_logo_size(upload) -> None:
    from PIL import Image

    upload.seek(0)
    with Image.open(upload) as image:
        width, height = image.size
    upload.seek(0)
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo is %(width)s × %(height)s pixels; at most %(limit)s a side, please."),
            params={"width": width, "height": height, "limit": LOGO_MAX_SIDE},
            code="too_large",
        )
    if min(width, height) < LOGO_MIN_SIDE:
        raise ValidationError(
            _("The logo is %(width)s × %(height)s pixels, too small to print sharply; at least "
              "%(limit)s pixels a side, please."),
            params={"width": width, "height": height, "limit": LOGO_MIN_SIDE},
            code="too_small",
        )  # fmt: skip


def logo_field(help_text):
    return models.FileField(
        _("logo"), upload_to=logo_path, blank=True, validators=[validate_logo],
        help_text=help_text,
    )  # fmt: skip


class LogoOwner(models.Model):
    """A model with a `logo`. A replaced or removed logo's file is deleted by the do_* action
    that saves the row, once the change is committed (esurat.organisations.actions)."""

    class Meta:
        abstract = True


class Government(LogoOwner):
    """The tenant: one city or regency (Pemda). A deployment normally serves one."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    time_zone = models.CharField(
        _("time zone"), max_length=60, default="Asia/Makassar", validators=[validate_time_zone]
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    logo = logo_field(
        _("The regional emblem (lambang daerah), printed on the letterhead of every agency and of "
          "the regional leadership. PNG or JPEG, at most 1 MB.")
    )  # fmt: skip

    class Meta:
        verbose_name = _("government")
        verbose_name_plural = _("governments")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self):
        """Today's date in the government's own zone."""
        return timezone.localdate(timezone.now(), self.zone)


class Agency(LogoOwner):
    """A Perangkat Daerah (OPD/SKPD): its own letterhead, registry and numbering."""

    class Kind(models.TextChoices):
        SECRETARIAT = "secretariat", _("Secretariat")
        OFFICE = "office", _("Office (Dinas)")
        BOARD = "board", _("Board (Badan)")
        DISTRICT = "district", _("District (Kecamatan)")
        VILLAGE = "village", _("Urban village (Kelurahan)")
        LEADERSHIP = "leadership", _("Regional leadership")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    government = models.ForeignKey(Government, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    unit_code = models.CharField(
        _("code in letter numbers"), max_length=40, help_text=_("For example DISKOMINFO")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_onboarded = models.BooleanField(
        _("uses e-Surat"),
        default=True,
        help_text=_("Agencies not yet onboarded receive their letters by e-mail or on paper."),
    )
    logo = logo_field(
        _("Only if this agency prints its own logo instead of the government's emblem. PNG or "
          "JPEG, at most 1 MB.")
    )  # fmt: skip

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["government", "short_name"], name="agency_short_name"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def head_position(self) -> "Position | None":
        return self.positions.filter(is_head=True).first()


class Unit(models.Model):
    """A node of an agency's tree: bidang, bagian, subbag, seksi."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    short_code = models.CharField(_("code"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"

    def clean(self):
        if self.parent_id and self.parent.agency_id != self.agency_id:
            raise ValidationError(_("A unit's parent must belong to the same agency."))


class Position(models.Model):
    """A post (jabatan). Letters are addressed to positions, so an inbox outlives its holder."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions"
    )
    title = models.CharField(_("title"), max_length=200)
    superior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        verbose_name=_("superior position"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_positions",
        verbose_name=_("definitive holder"),
    )
    is_head = models.BooleanField(_("head of the agency"), default=False)
    can_sign = models.BooleanField(_("may sign letters"), default=False)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["agency", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(is_head=True), name="one_head_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.unit_id and self.unit.agency_id != self.agency_id:
            raise ValidationError(_("The unit must belong to the position's agency."))
        node, seen = self.superior, {self.pk}
        while node is not None:
            if node.pk in seen:
                raise ValidationError(_("A position cannot be its own superior."))
            seen.add(node.pk)
            node = node.superior


class Assignment(models.Model):
    """A time-bounded second holder of a position: an acting official (Plt/Plh/Pj) or a delegate.

    Acting officials act and sign with their qualifier; delegates read and prepare but do not
    decide, and see R/SR letters only when named.
    """

    class Kind(models.TextChoices):
        PLT = "plt", _("Plt. (acting, long-term)")
        PLH = "plh", _("Plh. (acting, day-to-day)")
        PJ = "pj", _("Pj. (acting, appointed)")
        DELEGATE = "delegate", _("Delegate (secretary)")

    ACTING_KINDS = (Kind.PLT, Kind.PLH, Kind.PJ)
    # What an acting official writes before the position's title ("Plh. Kepala Dinas …").
    QUALIFIERS = {Kind.PLT: "Plt.", Kind.PLH: "Plh.", Kind.PJ: "Pj."}

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    note = models.CharField(_("decree / reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("acting official or delegate")
        verbose_name_plural = _("acting officials and delegates")
        indexes = [models.Index(fields=["user", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}: {self.user}"

    @property
    def is_acting(self) -> bool:
        return self.kind in self.ACTING_KINDS

    @property
    def qualifier(self) -> str:
        return self.QUALIFIERS.get(self.kind, "")

    @staticmethod
    def in_force(at) -> Q:
        """The filter of the assignments in force at `at`: started, and not ended yet."""
        return Q(starts_at__lte=at) & (Q(ends_at__isnull=True) | Q(ends_at__gt=at))


class Holiday(models.Model):
    """A non-working day of a government: a national holiday or collective leave (cuti bersama)."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National holiday")
        COLLECTIVE_LEAVE = "collective_leave", _("Collective leave")
        LOCAL = "local", _("Local holiday")

    government = models.ForeignKey(Government, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NATIONAL)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["government", "date"], name="holiday_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
