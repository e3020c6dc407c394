"""The background reading of scans: after commit only, idempotent, one text per letter."""

import pytest
from django.core.management import call_command

from esurat.letters import ocr
from esurat.letters.tasks import read_scan
from esurat.letters.tests.incoming_factories import register
from esurat.search.models import LetterText


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even `except Exception` handlers."""


@pytest.fixture
def queue(settings):
    """A queue that only records tasks (as the database queue does until a worker takes them)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import task_backends

    backend = task_backends["default"]
    backend.clear()
    return backend


@pytest.mark.django_db
def test_it_enqueues_the_reading_only_after_the_registration_commits(
    city, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = register(city)
        assert queue.results == []  # nothing runs or is enqueued inside the transaction
    assert LetterText.objects.get(letter=letter).state == LetterText.State.PENDING
    for callback in callbacks:
        callback()
    assert [(r.task.name, r.args) for r in queue.results] == [("read_scan", [str(letter.code)])]


@pytest.mark.django_db
def test_it_stores_one_text_and_the_proposal(city):
    letter = register(city)
    assert read_scan.call(str(letter.code)) == "done"
    row = LetterText.objects.get(letter=letter)
    assert row.state == "done" and row.source == "pdf" and row.pages == 1 and row.attempts == 1
    assert "050/77/BAPPEDA/X/2026" in row.text
    assert row.proposal["sender_number"] == "050/77/BAPPEDA/X/2026"
    assert row.proposal["subject"] == "Permohonan Data Perencanaan"
    assert row.scan_sha256 == letter.attachments.get().sha256


@pytest.mark.django_db
def test_it_ends_with_exactly_one_text_when_killed_midway_and_run_again(city, monkeypatch):
    letter = register(city)
    real_read = ocr.read_pdf

    def killed_mid_page(path, **kwargs):
        real_read(path, **kwargs)  # the work is done, the worker dies before writing
        raise Killed

    monkeypatch.setattr(ocr, "read_pdf", killed_mid_page)
    with pytest.raises(Killed):
        read_scan.call(str(letter.code))
    row = LetterText.objects.get(letter=letter)
    assert row.state == "running" and row.text == "" and row.proposal == {}

    monkeypatch.setattr(ocr, "read_pdf", real_read)
    call_command("requeue_scans", minutes=-1)  # the immediate queue of the tests runs it now
    assert LetterText.objects.filter(letter=letter).count() == 1
    row.refresh_from_db()
    assert row.state == "done" and row.attempts == 2
    assert row.text.count("050/77/BAPPEDA/X/2026") == 1

    def must_not_read(*args, **kwargs):
        raise AssertionError("an already read scan is not read again")

    monkeypatch.setattr(ocr, "read_pdf", must_not_read)
    assert read_scan.call(str(letter.code)) == "done"
    assert LetterText.objects.filter(letter=letter).count() == 1


@pytest.mark.django_db
def test_it_marks_an_unreadable_scan_failed_and_keeps_the_letter(city, monkeypatch):
    letter = register(city)

    def unreadable(*args, **kwargs):
        raise ocr.ReadError("the PDF is encrypted")

    monkeypatch.setattr(ocr, "read_pdf", unreadable)
    assert read_scan.call(str(letter.code)) == "failed"
    row = LetterText.objects.get(letter=letter)
    assert row.state == "failed" and row.error == "the PDF is encrypted" and row.text == ""
    letter.refresh_from_db()
    assert letter.state == "registered"


@pytest.mark.django_db
def test_it_requeues_only_stale_unfinished_scans(city, queue):
    waiting = register(city)
    done = register(city, sender_number="1/2026")
    LetterText.objects.filter(letter=done).update(state="done")
    call_command("requeue_scans", minutes=15)
    assert queue.results == []  # fresh: a worker may still be on it
    call_command("requeue_scans", minutes=-1)
    assert [r.args for r in queue.results] == [[str(waiting.code)]]
