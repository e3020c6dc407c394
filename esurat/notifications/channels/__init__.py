"""The channels outside the app, by name (`Notification.Channel`). Explicit imports only.

The Web Push channel (esurat/pwa/channel.py) adds its own line: "push": PushChannel().
In-app is not here: its row is the bell's entry, made SENT (esurat.notifications.dispatch).
"""

from esurat.notifications.channels.base import Channel, PermanentFailure, TemporaryFailure
from esurat.notifications.channels.email import EmailChannel
from esurat.notifications.channels.telegram import TelegramChannel
from esurat.notifications.channels.webhook import WebhookChannel

REGISTRY: dict[str, Channel] = {
    "email": EmailChannel(),
    "telegram": TelegramChannel(),
    "webhook": WebhookChannel(),
}

__all__ = ["REGISTRY", "Channel", "PermanentFailure", "TemporaryFailure"]
