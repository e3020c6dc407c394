"""Scan first: the clerk uploads the scan, the worker reads it, the form comes back filled with
the proposal (marked to check), and the clerk registers the letter with the checked fields."""

import datetime
import re
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from esurat.audit.models import AuditEvent
from esurat.letters import ocr
from esurat.letters.models import Attachment, IncomingScan, Letter
from esurat.letters.tasks import read_incoming_scan
from esurat.letters.tests.incoming_factories import text_pdf, upload
from esurat.letters.views.incoming import MAX_POLLS
from esurat.search.models import LetterText

UPLOAD = "/letters/incoming/scans/"
REGISTER = "/letters/incoming/new/"
# What the proposal of text_pdf() holds (esurat/search/tests/test_read_scan.py).
NUMBER, SUBJECT = "050/77/BAPPEDA/X/2026", "Permohonan Data Perencanaan"


def _upload(clerk, content=None) -> IncomingScan:
    response = clerk.post(UPLOAD, {"scan": upload(content or text_pdf(), "surat-bappeda.pdf")})
    row = IncomingScan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{REGISTER}?scan={row.code}"
    return row


def _form(city, row, **overrides):
    today = city.government.today()
    data = {
        "upload": str(row.code), "sender_name": "Bappeda Kabupaten Paser",
        "sender_number": NUMBER, "sender_date": "2026-10-02", "received_on": today.isoformat(),
        "channel": "paper", "kind": "surat-dinas", "subject": SUBJECT, "summary": "",
        "enclosures": "0", "security": "B", "urgency": "biasa", "classification": "000.1.2.3",
        "client_token": str(uuid.uuid4()),
    }  # fmt: skip
    data.update(overrides)
    return data


