import json

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.pwa.models import PushSubscription

URL = reverse("pwa:subscribe")


def post(client, data, url=URL):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json")


@pytest.mark.django_db
def test_it_records_the_browsers_subscription(client, city, push_service, browser):
    user = city.users["kadis.pupr"]
    client.force_login(user)
    endpoint = push_service.endpoint()
    response = post(client, {"endpoint": endpoint, "keys": browser.keys}, URL)
    assert response.status_code == 201
    assert response.json()["ok"] is True
    subscription = PushSubscription.objects.get(endpoint=endpoint)
    assert subscription.user == user and subscription.p256dh == browser.keys["p256dh"]
    event = AuditEvent.objects.get(action="push.subscribe")
    assert event.actor == user and event.data["host"] == "127.0.0.1"


@pytest.mark.django_db
def test_it_moves_a_shared_browser_to_the_user_now_logged_in(client, city, push_service, browser):
    endpoint = push_service.endpoint()
    client.force_login(city.users["kadis.pupr"])
    post(client, {"endpoint": endpoint, "keys": browser.keys})
    client.force_login(city.users["staf.pupr"])
    fresh = browser.__class__()
    assert post(client, {"endpoint": endpoint, "keys": fresh.keys}).status_code == 201
    subscription = PushSubscription.objects.get()
    assert subscription.user == city.users["staf.pupr"]
    assert subscription.auth == fresh.keys["auth"]


@pytest.mark.django_db
def test_it_unsubscribes_only_the_users_own_browser(client, city, push_service, browser):
    endpoint = push_service.endpoint()
    client.force_login(city.users["kadis.pupr"])
    post(client, {"endpoint": endpoint, "keys": browser.keys})
    client.force_login(city.users["staf.pupr"])
    assert post(client, {"endpoint": endpoint}, reverse("pwa:unsubscribe")).status_code == 200
    assert PushSubscription.objects.count() == 1
    client.force_login(city.users["kadis.pupr"])
    assert post(client, {"endpoint": endpoint}, reverse("pwa:unsubscribe")).status_code == 200
    assert PushSubscription.objects.count() == 0
    assert AuditEvent.objects.filter(action="push.unsubscribe").count() == 1


@pytest.mark.django_db
def test_it_requires_login(client, push_service, browser):
    response = post(client, {"endpoint": push_service.endpoint(), "keys": browser.keys})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert PushSubscription.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_get(client, city):
    client.force_login(city.users["kadis.pupr"])
    assert client.get(URL).status_code == 405
    assert client.get(reverse("pwa:unsubscribe")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["not json", "[1, 2]", b"\xff"])
def test_it_answers_400_to_a_body_that_is_not_a_json_object(client, city, push_service, body):
    client.force_login(city.users["kadis.pupr"])
    assert post(client, body).status_code == 400
    assert post(client, body, reverse("pwa:unsubscribe")).status_code == 400


@pytest.mark.django_db
def test_it_answers_422_to_a_subscription_without_keys(client, city, push_service, browser):
    client.force_login(city.users["kadis.pupr"])
    endpoint = push_service.endpoint()
    assert post(client, {"endpoint": endpoint}).status_code == 422
    assert post(client, {"endpoint": endpoint, "keys": {"auth": "x"}}).status_code == 422
    bad = {**browser.keys, "p256dh": "AAAA"}
    response = post(client, {"endpoint": endpoint, "keys": bad})
    assert response.status_code == 422 and "keys" in response.json()["message"]
    assert post(client, {}, reverse("pwa:unsubscribe")).status_code == 422
    assert PushSubscription.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint",
    ["http://10.0.0.5/push/x", "https://127.0.0.1.evil.example/x", "https://intranet.local/x",
     "ftp://fcm.googleapis.com/x", "http://fcm.googleapis.com/fcm/send/x"],
)  # fmt: skip
def test_it_refuses_an_endpoint_that_is_not_a_push_service(client, city, settings, browser,
                                                           endpoint):  # fmt: skip
    """The server will post to the endpoint: a made-up one must not reach inside (SSRF)."""
    from esurat.pwa import vapid

    settings.VAPID_PRIVATE_KEY = vapid.generate_private_key()
    client.force_login(city.users["kadis.pupr"])
    response = post(client, {"endpoint": endpoint, "keys": browser.keys})
    assert response.status_code == 422
    assert response.json()["message"] == "This is not the address of a known push service."
    assert PushSubscription.objects.count() == 0


@pytest.mark.django_db
def test_it_accepts_a_known_push_service(client, city, settings, browser):
    from esurat.pwa import vapid

    settings.VAPID_PRIVATE_KEY = vapid.generate_private_key()
    client.force_login(city.users["kadis.pupr"])
    endpoint = "https://fcm.googleapis.com/fcm/send/abc:def"
    assert post(client, {"endpoint": endpoint, "keys": browser.keys}).status_code == 201


@pytest.mark.django_db
def test_it_refuses_when_push_is_not_configured(client, city, settings, browser):
    settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = False
    client.force_login(city.users["kadis.pupr"])
    endpoint = "https://fcm.googleapis.com/fcm/send/abc:def"
    assert post(client, {"endpoint": endpoint, "keys": browser.keys}).status_code == 422
    response = client.get(reverse("pwa:push"))
    assert "Web Push is not configured" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_toggle_with_the_public_key(client, city, push_service):
    from esurat.pwa import vapid

    client.force_login(city.users["kadis.pupr"])
    response = client.get(reverse("pwa:push"))
    assert response.status_code == 200
    assert f'data-key="{vapid.public_key()}"' in response.content.decode()
