"""Each person's notification settings: channels per kind, quiet hours, WhatsApp, Telegram."""

import datetime

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.notifications.models import ChannelChoice, PersonalSettings, TelegramLink

pytestmark = pytest.mark.django_db


def test_it_shows_the_defaults(client, city, telegram):
    client.force_login(city.users["kadis.pupr"])
    response = client.get(reverse("notifications:settings"))
    form = response.context["form"]
    assert form["inbox_to__email"].value() is False
    assert form["digest__email"].value() is True
    assert form["quiet_from"].value() == datetime.time(20) and form["quiet_hours"].value()
    page = response.content.decode()
    assert "Link my Telegram" in page and 'name="inbox_to__telegram"' in page


def test_it_saves_channels_and_quiet_hours(client, city):
    user = city.users["kadis.pupr"]
    client.force_login(user)
    response = client.post(reverse("notifications:settings"), {
        "inbox_to__email": "on", "disposition__webhook": "on", "quiet_hours": "on",
        "quiet_from": "21:30", "quiet_until": "05:00", "whatsapp": "+62 812-1111-2222",
    })  # fmt: skip
    assert response.status_code == 302
    assert ChannelChoice.objects.get(user=user, kind="inbox_to").channels() == {"email"}
    assert ChannelChoice.objects.get(user=user, kind="disposition").channels() == {"webhook"}
    assert ChannelChoice.objects.get(user=user, kind="digest").channels() == set()
    own = PersonalSettings.objects.get(user=user)
    assert (own.quiet_from, own.quiet_until) == (datetime.time(21, 30), datetime.time(5))
    assert own.whatsapp == "6281211112222"
    event = AuditEvent.objects.get(action="notifications.preferences_changed")
    assert event.actor == user and event.data["channels"]["inbox_to"] == ["email"]


def test_it_refuses_a_bad_number(client, city):
    client.force_login(city.users["kadis.pupr"])
    response = client.post(reverse("notifications:settings"), {
        "quiet_from": "20:00", "quiet_until": "06:00", "whatsapp": "telepon saya"})  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["whatsapp"]
    assert not PersonalSettings.objects.exists()


def test_it_unlinks_telegram(client, city, telegram):
    user = city.users["kadis.pupr"]
    TelegramLink.objects.create(user=user, chat_id="42")
    client.force_login(user)
    assert (
        "Your Telegram is linked." in client.get(reverse("notifications:settings")).content.decode()
    )
    client.post(reverse("notifications:telegram_code"), {"unlink": "1"})
    assert TelegramLink.objects.get(user=user).chat_id == ""


def test_it_refuses_anonymous_users_and_the_wrong_method(client, city):
    for name in ("settings", "telegram_code"):
        response = client.post(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(city.users["kadis.pupr"])
    assert client.get(reverse("notifications:telegram_code")).status_code == 405
    assert client.put(reverse("notifications:settings")).status_code == 405
