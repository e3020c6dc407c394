"""Changes to a person's notifications and their choices.

Marking notifications read writes no audit event: a read mark on one's own bell is not an act on
a letter (the letter's own read receipt, letters.actions.do_mark_read, is audited). A change of
channels or quiet hours, and linking a Telegram chat, are.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from esurat.audit.actions import Actor, record_event
from esurat.notifications.models import (
    ChannelChoice,
    Notification,
    PersonalSettings,
    TelegramLink,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def do_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's in-app notifications read (once: the first time is kept)."""
    Notification.objects.filter(pk=notification.pk, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def do_mark_all_read(*, user) -> int:
    """Mark every unread in-app notification of the user read. Returns how many."""
    return Notification.objects.filter(
        user=user, channel=Notification.Channel.INAPP, read_at__isnull=True
    ).update(read_at=timezone.now())


def _audit(user, action: str, data: dict, ip_address=None) -> None:
    if user.government_id:
        record_event(government=user.government, actor=Actor(user, None, "", ip_address),
                     action=action, data=data)  # fmt: skip


@transaction.atomic
def do_save_preferences(
    *, user, choices: dict[str, set[str]], quiet_hours: bool, quiet_from: datetime.time,
    quiet_until: datetime.time, whatsapp: str, ip_address=None,
) -> None:  # fmt: skip
    """Store the user's channels per kind (`choices`: kind → outside channel names) and quiet
    hours. Locks the user's settings row; one ChannelChoice row per kind, replaced whole."""
    own, _ = PersonalSettings.objects.select_for_update().get_or_create(user=user)
    own.quiet_hours, own.quiet_from, own.quiet_until = quiet_hours, quiet_from, quiet_until
    own.whatsapp = whatsapp
    own.save()
    for kind, channels in choices.items():
        ChannelChoice.objects.update_or_create(
            user=user, kind=kind,
            defaults={name: name in channels for name in ChannelChoice.OUTSIDE},
        )  # fmt: skip
    _audit(user, "notifications.preferences_changed", {
        "quiet_hours": quiet_hours, "quiet_from": quiet_from.isoformat("minutes"),
        "quiet_until": quiet_until.isoformat("minutes"),
        "channels": {k: sorted(v) for k, v in sorted(choices.items())},
    }, ip_address)  # fmt: skip


def code_minutes() -> int:
    return int(getattr(settings, "TELEGRAM_CODE_MINUTES", 15))


@transaction.atomic
def do_new_telegram_code(*, user) -> TelegramLink:
    """A fresh one-time code for linking the user's Telegram chat (the previous one is void)."""
    link, _ = TelegramLink.objects.select_for_update().get_or_create(user=user)
    link.link_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    link.code_expires_at = timezone.now() + datetime.timedelta(minutes=code_minutes())
    link.save()
    return link


@transaction.atomic
def do_link_telegram(*, code: str, chat_id: str, government=None) -> TelegramLink | None:
    """Link the chat that sent this one-time code; the code is then used up. None when the code
    is unknown or expired (or belongs to another government's user)."""
    code = code.strip().upper()
    if not code:
        return None
    link = (
        TelegramLink.objects.select_for_update()
        .select_related("user")
        .filter(link_code=code, code_expires_at__gt=timezone.now())
        .first()
    )
    if link is None or (government is not None and link.user.government_id != government.pk):
        return None
    link.chat_id, link.linked_at = str(chat_id), timezone.now()
    link.link_code, link.code_expires_at = "", None
    link.save()
    _audit(link.user, "notifications.telegram_linked", {})
    return link


@transaction.atomic
def do_unlink_telegram(*, user) -> None:
    """Forget the user's Telegram chat (asked by the user, or the bot was blocked)."""
    TelegramLink.objects.filter(user=user).update(chat_id="", linked_at=None)


# The government's outside channels, changed by its administrator in the admin
# (esurat/notifications/admin.py), each change audited with the secrets masked.
CHANNEL_FIELDS = ["government", "telegram_bot_token", "telegram_bot_username", "webhook_url",
                  "webhook_secret", "webhook_allow_private"]  # fmt: skip


@transaction.atomic
def do_save_government_channels(*, channels, user, ip_address=None):
    """Create or change a government's Telegram bot and WhatsApp gateway settings (the form has
    checked the gateway's address). Records `notification_channels.created` / `.changed`; the
    token and the secret are recorded as changed, never their values."""
    from esurat.audit.actions import save_audited

    save_audited(channels, fields=CHANNEL_FIELDS, kind="notification_channels",
                 government=channels.government, user=user, ip_address=ip_address,
                 secret=("telegram_bot_token", "webhook_secret"))  # fmt: skip
    return channels


@transaction.atomic
def do_delete_government_channels(*, channels, user, ip_address=None) -> None:
    """Remove a government's outside channels (Telegram and WhatsApp stop). Audited."""
    from esurat.audit.actions import delete_audited

    delete_audited(channels, kind="notification_channels", government=channels.government,
                   user=user, ip_address=ip_address)  # fmt: skip
