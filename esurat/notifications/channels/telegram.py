"""Telegram: the government's bot sends each message with the Bot API's sendMessage.

The bot token comes from the government's channel settings or, for the whole installation, from
TELEGRAM_BOT_TOKEN; TELEGRAM_API_URL (default https://api.telegram.org) is where the Bot API is
(tests point it at a local server). A person links their chat with a one-time code: the settings
page shows it with a t.me link, the person sends "/start CODE" to the bot, and `poll_updates`
(run by `manage.py send_notifications`) reads the bot's updates with getUpdates — no public
address, no webhook to register — and stores the chat. A chat that blocked the bot (403) is
unlinked and its rows end DEAD.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction

from esurat.notifications.channels.base import (
    Channel,
    PermanentFailure,
    TemporaryFailure,
    among,
)
from esurat.notifications.links import one_tap_url
from esurat.notifications.models import GovernmentChannels, TelegramLink

logger = logging.getLogger(__name__)


def _own(government) -> GovernmentChannels | None:
    if government is None:
        return None
    return GovernmentChannels.objects.filter(government=government).first()


def bot_token(government) -> str:
    own = _own(government)
    return (own.telegram_bot_token if own else "") or getattr(settings, "TELEGRAM_BOT_TOKEN", "")


def bot_username(government) -> str:
    own = _own(government)
    name = (own.telegram_bot_username if own else "") or getattr(
        settings, "TELEGRAM_BOT_USERNAME", ""
    )
    return name.lstrip("@")


def configured(government) -> bool:
    return bool(bot_token(government))


class TelegramError(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(f"{status}: {description}")
        self.status = status


def call(token: str, method: str, payload: dict, *, timeout: float = 10) -> object:
    """One Bot API call; its `result`, or TelegramError (HTTP status and description), or
    TemporaryFailure when the API cannot be reached."""
    base = getattr(settings, "TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
    request = urllib.request.Request(
        f"{base}/bot{token}/{method}", data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            description = json.loads(exc.read() or b"{}").get("description", "")
        except ValueError:
            description = ""
        raise TelegramError(exc.code, description or exc.reason) from exc
    except (OSError, ValueError) as exc:
        raise TemporaryFailure(f"Telegram unreachable: {exc}") from exc
    if not answer.get("ok"):
        raise TelegramError(400, answer.get("description", ""))
    return answer.get("result")


def message_text(notification) -> str:
    lines = [notification.outside_title()]
    if notification.acting_label:
        lines.append(f"({notification.acting_label})")
    if body := notification.outside_body():
        lines.append(body)
    lines.append(one_tap_url(user=notification.user, path=notification.url, purpose="open"))
    return "\n".join(lines)


class TelegramChannel(Channel):
    name = "telegram"

    def reachable(self, user_ids):
        return set(
            TelegramLink.objects.filter(among(TelegramLink, "user", user_ids))
            .exclude(chat_id="")
            .values_list("user_id", flat=True)
        )

    def send(self, notification) -> None:
        link = TelegramLink.objects.filter(user=notification.user).exclude(chat_id="").first()
        if link is None:
            raise PermanentFailure("no Telegram chat linked")
        token = bot_token(notification.user.government)
        if not token:
            raise TemporaryFailure("no Telegram bot configured")
        try:
            call(token, "sendMessage", {"chat_id": link.chat_id, "text": message_text(
                notification), "disable_web_page_preview": True})  # fmt: skip
        except TelegramError as exc:
            if exc.status == 403 or (exc.status == 400 and "chat not found" in str(exc)):
                TelegramLink.objects.filter(pk=link.pk, chat_id=link.chat_id).update(
                    chat_id="", linked_at=None
                )
                raise PermanentFailure(f"Telegram chat gone: {exc}") from exc
            raise TemporaryFailure(f"Telegram: {exc}") from exc


def poll_updates(government=None) -> int:
    """Read the bot's new messages and link the chats that sent "/start CODE". Returns how many
    chats were linked. The offset is kept per government, so an update is handled once."""
    from esurat.notifications.actions import do_link_telegram

    token = bot_token(government)
    if not token:
        return 0
    own = None
    if government is not None:
        own, _ = GovernmentChannels.objects.get_or_create(government=government)
    offset = own.telegram_offset if own else 0
    try:
        updates = call(token, "getUpdates", {"offset": offset, "timeout": 0,
                                             "allowed_updates": ["message"]})  # fmt: skip
    except (TelegramError, TemporaryFailure) as exc:
        logger.warning("Telegram getUpdates failed: %s", exc)
        return 0
    linked = 0
    for update in updates or []:
        offset = max(offset, int(update.get("update_id", 0)) + 1)
        message = update.get("message") or {}
        text = (message.get("text") or "").strip()
        chat = (message.get("chat") or {}).get("id")
        if not chat or not text.startswith("/start"):
            continue
        code = text.removeprefix("/start").strip()
        link = do_link_telegram(code=code, chat_id=str(chat), government=government)
        reply = (
            "e-Surat: akun Telegram ini sudah terhubung. Pemberitahuan akan dikirim ke sini."
            if link
            else "e-Surat: kode tidak dikenal atau sudah kedaluwarsa. Minta kode baru di "
            "halaman Pengaturan pemberitahuan."
        )
        linked += bool(link)
        try:
            call(token, "sendMessage", {"chat_id": chat, "text": reply})
        except (TelegramError, TemporaryFailure) as exc:
            logger.info("Telegram reply to %s failed: %s", chat, exc)
    if own is not None:
        with transaction.atomic():
            GovernmentChannels.objects.filter(pk=own.pk, telegram_offset__lt=offset).update(
                telegram_offset=offset
            )
    return linked
