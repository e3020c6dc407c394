"""Real local services for the notification tests: an SMTP server (aiosmtpd, from
esurat/delivery/tests), and an http.server that records what it receives and answers like the
Telegram Bot API or a WhatsApp gateway."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from esurat.delivery.tests.conftest import free_port, smtp, smtp_down  # noqa: F401
from esurat.notifications.models import GovernmentChannels, PersonalSettings, TelegramLink


class Recorder:
    """An HTTP server on 127.0.0.1 recording each request (path, headers, raw body).

    `answer(path, body) -> (status, json)` decides the reply; the default is Telegram's
    {"ok": true, "result": …}. `updates` is what getUpdates returns."""

    def __init__(self):
        self.requests = []
        self.updates = []
        self.status = {}  # path suffix → forced status
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorder.requests.append((self.path, dict(self.headers), body))
                status, answer = recorder.answer(self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, path, body):
        for suffix, status in self.status.items():
            if path.endswith(suffix):
                return status, {
                    "ok": False,
                    "description": "Forbidden: bot was blocked by the user",
                }
        if path.endswith("/getUpdates"):
            updates, self.updates = self.updates, []
            return 200, {"ok": True, "result": updates}
        return 200, {"ok": True, "result": {"message_id": len(self.requests)}}

    def posted(self, suffix=""):
        return [(p, h, b) for p, h, b in self.requests if p.endswith(suffix)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    server = Recorder()
    yield server
    server.stop()


@pytest.fixture
def telegram(recorder, settings, city):
    """The Bot API at the local recorder; the government's bot token."""
    settings.TELEGRAM_API_URL = recorder.url
    GovernmentChannels.objects.update_or_create(
        government=city.government,
        defaults={"telegram_bot_token": "123:TEST", "telegram_bot_username": "esurat_bot"},
    )
    return recorder


def link_telegram(user, chat_id="5550001"):
    TelegramLink.objects.update_or_create(
        user=user, defaults={"chat_id": chat_id, "linked_at": timezone.now()}
    )


@pytest.fixture
def gateway(recorder, city):
    """The city's WhatsApp gateway at the local recorder (a loopback address: allowed
    explicitly, as an admin would for a gateway inside the network)."""
    GovernmentChannels.objects.update_or_create(
        government=city.government,
        defaults={"webhook_url": f"{recorder.url}/wa/send", "webhook_secret": "rahasia-hmac",
                  "webhook_allow_private": True},
    )  # fmt: skip
    return recorder


def whatsapp(user, number="6281200000001"):
    PersonalSettings.objects.update_or_create(user=user, defaults={"whatsapp": number})


def choose(user, kind, *channels):
    from esurat.notifications.models import ChannelChoice

    ChannelChoice.objects.update_or_create(
        user=user, kind=kind,
        defaults={name: name in channels for name in ChannelChoice.OUTSIDE},
    )  # fmt: skip


def no_quiet_hours(*users):
    for user in users:
        PersonalSettings.objects.update_or_create(user=user, defaults={"quiet_hours": False})
