"""Onboarding a city: organisation imports from a workbook, and each agency's rollout state."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Import(models.Model):
    """One uploaded workbook of the organisation: its dry run, then (once confirmed) its import.

    The file is kept in the row (a workbook of a whole city is about a megabyte) so the worker
    reads exactly what was checked. `report` holds the dry run's problems and planned changes;
    `progress`/`total` the worker's position while it reads and checks the sheets.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked")
        QUEUED = "queued", _("Waiting to import")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The agencies an agency administrator may touch; empty for a government administrator.
    agencies = models.ManyToManyField("organisations.Agency", blank=True, related_name="+")
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")
        indexes = [models.Index(fields=["government", "-created_at"])]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.total)) if self.total else 0

    @property
    def problems(self) -> list:
        return self.report.get("problems", [])


class PositionKey(models.Model):
    """The stable key of a position in the organisation workbook, and whether it is closed.

    Positions have no code a person can type; the workbook names them by a key the city
    chooses (or the position's UUID, as the export writes it). A position left out of a later
    workbook is closed — never deleted, because letters, inboxes and the audit trail point to it.
    """

    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="+"
    )
    position = models.OneToOneField(
        "organisations.Position", on_delete=models.CASCADE, related_name="import_key"
    )
    key = models.CharField(_("position code"), max_length=60)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("position code")
        verbose_name_plural = _("position codes")
        constraints = [
            models.UniqueConstraint(fields=["government", "key"], name="position_key_once"),
        ]

    def __str__(self) -> str:
        return self.key


class AgencyOnboarding(models.Model):
    """Where one agency is in the rollout: not started → trial → live, with the dates.

    An agency without a row counts as live (it was set up before onboarding was tracked). The
    state decides delivery: letters to an agency not live also go out by e-mail or on paper
    (kept in step with Agency.is_onboarded by do_set_onboarding_state).
    """

    class State(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        TRIAL = "trial", _("Trial")
        LIVE = "live", _("Live")

    agency = models.OneToOneField(
        "organisations.Agency", on_delete=models.CASCADE, related_name="onboarding"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    trial_started_on = models.DateField(_("trial started"), null=True, blank=True)
    live_on = models.DateField(_("live since"), null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("agency onboarding")
        verbose_name_plural = _("agency onboarding")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="live") | Q(live_on__isnull=False), name="live_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_state_display()}"


class Invitation(models.Model):
    """An e-mail inviting a newly imported employee to choose a password (never a mailed one).

    Created in the import's transaction; the worker sends the rows whose `sent_at` is empty, so
    sending twice is impossible and a lost task is caught up by the next one.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation"
    )
    source = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="invitations")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return str(self.user)
