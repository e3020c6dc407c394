"""Exactly once in effect: a task run twice, two senders racing, a worker killed mid-send, a
failing channel that must not hold up the others, and the safety net."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications import sending
from esurat.notifications.models import Notification
from esurat.notifications.tasks import fan_out, letter_delivered, send_event
from esurat.notifications.tests.conftest import choose, link_telegram, no_quiet_hours

pytestmark = pytest.mark.django_db


def kadis_on_telegram(city, *channels):
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "telegram", *channels)
    link_telegram(kadis)
    no_quiet_hours(kadis)
    return kadis


def test_it_sends_once_when_the_tasks_run_twice(
    city, telegram, smtp, django_capture_on_commit_callbacks
):
    kadis = kadis_on_telegram(city, "email")
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_through(city, draft_nota_dinas(city))
    key = f"letter:{letter.code}:inbox_to"
    event = {"kind": "inbox_to", "users": [], "positions": [kadis.held_positions.get().pk],
             "title": "x", "body": "", "url": "/", "urgent": False, "secret": False,
             "key": key, "letter": None, "disposition": None}  # fmt: skip
    fan_out.enqueue(event)  # the whole event again: nothing new is made or sent
    letter_delivered.enqueue(letter.pk)  # and the delivery's task again
    send_event.enqueue(key)
    call_command("send_notifications", stdout=open("/dev/null", "w"))
    assert len(telegram.posted("/sendMessage")) == 1
    assert len(smtp.inbox.messages) == 1
    assert Notification.objects.filter(user=kadis).count() == 3  # in-app, e-mail, Telegram


def test_it_lets_only_one_of_two_senders_claim_a_row(
    city, telegram, django_capture_on_commit_callbacks
):
    kadis = kadis_on_telegram(city)
    with django_capture_on_commit_callbacks(execute=False):
        send_through(city, draft_nota_dinas(city))
    from esurat.notifications.dispatch import make_rows

    make_rows({"kind": "inbox_to", "users": [kadis.pk], "positions": [], "title": "x",
               "body": "", "url": "/", "urgent": False, "secret": False, "key": "race",
               "letter": None, "disposition": None})  # fmt: skip
    row = Notification.objects.get(key=f"race:{kadis.pk}:telegram")
    now = timezone.now()
    assert sending.claim(row.pk, now) is True
    assert sending.claim(row.pk, now) is False  # the second sender finds it taken
    assert sending.send_one(row.pk) == "sending"  # and does not send it
    assert telegram.posted("/sendMessage") == []


def test_it_resends_a_claim_abandoned_by_a_killed_worker_once(city, telegram):
    from esurat.notifications.dispatch import make_rows

    kadis = kadis_on_telegram(city)
    make_rows({"kind": "inbox_to", "users": [kadis.pk], "positions": [], "title": "Surat",
               "body": "", "url": "/", "urgent": False, "secret": False, "key": "killed",
               "letter": None, "disposition": None})  # fmt: skip
    row = Notification.objects.get(key=f"killed:{kadis.pk}:telegram")
    # The worker claimed the row and died before it could send.
    assert sending.claim(row.pk, timezone.now())
    assert sending.send_due() == {}  # a fresh claim is left to its (maybe slow) sender
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - sending.STALE_AFTER - datetime.timedelta(seconds=1)
    )
    assert sending.send_due() == {"sent": 1}
    assert sending.send_due() == {}
    (sent,) = [json.loads(b) for _p, _h, b in telegram.posted("/sendMessage")]
    assert sent["text"].startswith("Surat")
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 2


def test_a_failing_channel_does_not_hold_up_the_others(city, telegram, smtp_down, settings):
    from esurat.notifications.dispatch import make_rows

    kadis = kadis_on_telegram(city, "email")
    for key in ("a", "b"):
        make_rows({"kind": "inbox_to", "users": [kadis.pk], "positions": [], "title": key,
                   "body": "", "url": "/", "urgent": False, "secret": False, "key": key,
                   "letter": None, "disposition": None})  # fmt: skip
    outcome = sending.send_due()
    # The mail server is down: the first e-mail is retried later, the second not even tried
    # in this run; both Telegram messages went out.
    assert outcome == {"retry": 1, "postponed": 1, "sent": 2}
    assert len(telegram.posted("/sendMessage")) == 2
    mail = Notification.objects.filter(channel="email").order_by("pk")
    assert [(m.state, m.attempts) for m in mail] == [("pending", 1), ("pending", 0)]
    first = mail[0]
    assert first.next_attempt_at - timezone.now() > datetime.timedelta(seconds=50)
    # Exponential backoff: 1, 2, 4 … minutes; after the last attempt, failed.
    assert sending.backoff(1) == datetime.timedelta(minutes=1)
    assert sending.backoff(3) == datetime.timedelta(minutes=4)
    assert sending.backoff(30) == sending.MAX_BACKOFF
    Notification.objects.filter(pk=first.pk).update(
        attempts=sending.MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    assert sending.send_one(first.pk) == "failed"