def test_it_requires_login(client, db):
    response = client.post(UPLOAD, {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_refuses_other_methods(clerk, queue):
    assert clerk.get(UPLOAD).status_code == 405
    row = _upload(clerk)
    assert clerk.post(reverse("letters:incoming_scan_status", args=[row.code])).status_code == 405
    assert clerk.get(reverse("letters:incoming_scan_discard", args=[row.code])).status_code == 405


@pytest.mark.django_db
def test_it_keeps_the_scan_and_has_it_read_after_commit(
    clerk, city, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = _upload(clerk)
    assert row.agency == city.agencies["Diskominfo"] and row.letter is None
    assert (row.state, row.pages, row.original_name) == ("pending", 1, "surat-bappeda.pdf")
    with row.file.open("rb") as handle:
        assert handle.read() == text_pdf()
    assert [(r.task.name, r.args) for r in queue.results] == [
        ("read_incoming_scan", [str(row.code)])
    ]
    event = AuditEvent.objects.get(action="incoming_scan.uploaded")
    assert event.actor == city.users["agendaris.kominfo"] and event.data["scan"] == str(row.code)
    assert event.data["sha256"] == row.sha256 and Letter.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_no_scan(clerk, queue):
    response = clerk.post(UPLOAD, {"scan": upload(b"MZ\x90\x00 not a pdf", "surat.pdf")})
    assert response.status_code == 422
    assert b'id="upload-errors"' in response.content and b"is not a PDF" in response.content
    assert IncomingScan.objects.count() == 0
    assert not AuditEvent.objects.filter(action="incoming_scan.uploaded").exists()
    response = clerk.post(UPLOAD, {})
    assert response.status_code == 422 and b"Choose the scan of the letter." in response.content


@pytest.mark.django_db
def test_it_is_not_found_for_someone_who_is_not_a_clerk_or_a_clerk_of_another_agency(
    client, city, queue
):
    client.force_login(city.users["agendaris.kominfo"])
    row = _upload(client)
    urls = [
        ("get", f"{REGISTER}?scan={row.code}"),
        ("post", REGISTER, _form(city, row)),
        ("get", reverse("letters:incoming_scan_status", args=[row.code])),
        ("get", reverse("letters:incoming_scan_file", args=[row.code])),
        ("post", reverse("letters:incoming_scan_discard", args=[row.code])),
    ]
    for username in ("kadis.kominfo", "agendaris.pupr", "staf.pupr"):
        client.force_login(city.users[username])
        for method, url, *data in urls:
            response = getattr(client, method)(url, *data)
            assert response.status_code == 404, (username, url)
    client.force_login(city.users["kadis.kominfo"])
    assert client.post(UPLOAD, {"scan": upload(text_pdf())}).status_code == 404
    assert IncomingScan.objects.count() == 1 and Letter.objects.count() == 0


@pytest.mark.django_db
def test_it_shows_the_proposal_filled_in_and_marked_once_read(clerk, city, queue):
    row = _upload(clerk)
    response = clerk.get(f"{REGISTER}?scan={row.code}")
    assert b"The scan is being read" in response.content
    assert b'hx-get="/letters/incoming/scans/' in response.content  # it polls
    assert read_incoming_scan.call(str(row.code)) == "done"
    response = clerk.get(f"{REGISTER}?scan={row.code}")
    html = response.content.decode()
    assert f'name="sender_number" value="{NUMBER}"' in html
    assert f'name="subject" value="{SUBJECT}"' in html
    assert 'name="sender_date" value="2026-10-02"' in html
    assert html.count("data-proposed") >= 3  # each proposed field says "check it"
    assert f'name="upload" value="{row.code}"' in html
    assert "The scan was read." in html and "hx-trigger" not in _status(html)


def _status(html: str) -> str:
    return re.search(r'<div id="scan-status".*?>', html, re.S).group(0)


@pytest.mark.django_db
def test_it_fills_only_the_fields_the_clerk_left_empty_while_it_was_read(clerk, city, queue):
    row = _upload(clerk)
    url = reverse("letters:incoming_scan_status", args=[row.code])
    response = clerk.get(url, {"polls": 3, "subject": "", "sender_number": ""})
    assert response.status_code == 200 and "polls=4" in _status(response.content.decode())
    read_incoming_scan.call(str(row.code))
    response = clerk.get(url, {"polls": 4, "subject": "Typed by the clerk", "sender_number": ""})
    html = response.content.decode()
    assert "hx-trigger" not in _status(html)  # read: the polling stops
    assert 'id="fld-sender_number" class="is-proposed" hx-swap-oob="true"' in html
    assert f'value="{NUMBER}"' in html
    assert 'id="fld-subject"' not in html  # what the clerk typed is never replaced


@pytest.mark.django_db
def test_it_stops_polling_and_says_so_when_the_reading_takes_too_long(clerk, city, queue):
    row = _upload(clerk)
    url = reverse("letters:incoming_scan_status", args=[row.code])
    html = clerk.get(url, {"polls": MAX_POLLS}).content.decode()
    assert "hx-trigger" not in _status(html) and "taking longer than usual" in html
    # A reading killed mid-task (the row stays "running") is seen as stopped after a while.
    IncomingScan.objects.filter(pk=row.pk).update(state="running")
    html = clerk.get(f"{REGISTER}?scan={row.code}").content.decode()
    assert "hx-trigger" in _status(html)
    IncomingScan.objects.filter(pk=row.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    html = clerk.get(f"{REGISTER}?scan={row.code}").content.decode()
    assert "hx-trigger" not in _status(html) and "taking longer than usual" in html


@pytest.mark.django_db
def test_it_says_when_the_scan_could_not_be_read(clerk, city, queue, monkeypatch):
    row = _upload(clerk)

    def unreadable(path, **kwargs):
        raise ocr.ReadError("tesseract failed")

    monkeypatch.setattr(ocr, "read_pdf", unreadable)
    assert read_incoming_scan.call(str(row.code)) == "failed"
    html = clerk.get(f"{REGISTER}?scan={row.code}").content.decode()
    assert "could not be read automatically" in html and "data-proposed" not in html
    # The clerk fills in the form by hand and registers it with the kept scan.
    response = clerk.post(REGISTER, _form(city, row))
    letter = Letter.objects.get()
    assert response.status_code == 302 and letter.attachments.get().sha256 == row.sha256


@pytest.mark.django_db
def test_it_registers_the_letter_with_the_uploaded_scan_once(
    clerk, city, queue, django_capture_on_commit_callbacks
):
    row = _upload(clerk)
    read_incoming_scan.call(str(row.code))
    queue.clear()
    data = _form(city, row, sender_name="Bappeda Kab. Paser")  # one field corrected
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(REGISTER, data)
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:incoming_detail", args=[letter.code])
    assert (letter.sender.name, letter.sender_number, letter.subject) == (
        "Bappeda Kab. Paser", NUMBER, SUBJECT,
    )  # fmt: skip
    attachment = letter.attachments.get()
    row.refresh_from_db()
    assert row.letter == letter and not row.file
    assert attachment.sha256 == row.sha256 and attachment.original_name == "surat-bappeda.pdf"
    with attachment.file.open("rb") as handle:
        assert handle.read() == text_pdf()
    text = LetterText.objects.get(letter=letter)
    assert (text.state, text.source, text.scan) == ("done", "pdf", attachment)
    assert text.proposal["subject"] == SUBJECT and text.applied_at is not None
    assert queue.results == []  # already read: not read a second time
    event = AuditEvent.objects.get(action="letter.registered")
    assert event.data["scan_upload"] == str(row.code)
    assert event.data["scan_sha256"] == row.sha256
    # A double click (a second post, even with another token) or a reload registers nothing more.
    again = clerk.post(REGISTER, _form(city, row))
    assert again.status_code == 302 and Letter.objects.count() == 1
    page = clerk.get(f"{REGISTER}?scan={row.code}")
    assert page["Location"] == reverse("letters:incoming_detail", args=[letter.code])
    assert Attachment.objects.count() == 1 and not IncomingScan.objects.filter(letter=None)


@pytest.mark.django_db
def test_it_registers_before_the_reading_ends_and_reads_the_letter_after(
    clerk, city, queue, django_capture_on_commit_callbacks
):
    row = _upload(clerk)
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(REGISTER, _form(city, row))
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert LetterText.objects.get(letter=letter).state == "pending"
    assert [(r.task.name, r.args) for r in queue.results] == [("read_scan", [str(letter.code)])]
    # The upload's own reading, still queued, finds the row registered and does nothing.
    assert read_incoming_scan.call(str(row.code)) == "missing"


@pytest.mark.django_db
def test_it_keeps_the_scan_when_the_form_is_refused(clerk, city, queue):
    row = _upload(clerk)
    response = clerk.post(REGISTER, _form(city, row, subject="", classification="999.9"))
    assert response.status_code == 200 and Letter.objects.count() == 0
    html = response.content.decode()
    assert f'name="upload" value="{row.code}"' in html and 'name="scan"' not in html
    assert "Unknown classification code 999.9." in html


@pytest.mark.django_db
def test_it_discards_an_uploaded_scan_and_its_file(
    clerk, city, queue, django_capture_on_commit_callbacks
):
    row = _upload(clerk)
    index = clerk.get("/letters/incoming/")
    assert b'id="uploaded-scans"' in index.content and str(row.code).encode() in index.content
    storage, name = row.file.storage, row.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(reverse("letters:incoming_scan_discard", args=[row.code]))
    assert response.status_code == 302 and IncomingScan.objects.count() == 0
    assert not storage.exists(name)
    event = AuditEvent.objects.get(action="incoming_scan.discarded")
    assert event.data["scan"] == str(row.code)


@pytest.mark.django_db
def test_it_refuses_to_discard_a_registered_scan(clerk, city, queue):
    row = _upload(clerk)
    clerk.post(REGISTER, _form(city, row))
    response = clerk.post(reverse("letters:incoming_scan_discard", args=[row.code]))
    assert response.status_code == 302
    assert IncomingScan.objects.filter(pk=row.pk).exists() and Letter.objects.count() == 1
    assert not AuditEvent.objects.filter(action="incoming_scan.discarded").exists()


@pytest.mark.django_db
def test_it_removes_scans_never_registered_after_some_days(clerk, city, queue, settings):
    settings.SCAN_UPLOAD_DAYS = 7
    old, recent = _upload(clerk), None
    IncomingScan.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=8)
    )
    clerk.post(UPLOAD, {"scan": upload(text_pdf())})
    recent = IncomingScan.objects.exclude(pk=old.pk).get()
    storage, name = old.file.storage, old.file.name
    call_command("prune_staged_scans")
    assert list(IncomingScan.objects.all()) == [recent] and not storage.exists(name)


@pytest.mark.django_db
def test_it_serves_the_uploaded_scan_to_its_clerk(clerk, queue):
    row = _upload(clerk)
    response = clerk.get(reverse("letters:incoming_scan_file", args=[row.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == text_pdf()


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even `except Exception` handlers."""


@pytest.mark.django_db
def test_it_reads_an_upload_again_after_the_worker_was_killed_midway(
    clerk, city, queue, monkeypatch, settings
):
    row = _upload(clerk)
    real_read = ocr.read_pdf

    def killed(path, **kwargs):
        real_read(path, **kwargs)
        raise Killed

    monkeypatch.setattr(ocr, "read_pdf", killed)
    with pytest.raises(Killed):
        read_incoming_scan.call(str(row.code))
    row.refresh_from_db()
    assert (row.state, row.text, row.proposal) == ("running", "", {})
    monkeypatch.setattr(ocr, "read_pdf", real_read)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    call_command("requeue_scans", minutes=-1)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("done", 2) and row.proposal["subject"] == SUBJECT


@pytest.mark.django_db
def test_it_sends_a_secret_letter_to_the_head_and_keeps_its_text_from_the_clerk(clerk, city, queue):
    row = _upload(clerk)
    read_incoming_scan.call(str(row.code))
    response = clerk.post(REGISTER, _form(city, row, security="R"))
    assert response.status_code == 302 and response["Location"] == "/letters/incoming/"
    letter = Letter.objects.get()
    assert letter.is_narrow and LetterText.objects.get(letter=letter).proposal["subject"]
    row.refresh_from_db()
    assert (row.letter, row.text, row.proposal) == (letter, "", {})
    again = clerk.get(f"{REGISTER}?scan={row.code}")
    assert again.status_code == 302 and again["Location"] == "/letters/incoming/"


@pytest.mark.django_db
def test_it_takes_a_malformed_agency_code_for_the_clerks_own_agency(clerk, city, queue):
    response = clerk.post(UPLOAD, {"scan": upload(text_pdf()), "agency": "not-a-code"})
    assert response.status_code == 302
    assert IncomingScan.objects.get().agency == city.agencies["Diskominfo"]
