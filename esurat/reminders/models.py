"""Reminders: a government's reminder options and the record of each scheduled job's run."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_DRAFT_WAIT_DAYS = 2


class ReminderSettings(models.Model):
    """A government's reminder options. A government without a row uses the defaults."""

    government = models.OneToOneField(
        "organisations.Government", on_delete=models.CASCADE, related_name="reminder_settings"
    )
    draft_wait_days = models.PositiveSmallIntegerField(
        _("working days a draft may wait for a paraf or signature"),
        default=DEFAULT_DRAFT_WAIT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("After this many working days the reviewer or signatory is reminded; one "
                    "working day later their superior is told."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draft_wait_days__gte=1, draft_wait_days__lte=30),
                name="reminder_draft_wait_days_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.government)


class JobRun(models.Model):
    """One scheduled job (the 07:00 digest, the reminders) for one government on one date of its
    own calendar. The row is claimed (inserted) before the job runs: the unique constraint lets
    exactly one scheduler claim a day, so two schedulers, a repeated run, a clock set back or a
    changed time zone never run a job twice for the same local date. A failed run, or a run
    whose process died (still `running` long after its claim), may be claimed again; what it
    sends is keyed per item and day, so a second attempt sends only what the first did not."""

    class Job(models.TextChoices):
        DIGEST = "digest", _("Morning digest")
        REMINDERS = "reminders", _("Reminders and escalation")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not a working day")

    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="job_runs"
    )
    job = models.CharField(max_length=20, choices=Job.choices)
    local_date = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0, help_text="Messages handed to notify()")
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        ordering = ["-local_date", "job"]
        constraints = [
            models.UniqueConstraint(
                fields=["government", "job", "local_date"], name="job_run_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.local_date} ({self.state})"
