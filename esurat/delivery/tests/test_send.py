"""The worker e-mails the signed PDF through a real SMTP server on loopback; a server that is
down delays the e-mail, never loses it, and a sent e-mail is never sent twice."""

import datetime
import hashlib
import io

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from esurat.audit.models import AuditEvent
from esurat.delivery import mail
from esurat.delivery.models import Dispatch
from esurat.delivery.tasks import send_dispatch
from esurat.delivery.tests.conftest import Inbox, letter_to_outside, send, smtp_settings
from esurat.letters.models import Letter
from esurat.signing.models import SignedDocument
from esurat.signing.tests.conftest import sign
from esurat.signing.tests.helpers import pdftext
from esurat.tests.tools import require

pytestmark = pytest.mark.django_db


def _pdf_of(message):
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    return parts[0].get_filename(), parts[0].get_content()


def _run_command() -> str:
    out = io.StringIO()
    call_command("send_pending_mail", stdout=out)
    return out.getvalue()


def test_it_emails_the_signed_pdf_byte_for_byte(
    city, authority, smtp, django_capture_on_commit_callbacks, tmp_path
):
    letter = send(city, letter_to_outside(city), django_capture_on_commit_callbacks)
    assert len(smtp.inbox.messages) == 1
    rcpts, message = smtp.inbox.messages[0]
    assert rcpts == ["tu@kemendagri.go.id"]
    assert letter.number in message["Subject"] and "Nota Dinas" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert f"/verify/{letter.code}/" in body and "Kementerian Dalam Negeri" in body
    filename, data = _pdf_of(message)
    document = SignedDocument.objects.get(letter=letter)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert data == document.file.open("rb").read()
    assert filename == letter.number.replace("/", "-") + ".pdf"
    require("pdftotext")
    assert "Kementerian Dalam Negeri" in pdftext(data, tmp_path)  # the addressee in the letter
    row = Dispatch.objects.get(letter=letter)
    assert (row.state, row.attempts, row.document_sha256) == ("sent", 1, document.sha256)
    assert message["Message-ID"] == row.message_id
    event = AuditEvent.objects.get(action="delivery.sent", letter=letter)
    assert event.data["sha256"] == document.sha256 and event.data["email"] == row.email


def test_it_keeps_the_email_when_the_server_is_down_and_delivers_it_later(
    city, authority, smtp_down, settings, django_capture_on_commit_callbacks
):
    letter = send(city, letter_to_outside(city), django_capture_on_commit_callbacks)
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT and letter.inbox_entries.exists()
    row = Dispatch.objects.get(letter=letter)
    assert row.state == "retrying" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at > timezone.now()
    # Not due yet: the command leaves it alone.
    assert "none due" in _run_command()
    # The server comes back; the row falls due; the cron command delivers it.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_down)
    controller.start()
    try:
        Dispatch.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert "sent: 1" in _run_command()
        assert len(inbox.messages) == 1
        _name, data = _pdf_of(inbox.messages[0][1])
        assert hashlib.sha256(data).hexdigest() == SignedDocument.objects.get(letter=letter).sha256
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("sent", 2)
        # Idempotent: running the task or the command again sends nothing more.
        send_dispatch.enqueue(str(row.code))
        assert "none due" in _run_command()
        assert len(inbox.messages) == 1
    finally:
        controller.stop()


def test_it_gives_up_after_the_last_attempt_and_says_so(
    city, authority, smtp_down, django_capture_on_commit_callbacks
):
    letter = send(city, letter_to_outside(city), django_capture_on_commit_callbacks)
    row = Dispatch.objects.get(letter=letter)
    for _ in range(mail.MAX_ATTEMPTS - 1):
        Dispatch.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        mail.deliver(str(row.code))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", mail.MAX_ATTEMPTS, None)
    assert AuditEvent.objects.filter(action="delivery.failed", letter=letter).count() == 1


def test_it_retries_a_claim_abandoned_by_a_dead_worker(city, authority, smtp):
    letter = sign(city, letter_to_outside(city))  # commit callbacks not run: the task was "lost"
    row = Dispatch.objects.get(letter=letter)
    long_ago = timezone.now() - mail.STALE_AFTER - datetime.timedelta(minutes=1)
    Dispatch.objects.filter(pk=row.pk).update(state="sending", claimed_at=long_ago, attempts=1)
    assert "sent: 1" in _run_command()
    assert len(smtp.inbox.messages) == 1


def test_it_waits_longer_after_each_failure():
    waits = [mail.backoff(n) for n in range(1, mail.MAX_ATTEMPTS)]
    assert waits == sorted(waits) and waits[0] == datetime.timedelta(minutes=1)
    assert waits[-1] >= datetime.timedelta(hours=8)


def test_it_sends_nothing_for_a_row_already_sent(city, authority, smtp, settings):
    letter = sign(city, letter_to_outside(city))
    row = Dispatch.objects.get(letter=letter)
    assert mail.deliver(str(row.code)) == "sent"
    assert mail.deliver(str(row.code)) == "sent"
    assert len(smtp.inbox.messages) == 1
    smtp_settings(settings, 1)  # even with the mailer broken now
    assert mail.deliver(str(row.code)) == "sent"
