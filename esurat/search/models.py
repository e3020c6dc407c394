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


class AttachmentText(models.Model):
    """The text of one attachment of a letter (a PDF's own text, or OCR of its image pages or of
    an image), read by the worker after the upload commits (letters.tasks.read_attachment) so
    that its words are findable. The scan of an incoming letter is read into LetterText instead.
    `sha256` says which file the text was read from; a run killed halfway and run again leaves
    one text."""

    attachment = models.OneToOneField(
        "letters.Attachment", on_delete=models.CASCADE, related_name="read_text"
    )
    state = models.CharField(
        max_length=10, choices=LetterText.State.choices, default=LetterText.State.PENDING
    )
    sha256 = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attachment text")
        verbose_name_plural = _("attachment texts")
        indexes = [models.Index(fields=["state", "updated_at"], name="search_attext_state")]

    def __str__(self) -> str:
        return f"{self.attachment_id}: {self.state}"


class SearchEntry(models.Model):
    """The searchable form of one letter, at most one per letter (its primary key is the letter).

    Written by `esurat.search.backends.index_letter` inside the transaction of the `do_*` action
    that created or changed the letter (or by the scan reader, or `manage.py reindex`), so a
    letter is findable the moment its change commits. The text columns hold the letter's words
    folded to lower case without accents or punctuation (`search.text.fold`): `title` its subject,
    `numbers` its letter, sender's and agenda numbers, `names` its sender, recipients and agency,
    `body` its body, summary and the text read from its scan. The database indexes them: on
    PostgreSQL a weighted tsvector column with a GIN index and trigram indexes on `numbers` and
    `names` (migration 0003), on SQLite the FTS5 table `search_fts` (same migration). The other
    columns are copies of the letter's, so filters and facets are answered from this one table.
    """

    letter = models.OneToOneField(
        "letters.Letter", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.ForeignKey(
        "letters.LetterKind", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    classification = models.ForeignKey(
        "letters.Classification", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    origin = models.CharField(max_length=12)
    state = models.CharField(max_length=20)
    security = models.CharField(max_length=2)
    dated = models.DateField(help_text="The letter's date, else the date received or drafted")
    sort_at = models.DateTimeField(help_text="When sent, else when registered or drafted")
    title = models.TextField(blank=True)
    numbers = models.TextField(blank=True)
    names = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            models.Index(fields=["government", "-sort_at", "-letter"], name="search_newest"),
            models.Index(fields=["agency", "state"], name="search_agency_state"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.title[:40]}"
