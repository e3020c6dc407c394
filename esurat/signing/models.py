"""Signatures: the recorded act of a signatory signing one version of a letter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Signature(models.Model):
    """One signatory's signature on one letter version, with who signed acting for whom.

    `content_sha256` is the hash of the signed content (the version text now; the PDF once the
    PAdES providers exist). `provider` names the SigningProvider that made it.
    """

    letter = models.ForeignKey("letters.Letter", on_delete=models.PROTECT, related_name="signatures")
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="signatures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acting_as = models.CharField(max_length=10, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=20, blank=True)
    version = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64)
    provider = models.CharField(max_length=20)
    level = models.CharField(max_length=20, blank=True)
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "position"], name="signature_once"),
        ]
