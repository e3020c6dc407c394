"""Reports: the city's prices for paper and toner, each official's first activity of the day, and
the page counts of sent letters — what the evaluation dashboard (figures.py) reads besides the
letters, dispositions and dispatch book themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaperPrices(models.Model):
    """The prices a government counts paper savings at (rupiah). One row per government; a
    government without a row uses the defaults below, the 2026 e-katalog prices of Banua Raya."""

    government = models.OneToOneField(
        "organisations.Government", on_delete=models.CASCADE, related_name="paper_prices"
    )
    per_sheet = models.DecimalField(
        _("price per sheet (Rp)"), max_digits=10, decimal_places=2, default=120
    )
    toner_per_page = models.DecimalField(
        _("toner per printed page (Rp)"), max_digits=10, decimal_places=2, default=150
    )
    per_envelope = models.DecimalField(
        _("price per envelope (Rp)"), max_digits=10, decimal_places=2, default=500
    )
    sheets_per_ream = models.PositiveSmallIntegerField(_("sheets per ream"), default=500)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("paper prices")
        verbose_name_plural = _("paper prices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(per_sheet__gte=0, toner_per_page__gte=0, per_envelope__gte=0,
                                   sheets_per_ream__gt=0),
                name="paper_prices_not_negative",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(self.government)


class DailyActivity(models.Model):
    """An official's first request of a working day: one row per user and local day.

    Written at most once a day per session (esurat.reports.middleware); the local minute of the
    day (in the government's zone) answers "who opened e-Surat before 09:00" without converting
    time zones in the query. `agency` is the agency of the user's first seat that day (none for
    a user without a position, who is not counted as an official).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    first_at = models.DateTimeField()
    first_minute = models.PositiveSmallIntegerField(help_text="Minutes after local midnight")

    class Meta:
        indexes = [models.Index(fields=["government", "day"], name="activity_by_day")]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="activity_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(first_minute__lt=1440), name="activity_minute_of_day"
            ),
        ]


class PageCount(models.Model):
    """The pages of a sent letter as delivered: its signed PDF and its attachments (an image is
    one page). Counted by the worker after delivery and by `manage.py count_pages` (backfill);
    a letter without a row is counted as one page, and the dashboard says how many those are."""

    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.CASCADE, related_name="page_count"
    )
    letter_pages = models.PositiveIntegerField()
    attachment_pages = models.PositiveIntegerField()
    counted_at = models.DateTimeField()

    @property
    def pages(self) -> int:
        return self.letter_pages + self.attachment_pages


class DailyFigures(models.Model):
    """One agency's evaluation figures of one local day: what the dashboard sums over a period
    (esurat/reports/rollup.py builds the rows, figures.py reads them).

    Each count belongs to the agency the figure is about: letters, copies and pages to the
    sending agency on the day sent; deliveries and reads to the receiving agency on the day
    delivered; first dispositions and their sheets to the giver's agency on the day sent;
    dispositions due to the receiver's agency on the due day; signatures to the letter's agency
    on the day signed; activity to the official's agency. The durations behind the medians and
    p90 are kept one by one in DurationSample, so they are exact over any period. Rebuilt for a
    span of recent days by `manage.py rollup_figures` (idempotent).
    """

    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("organisations.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    letters_sent = models.PositiveIntegerField(default=0)
    inbox_copies = models.PositiveIntegerField(default=0)
    email_copies = models.PositiveIntegerField(default=0)
    paper_copies = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    read = models.PositiveIntegerField(default=0)
    disposed = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    page_copies = models.PositiveIntegerField(default=0)
    envelopes = models.PositiveIntegerField(default=0)
    uncounted = models.PositiveIntegerField(default=0)
    disposition_sheets = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["government", "day"], name="figures_by_day")]
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="figures_once_a_day"),
        ]


class DurationSample(models.Model):
    """One duration behind the dashboard's medians and p90, filed under the agency and local day
    its DailyFigures row counts it: a read (delivery to first read), a first disposition
    (delivery to disposition), a draft's review or its wait for the signature. Rebuilt with the
    daily rows (rollup.py)."""

    class Measure(models.TextChoices):
        READ = "read", _("Delivery to first read")
        DISPOSE = "dispose", _("Delivery to disposition")
        REVIEW = "review", _("Time in review")
        SIGNATURE = "signature", _("Time to signature")

    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey("organisations.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    measure = models.CharField(max_length=10, choices=Measure.choices)
    seconds = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["government", "measure", "day", "seconds"], name="duration_by_day")
        ]
