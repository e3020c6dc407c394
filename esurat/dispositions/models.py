"""Dispositions: a superior's instructions forwarding a received letter down the hierarchy.

A disposition goes from one position to one subordinate position; one act of disposing to several
positions writes one row per recipient sharing a `batch`. Rows form a tree through `parent`: the
disposition by which the giver received the letter (none when the giver got it in their inbox).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from esurat.letters.models import Security


class Instruction(models.Model):
    """One entry of the editable list of instructions (isi disposisi), e.g. "Untuk diketahui"."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("instruction"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("disposition instruction")
        verbose_name_plural = _("disposition instructions")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class DispositionSettings(models.Model):
    """An agency's disposition options. An agency without a row uses the defaults."""

    agency = models.OneToOneField(
        "organisations.Agency", on_delete=models.CASCADE, related_name="disposition_settings"
    )
    delegate_may_send = models.BooleanField(
        _("delegates may send dispositions on the leader's behalf"),
        default=False,
        help_text=_("Otherwise a delegate's disposition waits for the leader's approval."),
    )
    allow_sideways = models.BooleanField(
        _("allow dispositions to any position of the agency"),
        default=False,
        help_text=_("Otherwise dispositions go only to positions below the giver."),
    )

    class Meta:
        verbose_name = _("disposition settings")
        verbose_name_plural = _("disposition settings")

    def __str__(self) -> str:
        return str(self.agency)


class Disposition(models.Model):
    """One instruction from one position to one subordinate position about one letter.

    States: prepared (a delegate's proposal waiting for the leader) → sent → read → done (a
    follow-up was reported) → reopened (by the giver) → done… A sent disposition may be withdrawn
    while unread; a prepared one may be discarded (withdrawn as well).
    """

    class State(models.TextChoices):
        PREPARED = "prepared", _("Awaiting the leader's approval")
        SENT = "sent", _("Unread")
        READ = "read", _("Read")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REOPENED = "reopened", _("Reopened")

    OPEN_STATES = (State.SENT, State.READ, State.REOPENED)
    VISIBLE_STATES = (State.SENT, State.READ, State.DONE, State.REOPENED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    batch = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.CASCADE, related_name="dispositions"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    from_position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="dispositions_given"
    )
    to_position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="dispositions_received"
    )
    # The letter's security class, copied as InboxEntry.security is: a delegate's lists and
    # counters leave out R/SR rows without joining the letter of each of the head's rows. A
    # letter's class is fixed before it can be disposed (only drafts change it).
    security = models.CharField(max_length=2, choices=Security.choices)
    instructions = models.ManyToManyField(Instruction, related_name="+", blank=True)
    note = models.TextField(_("note"), blank=True)
    due_date = models.DateField(_("due date"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_as = models.CharField(max_length=10, blank=True, help_text="plt/plh/pj/delegate")
    created_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_as = models.CharField(max_length=10, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_as = models.CharField(max_length=10, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_by_parent = models.BooleanField(
        default=False, help_text="Closed because a disposition above it reported its follow-up"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["to_position", "-created_at", "-id"], name="disposition_received"),
            models.Index(fields=["from_position", "-created_at", "-id"], name="disposition_given"),
            # Open and prepared rows only: the overdue box (open) and the counters (open and
            # prepared) read these, never the years of done rows. Prepared must be in the
            # condition, or the counters' query fetches every row of a heavy giver's position
            # (43,000 for the Sekda in bench/README.md, issue 3).
            models.Index(
                fields=["to_position", "due_date"],
                condition=Q(state__in=["sent", "read", "reopened", "prepared"]),
                name="disposition_open_due",
            ),
            models.Index(
                fields=["from_position", "due_date"],
                condition=Q(state__in=["sent", "read", "reopened", "prepared"]),
                name="disposition_given_open_due",
            ),
            # The unread-dispositions badge on every page counts only these: without it the
            # count visits every open row of the position (4,000 read-but-not-done for the
            # Sekretaris Setda in the bench) to find the few hundred unread.
            models.Index(
                fields=["to_position"], condition=Q(state="sent"), name="disposition_unread"
            ),
            # The to-approve badge: the few prepared rows of a giver, not every open one it gave
            # (8,000 for the Sekda in the bench).
            models.Index(
                fields=["from_position", "batch"],
                condition=Q(state="prepared"),
                name="disposition_prepared",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_position=F("to_position")), name="disposition_not_to_self"
            ),
            # A row without its class would count as ordinary and show an R/SR letter's
            # dispositions to the head's delegate: refused by the database instead.
            models.CheckConstraint(
                condition=Q(security__in=Security.values), name="disposition_security_known"
            ),
            models.UniqueConstraint(
                fields=["letter", "from_position", "to_position"],
                condition=~Q(state="withdrawn"),
                name="disposition_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_position} → {self.to_position}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


def follow_up_path(instance, filename):
    return f"dispositions/{instance.follow_up.disposition.code}/{uuid.uuid4().hex}"


class FollowUp(models.Model):
    """A follow-up report (tindak lanjut) on a disposition: text and files. It closes the branch."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    disposition = models.ForeignKey(
        Disposition, on_delete=models.CASCADE, related_name="follow_ups"
    )
    text = models.TextField(_("report"))
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_as = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUpFile(models.Model):
    """A PDF or image attached to a follow-up report, checked by content, with its SHA-256."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=follow_up_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name shown and served: safe even for a file stored before names were cleaned at
        upload (esurat.lib.files.safe_filename)."""
        from esurat.lib.files import safe_filename

        return safe_filename(self.original_name, self.content_type)
