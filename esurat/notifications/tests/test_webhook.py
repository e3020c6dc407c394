"""The WhatsApp gateway's webhook against a local recording server: the HMAC, the refusal of
private addresses (settings form and send time), no redirect followed, a number gone."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications.channels.webhook import UnsafeURL, checked_address
from esurat.notifications.models import GovernmentChannels, Notification, PersonalSettings
from esurat.notifications.tests.conftest import choose, no_quiet_hours, whatsapp

pytestmark = pytest.mark.django_db


def wants_whatsapp(user):
    choose(user, "inbox_to", "webhook")
    whatsapp(user)
    no_quiet_hours(user)


def test_it_posts_a_signed_json_body(city, gateway, django_capture_on_commit_callbacks):
    kadis = city.users["kadis.pupr"]
    wants_whatsapp(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    ((path, headers, body),) = gateway.posted("/wa/send")
    expected = hmac.new(b"rahasia-hmac", body, hashlib.sha256).hexdigest()
    assert headers["X-Esurat-Signature"] == f"sha256={expected}"
    sent = json.loads(body)
    assert sent["to"] == {"whatsapp": "6281200000001", "nip": "197201011998031008",
                          "name": "Ir. Bambang Wijaya, M.T."}  # fmt: skip
    assert sent["title"] == "New letter: Undangan rapat koordinasi"
    assert "/notifications/o/" in sent["link"]
    row = Notification.objects.get(user=kadis, channel="webhook")
    assert headers["Idempotency-Key"] == row.key == sent["id"] and row.state == "sent"


def test_it_refuses_a_private_address_at_send_time(
    city, gateway, django_capture_on_commit_callbacks
):
    GovernmentChannels.objects.filter(government=city.government).update(
        webhook_allow_private=False
    )
    kadis = city.users["kadis.pupr"]
    wants_whatsapp(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert gateway.requests == []
    row = Notification.objects.get(user=kadis, channel="webhook")
    assert row.state == "pending" and "private or local network" in row.last_error


def test_it_follows_no_redirect(city, gateway, django_capture_on_commit_callbacks):
    gateway.status["/wa/send"] = 302
    kadis = city.users["kadis.pupr"]
    wants_whatsapp(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert len(gateway.requests) == 1  # nothing went to the Location
    row = Notification.objects.get(user=kadis, channel="webhook")
    assert row.state == "pending" and "302" in row.last_error


def test_it_removes_a_number_the_gateway_says_is_gone(
    city, gateway, django_capture_on_commit_callbacks
):
    gateway.status["/wa/send"] = 410
    kadis = city.users["kadis.pupr"]
    wants_whatsapp(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert Notification.objects.get(user=kadis, channel="webhook").state == "dead"
    assert PersonalSettings.objects.get(user=kadis).whatsapp == ""


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://10.1.2.3/", "http://169.254.169.254/latest",
                                 "http://[::1]/", "http://localhost/", "http://0.0.0.0/",
                                 "http://[::ffff:127.0.0.1]/", "ftp://example.com/"])  # fmt: skip
def test_it_refuses_private_and_odd_addresses(url):
    with pytest.raises(UnsafeURL):
        checked_address(url, allow_private=False)


def test_it_allows_a_private_address_when_the_admin_says_so():
    assert checked_address("http://127.0.0.1:8080/", allow_private=True)[2] == "127.0.0.1"


@pytest.mark.indonesian
def test_it_explains_the_refusal_on_the_settings_form(client, city):
    admin = city.users["admin"]
    client.force_login(admin)
    response = client.post(reverse("admin:notifications_governmentchannels_add"), {
        "government": city.government.pk, "webhook_url": "http://192.168.1.20/kirim",
        "webhook_secret": "s",
    })  # fmt: skip
    assert response.status_code == 200
    assert "jaringan privat atau lokal" in response.content.decode()
    assert not GovernmentChannels.objects.exists()
    response = client.post(reverse("admin:notifications_governmentchannels_add"), {
        "government": city.government.pk, "webhook_url": "http://192.168.1.20/kirim",
        "webhook_secret": "s", "webhook_allow_private": "on",
    })  # fmt: skip
    assert response.status_code == 302
    assert GovernmentChannels.objects.get().webhook_allow_private
