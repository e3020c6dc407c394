"""The installable app (PWA): the browsers that asked to receive Web Push messages."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PushSubscription(models.Model):
    """One browser (an installed app on a phone, a desktop browser) that receives a user's Web
    Push messages. The endpoint is the push service's address for that browser; p256dh and auth
    are the browser's keys the payload is encrypted to. A subscription the push service answers
    404/410 for is gone for good and is deleted (esurat/pwa/channel.py)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(_("endpoint"), max_length=2000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(p256dh="") & ~models.Q(auth=""), name="push_keys_present"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.endpoint[:60]}"

    def info(self) -> dict:
        """The subscription as the Push API gives it (and pywebpush takes it)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
