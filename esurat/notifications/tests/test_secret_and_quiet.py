"""A secret (R/SR) letter never reaches a delegate, and no channel outside the app carries its
subject; quiet hours hold what is not urgent, and the sender releases it afterwards."""

import datetime
import json
import zoneinfo

import pytest
from django.utils import timezone

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications import sending
from esurat.notifications.dispatch import quiet_release
from esurat.notifications.models import Notification, PersonalSettings
from esurat.notifications.tests.conftest import choose, link_telegram, no_quiet_hours, whatsapp

pytestmark = pytest.mark.django_db
EVERYWHERE = ("email", "telegram", "webhook")


def on_every_channel(user, chat):
    for kind in ("to_sign", "to_review", "inbox_to", "inbox_cc"):
        choose(user, kind, *EVERYWHERE)
    link_telegram(user, chat)
    whatsapp(user, f"62812000{chat}")
    no_quiet_hours(user)


def test_a_delegate_never_hears_of_a_secret_letter_on_any_channel(
    city, smtp, telegram, gateway, django_capture_on_commit_callbacks
):
    kadis, delegate = city.users["kadis.kominfo"], city.users["sekdis.kominfo"]
    on_every_channel(kadis, "1001")
    on_every_channel(delegate, "1002")
    subject = "Rencana mutasi pejabat"
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city, security="R", subject=subject))
    assert not Notification.objects.filter(user=delegate).exists()
    outside = Notification.objects.filter(user=kadis).exclude(channel="inapp")
    assert sorted(outside.values_list("channel", flat=True)) == sorted(EVERYWHERE)
    assert set(outside.values_list("state", flat=True)) == {"sent"}
    # In the app the signatory reads the subject; outside it, nobody does.
    assert Notification.objects.get(user=kadis, channel="inapp").title.endswith(subject)
    carried = [m.as_string() for _to, m in smtp.inbox.messages]
    carried += [b.decode() for _p, _h, b in telegram.requests]
    assert carried and not any(subject in text for text in carried)
    assert not any("1002" in json.loads(b).get("chat_id", "") for _p, _h, b in
                   telegram.posted("/sendMessage") if b"chat_id" in b)  # fmt: skip
    (mail,) = [m for to, m in smtp.inbox.messages if to == [kadis.email]]
    assert mail["Subject"] == "e-Surat: A classified letter is waiting for you in e-Surat"


def test_an_ordinary_letter_reaches_the_delegate_labelled(city, django_capture_on_commit_callbacks):
    delegate = city.users["sekdis.kominfo"]
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    (row,) = Notification.objects.filter(user=delegate, kind="to_sign")
    assert row.acting_label.startswith("as delegate of")


def quiet_now(user):
    """Quiet hours around the present moment in the government's zone."""
    local = timezone.now().astimezone(zoneinfo.ZoneInfo("Asia/Makassar"))
    start = (local - datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    PersonalSettings.objects.update_or_create(
        user=user, defaults={"quiet_hours": True, "quiet_from": start, "quiet_until": end}
    )


def test_quiet_hours_hold_a_message_until_they_end(
    city, telegram, django_capture_on_commit_callbacks
):
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "telegram")
    link_telegram(kadis)
    quiet_now(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    row = Notification.objects.get(user=kadis, channel="telegram")
    assert row.state == "held" and row.next_attempt_at > timezone.now()
    assert Notification.objects.get(user=kadis, channel="inapp").state == "sent"
    assert telegram.posted("/sendMessage") == [] and sending.send_due() == {}
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())  # 06:00 came
    assert sending.send_due() == {"sent": 1}
    assert len(telegram.posted("/sendMessage")) == 1


@pytest.mark.parametrize("urgency", ["segera", "sangat_segera"])
def test_an_urgent_letter_goes_through_quiet_hours(city, telegram, urgency,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "telegram")
    link_telegram(kadis)
    quiet_now(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city, urgency=urgency))
    assert Notification.objects.get(user=kadis, channel="telegram").state == "sent"
    assert len(telegram.posted("/sendMessage")) == 1


def test_the_default_quiet_hours_run_from_eight_in_the_evening_to_six():
    zone = zoneinfo.ZoneInfo("Asia/Makassar")
    start, end = datetime.time(20), datetime.time(6)

    def at(h, m=0, day=3):
        return datetime.datetime(2026, 12, day, h, m, tzinfo=zone)

    assert quiet_release(at(19, 59), zone, start, end) is None
    assert quiet_release(at(20, 0), zone, start, end) == at(6, day=4)
    assert quiet_release(at(23, 30), zone, start, end) == at(6, day=4)
    assert quiet_release(at(5, 59), zone, start, end) == at(6)
    assert quiet_release(at(6, 0), zone, start, end) is None
    assert quiet_release(at(13), zone, datetime.time(12), datetime.time(14)) == at(14)
