"""Sending one Web Push message: encrypted to the browser, decrypted here as the phone would."""

import socket
import time

import pytest

from esurat.pwa import push, vapid
from esurat.pwa.actions import do_subscribe_push


def subscribe(city, push_service, browser, username="kadis.pupr"):
    return do_subscribe_push(user=city.users[username], endpoint=push_service.endpoint(),
                             p256dh=browser.keys["p256dh"], auth=browser.keys["auth"])  # fmt: skip


@pytest.mark.django_db
def test_it_encrypts_the_payload_that_only_the_browser_can_read(city, push_service, browser):
    from esurat.pwa.tests.push_service import vapid_claims

    subscription = subscribe(city, push_service, browser)
    data = push.payload(title="Surat masuk", body="Undangan rapat", url="/letters/x/", tag="t1")
    push.send(subscription, data, urgent=True, topic="t1")
    (received,) = push_service.received
    assert received.path == subscription.endpoint.removeprefix(push_service.origin)
    assert received.headers["content-encoding"] == "aes128gcm"
    assert b"Undangan" not in received.body
    assert browser.decrypt(received.body) == {"title": "Surat masuk", "body": "Undangan rapat",
                                              "url": "/letters/x/", "tag": "t1"}  # fmt: skip
    assert received.headers["urgency"] == "high" and received.headers["topic"] == "t1"
    assert int(received.headers["ttl"]) == push.TTL_SECONDS
    claims, public = vapid_claims(received.headers["authorization"])
    assert public == vapid.public_key()
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:admin@banuaraya.go.id"
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600


@pytest.mark.django_db
def test_it_cannot_be_read_with_another_browsers_keys(city, push_service, browser):
    subscription = subscribe(city, push_service, browser)
    push.send(subscription, push.payload(title="a", body="b", url="/", tag="t"))
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises a bare cryptography error
        browser.__class__().decrypt(push_service.received[0].body)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [404, 410])
def test_it_says_gone_for_404_and_410(city, push_service, browser, status):
    subscription = subscribe(city, push_service, browser)
    push_service.status = status
    with pytest.raises(push.Gone) as caught:
        push.send(subscription, push.payload(title="a", body="b", url="/", tag="t"))
    assert caught.value.status == status


@pytest.mark.django_db
@pytest.mark.parametrize("status", [429, 500, 503])
def test_it_says_failed_for_what_may_work_later(city, push_service, browser, status):
    subscription = subscribe(city, push_service, browser)
    push_service.status = status
    with pytest.raises(push.Failed):
        push.send(subscription, push.payload(title="a", body="b", url="/", tag="t"))


@pytest.mark.django_db
def test_it_says_failed_when_the_push_service_is_unreachable(city, push_service, browser):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscription = do_subscribe_push(user=city.users["kadis.pupr"],
                                     endpoint=f"http://127.0.0.1:{port}/push/x",
                                     p256dh=browser.keys["p256dh"], auth=browser.keys["auth"])  # fmt: skip
    with pytest.raises(push.Failed):
        push.send(subscription, push.payload(title="a", body="b", url="/", tag="t"))
