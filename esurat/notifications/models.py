"""Notifications: one row per (event, person, channel), each person's choice of channels and
quiet hours, their Telegram chat, and the government's outside channels (Telegram bot, the
WhatsApp gateway's webhook).

The flow (docs/architecture.md, "Notifications"): a do_* action calls
`esurat.notifications.dispatch.notify`, which fans the event out to people and channels after
the action commits; `esurat.notifications.sending` sends each outside row exactly once in effect.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message of one event to one person on one channel.

    `key` (unique) is the idempotency key: "<event key>:<user pk>:<channel>"; making the same
    event twice adds nothing. The in-app row (channel INAPP) is the bell's entry and is SENT as
    soon as it exists; outside rows go PENDING (or HELD for quiet hours) → SENDING (claimed by one
    sender, `attempts` + 1) → SENT, or back to PENDING with a later `next_attempt_at` after a
    temporary failure, FAILED after the last attempt, DEAD when the target no longer exists.
    """

    class Kind(models.TextChoices):
        INBOX_TO = "inbox_to", _("A letter addressed to you")
        INBOX_CC = "inbox_cc", _("A copy of a letter (tembusan) for you")
        DISPOSITION = "disposition", _("A disposition to you")
        TO_REVIEW = "to_review", _("A draft waiting for your paraf")
        TO_SIGN = "to_sign", _("A letter waiting for your signature")
        COSIGN = "cosign", _("A co-signature due from you")
        RETURNED = "returned", _("A draft returned to you")
        FOLLOW_UP = "follow_up", _("A follow-up reported to you")
        REVOKED = "revoked", _("A letter you hold revoked")
        CORRECTED = "corrected", _("A letter you hold corrected")
        # Sent by esurat.reminders (the morning digest, reminders and escalation).
        DIGEST = "digest", _("The morning digest")
        DUE_TOMORROW = "due_tomorrow", _("A disposition due tomorrow")
        DUE_TODAY = "due_today", _("A disposition due today")
        OVERDUE = "overdue", _("A disposition overdue")
        ESCALATION = "escalation", _("A subordinate's overdue item")
        DRAFT_WAITING = "draft_waiting", _("A draft waiting too long")

    class Channel(models.TextChoices):
        INAPP = "inapp", _("In e-Surat")
        EMAIL = "email", _("E-mail")
        PUSH = "push", _("Phone notification")
        TELEGRAM = "telegram", _("Telegram")
        WEBHOOK = "webhook", _("WhatsApp")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        HELD = "held", _("Held for quiet hours")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DEAD = "dead", _("Target gone")

    DUE_STATES = (State.PENDING, State.HELD)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    event = models.CharField(max_length=150, help_text="The event's key, shared by its rows")
    key = models.CharField(max_length=200, unique=True, help_text="Idempotency key")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, help_text="The in-app path of the item")
    urgent = models.BooleanField(default=False)
    secret = models.BooleanField(
        default=False, help_text="An R/SR letter: no channel outside the app carries its subject"
    )
    acting_label = models.CharField(max_length=250, blank=True)
    letter = models.ForeignKey(
        "letters.Letter", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    disposition = models.ForeignKey(
        "dispositions.Disposition", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The bell's list, newest first, and its unread counter.
            models.Index(
                fields=["user", "-created_at", "-id"], condition=Q(channel="inapp"),
                name="notif_inapp_page",
            ),
            models.Index(
                fields=["user"], condition=Q(channel="inapp", read_at__isnull=True),
                name="notif_inapp_unread",
            ),
            # What the sender has to do: due rows and claims abandoned by a dead worker.
            models.Index(
                fields=["next_attempt_at"], condition=Q(state__in=["pending", "held"]),
                name="notif_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="notif_sending"
            ),
            models.Index(fields=["event"], name="notif_event"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id} ({self.channel}, {self.state})"

    def outside_title(self) -> str:
        """The title a channel outside the app may carry: never a secret letter's subject."""
        if self.secret:
            return str(_("A classified letter is waiting for you in e-Surat"))
        return self.title

    def outside_body(self) -> str:
        if self.secret:
            return str(_("Open e-Surat to read it."))
        return self.body


class ChannelChoice(models.Model):
    """A person's channels for one kind of event. No row: the defaults (DEFAULT_CHANNELS).

    In-app is always on: the bell is where nothing is ever lost.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_choices"
    )
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    email = models.BooleanField(default=False)
    push = models.BooleanField(default=True)
    telegram = models.BooleanField(default=False)
    webhook = models.BooleanField(default=False)

    OUTSIDE = ("email", "push", "telegram", "webhook")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="channel_choice_once"),
        ]

    def channels(self) -> set[str]:
        return {name for name in self.OUTSIDE if getattr(self, name)}


def default_channels(kind: str) -> set[str]:
    """In-app (always) and push for everything; e-mail for the morning digest only."""
    channels = {Notification.Channel.PUSH.value}
    if kind == Notification.Kind.DIGEST:
        channels.add(Notification.Channel.EMAIL.value)
    return channels


class PersonalSettings(models.Model):
    """A person's quiet hours (in their government's zone) and their WhatsApp number.

    No row: quiet hours 20:00–06:00 and no number.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    quiet_hours = models.BooleanField(_("hold messages during quiet hours"), default=True)
    quiet_from = models.TimeField(_("quiet from"), default=datetime.time(20, 0))
    quiet_until = models.TimeField(_("quiet until"), default=datetime.time(6, 0))
    whatsapp = models.CharField(
        _("WhatsApp number"), max_length=20, blank=True,
        help_text=_("For messages through the city's WhatsApp gateway, e.g. 6281234567890."),
    )  # fmt: skip


class TelegramLink(models.Model):
    """A person's Telegram chat with the government's bot, and the one-time code that links it.

    The person asks for a code on their settings page and sends "/start CODE" to the bot; the
    sender reads the bot's updates (getUpdates) and stores the chat id. The code is single-use
    and expires after TELEGRAM_CODE_MINUTES.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link"
    )
    chat_id = models.CharField(max_length=40, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    link_code = models.CharField(max_length=20, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link_code"], condition=~Q(link_code=""), name="telegram_code_once"
            ),
        ]


class GovernmentChannels(models.Model):
    """The outside channels a government runs: its Telegram bot and its WhatsApp gateway.

    The bot token may also come from the environment (TELEGRAM_BOT_TOKEN); the webhook URL is
    checked against private and loopback addresses when saved and again at every send, unless
    `webhook_allow_private` says the admin means an address inside the network.
    """

    government = models.OneToOneField(
        "organisations.Government", on_delete=models.CASCADE, related_name="channels"
    )
    telegram_bot_token = models.CharField(_("Telegram bot token"), max_length=100, blank=True)
    telegram_bot_username = models.CharField(_("Telegram bot username"), max_length=60, blank=True)
    telegram_offset = models.BigIntegerField(default=0, help_text="Next getUpdates offset")
    webhook_url = models.URLField(_("WhatsApp gateway URL"), max_length=500, blank=True)
    webhook_secret = models.CharField(_("WhatsApp gateway secret"), max_length=200, blank=True)
    webhook_allow_private = models.BooleanField(
        _("allow a private or local address"), default=False,
        help_text=_("Only for a gateway inside the government's own network."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("notification channels")
        verbose_name_plural = _("notification channels")

    def __str__(self) -> str:
        return str(self.government)
