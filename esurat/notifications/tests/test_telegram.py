"""Telegram against a local server speaking the Bot API: linking a chat with a one-time code
(getUpdates), sendMessage, and a chat that blocked the bot."""

import json

import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications.channels.telegram import poll_updates
from esurat.notifications.models import Notification, TelegramLink
from esurat.notifications.tests.conftest import choose, link_telegram, no_quiet_hours

pytestmark = pytest.mark.django_db


def test_it_links_a_chat_with_a_one_time_code(client, city, telegram):
    kadis = city.users["kadis.pupr"]
    client.force_login(kadis)
    assert client.post(reverse("notifications:telegram_code")).status_code == 302
    code = TelegramLink.objects.get(user=kadis).link_code
    page = client.get(reverse("notifications:settings")).content.decode()
    assert f"/start {code}" in page and f"https://t.me/esurat_bot?start={code}" in page
    telegram.updates = [
        {"update_id": 41, "message": {"text": "/start WRONG123", "chat": {"id": 999}}},
        {"update_id": 42, "message": {"text": f"/start {code}", "chat": {"id": 5550001}}},
    ]
    assert poll_updates(city.government) == 1
    link = TelegramLink.objects.get(user=kadis)
    assert link.chat_id == "5550001" and link.link_code == ""
    replies = [json.loads(b) for _p, _h, b in telegram.posted("/sendMessage")]
    assert [r["chat_id"] for r in replies] == [999, 5550001]
    assert "terhubung" in replies[1]["text"]
    # The offset moved on: the same updates are not handled twice, the code is used up.
    offset = json.loads(telegram.posted("/getUpdates")[-1][2])["offset"]
    city.government.channels.refresh_from_db()
    assert offset == 0 and city.government.channels.telegram_offset == 43
    telegram.updates = [{"update_id": 43, "message": {"text": f"/start {code}",
                                                       "chat": {"id": 777}}}]  # fmt: skip
    assert poll_updates(city.government) == 0
    assert TelegramLink.objects.get(user=kadis).chat_id == "5550001"


def test_it_sends_a_letter_by_telegram(city, telegram, django_capture_on_commit_callbacks):
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "telegram")
    link_telegram(kadis)
    no_quiet_hours(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    ((path, _headers, body),) = telegram.posted("/sendMessage")
    assert path == "/bot123:TEST/sendMessage"
    sent = json.loads(body)
    assert sent["chat_id"] == "5550001"
    assert sent["text"].startswith("New letter: Undangan rapat koordinasi\n")
    assert "/notifications/o/" in sent["text"]
    assert Notification.objects.get(user=kadis, channel="telegram").state == "sent"


def test_it_unlinks_a_chat_that_blocked_the_bot(city, telegram, django_capture_on_commit_callbacks):
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "telegram")
    link_telegram(kadis)
    no_quiet_hours(kadis)
    telegram.status["/sendMessage"] = 403
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    row = Notification.objects.get(user=kadis, channel="telegram")
    assert row.state == "dead" and "blocked" in row.last_error
    assert TelegramLink.objects.get(user=kadis).chat_id == ""
