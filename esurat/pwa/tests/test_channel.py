"""The Web Push channel through notify() and the sender, to a real local push service: what
the phone decrypts, a secret letter's generic text, dead subscriptions removed, retries."""

import pytest

from esurat.audit.models import AuditEvent
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications.channels import REGISTRY
from esurat.notifications.models import Notification
from esurat.notifications.tests.conftest import no_quiet_hours
from esurat.pwa.actions import do_subscribe_push
from esurat.pwa.models import PushSubscription
from esurat.pwa.tests.push_service import Browser

pytestmark = pytest.mark.django_db


def subscribe(user, push_service, browser):
    return do_subscribe_push(user=user, endpoint=push_service.endpoint(),
                             p256dh=browser.keys["p256dh"], auth=browser.keys["auth"])  # fmt: skip


def test_it_is_registered():
    assert REGISTRY["push"].name == "push"


def test_it_pushes_a_new_letter_to_every_browser_of_the_person(
    city, push_service, django_capture_on_commit_callbacks
):
    kadis = city.users["kadis.pupr"]
    no_quiet_hours(kadis)
    phone, desktop = Browser(), Browser()
    subscribe(kadis, push_service, phone)
    subscribe(kadis, push_service, desktop)
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_through(city, draft_nota_dinas(city))
    row = Notification.objects.get(user=kadis, channel="push")
    assert row.state == "sent" and row.attempts == 1 and row.letter_id == letter.pk
    assert len(push_service.received) == 2
    shown = [b.decrypt(r.body) for b, r in zip((phone, desktop), push_service.received,
                                                 strict=True)]  # fmt: skip
    assert shown[0] == shown[1]
    assert shown[0]["title"] == row.title and "Undangan rapat koordinasi" in row.title
    assert shown[0]["url"] == row.url == f"/letters/{letter.code}/"
    assert shown[0]["tag"] == row.code.hex
    assert PushSubscription.objects.filter(user=kadis, last_success_at__isnull=False).count() == 2


def test_it_never_carries_a_secret_letters_subject(
    city, push_service, django_capture_on_commit_callbacks
):
    kadis, browser = city.users["kadis.pupr"], Browser()
    no_quiet_hours(kadis)
    subscribe(kadis, push_service, browser)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city, security="SR", subject="Operasi penertiban"))
    (received,) = push_service.received
    assert b"penertiban" not in received.body
    shown = browser.decrypt(received.body)
    assert shown["title"] == "A classified letter is waiting for you in e-Surat"
    assert "penertiban" not in shown["body"]
    assert Notification.objects.get(user=kadis, channel="push").secret is True


def test_it_makes_no_push_row_for_someone_without_a_subscription(
    city, push_service, django_capture_on_commit_callbacks
):
    no_quiet_hours(city.users["kadis.pupr"])
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert not Notification.objects.filter(channel="push").exists()
    assert push_service.received == []


@pytest.mark.parametrize("status", [404, 410])
def test_it_removes_a_dead_subscription(
    city, push_service, django_capture_on_commit_callbacks, status
):
    kadis = city.users["kadis.pupr"]
    no_quiet_hours(kadis)
    subscription = subscribe(kadis, push_service, Browser())
    push_service.status = status
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    row = Notification.objects.get(user=kadis, channel="push")
    assert row.state == "dead"
    event = AuditEvent.objects.get(action="push.dead")
    assert event.actor is None and event.data["status"] == status
    # The bell still has it.
    assert Notification.objects.get(user=kadis, channel="inapp").state == "sent"


def test_it_keeps_the_live_browser_when_one_is_dead(
    city, push_service, django_capture_on_commit_callbacks
):
    kadis = city.users["kadis.pupr"]
    no_quiet_hours(kadis)
    dead = subscribe(kadis, push_service, Browser())
    live = subscribe(kadis, push_service, Browser())
    answers = iter([410, 201])
    push_service.answer = lambda: next(answers)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert list(PushSubscription.objects.values_list("pk", flat=True)) == [live.pk]
    assert dead.pk != live.pk
    assert Notification.objects.get(user=kadis, channel="push").state == "sent"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_it_retries_later_when_the_push_service_fails(
    city, push_service, django_capture_on_commit_callbacks, status
):
    kadis = city.users["kadis.pupr"]
    no_quiet_hours(kadis)
    subscription = subscribe(kadis, push_service, Browser())
    push_service.status = status
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    row = Notification.objects.get(user=kadis, channel="push")
    assert row.state == "pending" and row.attempts == 1
    assert str(status) in row.last_error and row.next_attempt_at > row.created_at
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
