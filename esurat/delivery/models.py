"""Delivery outside the system: the copies of a sent letter that leave e-Surat by e-mail or on
paper, and the agency's dispatch book (buku ekspedisi) they are entered in."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Dispatch(models.Model):
    """One copy of a sent letter for one recipient outside the system — an external party, or an
    agency not yet on e-Surat — and its way there: e-mailed by the worker (retried until it is
    accepted by the mail server) or printed and carried by a courier.

    Every row is an entry of the sending agency's dispatch book, numbered per agency and year.
    `key` names the recipient ("external:<pk>", "agency:<pk>") so planning twice adds nothing.
    """

    class Purpose(models.TextChoices):
        LETTER = "letter", _("The letter")
        REVOCATION = "revocation", _("Notice of revocation")

    class Method(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PRINT = "print", _("On paper")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Failed, will retry")
        FAILED = "failed", _("Failed")
        TO_PRINT = "to_print", _("To print")
        PRINTED = "printed", _("Printed")
        CARRIED = "carried", _("Carried")
        RECEIVED = "received", _("Received")
        WITHHELD = "withheld", _("Not sent: the letter was revoked")

    PENDING_MAIL = (State.QUEUED, State.RETRYING)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="dispatches"
    )
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="dispatches",
        help_text="The sending agency, whose dispatch book lists the row",
    )  # fmt: skip
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.LETTER)
    key = models.CharField(max_length=60)
    kind = models.CharField(max_length=2, default="to")  # Recipient.Kind: to / cc
    recipient_name = models.CharField(_("recipient"), max_length=300)
    email = models.EmailField(_("e-mail"), blank=True)
    external = models.ForeignKey(
        "letters.ExternalParty", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=6, choices=Method.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # E-mail: attempts and the next one; a row is claimed (SENDING) while the mail server talks.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    # The dispatch book (buku ekspedisi).
    book_year = models.PositiveSmallIntegerField()
    book_seq = models.PositiveIntegerField()
    printed_at = models.DateTimeField(null=True, blank=True)
    carried_by = models.CharField(_("carried by"), max_length=200, blank=True)
    carried_at = models.DateTimeField(_("carried on"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-book_year", "-book_seq"]
        indexes = [
            models.Index(fields=["agency", "-book_year", "-book_seq"], name="dispatch_book"),
            models.Index(
                fields=["next_attempt_at"], condition=Q(state__in=["queued", "retrying"]),
                name="dispatch_mail_due",
            ),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "purpose", "key"], name="dispatch_once_per_recipient"
            ),
            models.UniqueConstraint(
                fields=["agency", "book_year", "book_seq"], name="dispatch_book_number_once"
            ),
            models.CheckConstraint(
                condition=Q(method="print") | ~Q(email=""), name="dispatch_email_has_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.book_seq}/{self.book_year} {self.recipient_name}"

    @property
    def book_number(self) -> str:
        return f"{self.book_seq:04d}/{self.book_year}"
