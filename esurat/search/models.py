"""Search: the text read from a letter's scan, and what it proposes for the letter's metadata."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterText(models.Model):
    """The text of one letter's scan (its own text layer or OCR), at most one per letter.

    Created as `pending` when the scan is stored; the background reader fills `text` and
    `proposal` in one write and sets `done`, so a reader killed halfway and run again still leaves
    exactly one text. `scan_sha256` says which file the text was read from.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be read")
        RUNNING = "running", _("Being read")
        DONE = "done", _("Read")
        FAILED = "failed", _("Could not be read")

    class Source(models.TextChoices):
        NONE = "", _("Not read yet")
        PDF = "pdf", _("The PDF's own text")
        OCR = "ocr", _("Text recognition (OCR)")
        MIXED = "mixed", _("The PDF's own text and OCR")

    letter = models.OneToOneField(
        "letters.Letter", on_delete=models.CASCADE, related_name="scan_text"
    )
    scan = models.ForeignKey(
        "letters.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scan_sha256 = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True, default="")
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    proposal = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("letter text")
        verbose_name_plural = _("letter texts")
        indexes = [models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.state}"

    @property
    def is_waiting(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)
