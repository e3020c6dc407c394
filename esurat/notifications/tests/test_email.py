"""E-mail through a real SMTP server on loopback (aiosmtpd): text and HTML, a one-tap link."""

import pytest

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications.models import Notification
from esurat.notifications.sending import send_due
from esurat.notifications.tests.conftest import choose, no_quiet_hours

pytestmark = pytest.mark.django_db


def test_it_mails_a_letter_with_a_one_tap_link(city, smtp, django_capture_on_commit_callbacks):
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "email")
    no_quiet_hours(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_through(city, draft_nota_dinas(city))
    ((to, message),) = smtp.inbox.messages
    assert to == ["kadis.pupr@banuaraya.go.id"]
    assert message["Subject"] == "e-Surat: New letter: Undangan rapat koordinasi"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dear Ir. Bambang Wijaya, M.T.," in text
    assert "/notifications/o/" in text and 'href="http://' in html
    row = Notification.objects.get(user=kadis, channel="email")
    assert row.state == "sent" and row.attempts == 1 and row.letter_id == letter.pk
    assert message["Message-ID"].startswith("<n-")


def test_it_sends_no_mail_by_default_but_the_digest(city, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    assert smtp.inbox.messages == []
    assert not Notification.objects.filter(channel="email").exists()


def test_it_retries_a_mail_server_that_is_down_and_sends_later(
    city, settings, smtp_down, django_capture_on_commit_callbacks
):
    kadis = city.users["kadis.pupr"]
    choose(kadis, "inbox_to", "email")
    no_quiet_hours(kadis)
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    row = Notification.objects.get(user=kadis, channel="email")
    assert row.state == "pending" and row.attempts == 1 and "Error" in row.last_error
    assert row.next_attempt_at > row.created_at
    # The in-app notification is there all the same.
    assert Notification.objects.get(user=kadis, channel="inapp").state == "sent"
    # Not due yet: the safety net leaves it alone.
    assert send_due() == {}
