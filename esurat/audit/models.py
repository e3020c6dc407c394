"""The audit trail: append-only, hash-chained per government."""

import hashlib
import json
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditChain(models.Model):
    """The head of one government's hash chain; locked while an event is appended."""

    government = models.OneToOneField(
        "organisations.Government", on_delete=models.CASCADE, related_name="audit_chain"
    )
    last_hash = models.CharField(max_length=64, default="0" * 64)
    length = models.PositiveBigIntegerField(default=0)


class AuditEvent(models.Model):
    """One thing that happened: who did it, acting for which position, when, from where.

    Each row's hash covers its content and the previous row's hash, so editing or deleting a row
    breaks every later hash (see esurat.audit.actions.verify_chain).
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.PROTECT, related_name="audit_events"
    )
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    acting_for = models.ForeignKey(
        "organisations.Position", null=True, on_delete=models.PROTECT, related_name="+"
    )
    acting_as = models.CharField(
        max_length=10, blank=True, help_text=_("plt, plh, pj or delegate when not the holder")
    )
    action = models.CharField(max_length=60)
    letter = models.ForeignKey(
        "letters.Letter", null=True, on_delete=models.PROTECT, related_name="events"
    )
    ip_address = models.GenericIPAddressField(null=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["letter", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["government", "seq"], name="audit_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def payload(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "acting_for": self.acting_for_id,
                "acting_as": self.acting_as,
                "action": self.action,
                "letter": self.letter_id,
                "ip": self.ip_address,
                "data": self.data,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()
