"""The words of a letter's attachments are findable once the worker read them: a PDF's own
text, OCR of a scanned page or of a photo; gone with the attachment; read once, whatever the
reruns."""

import pytest
from django.core.management import call_command

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tasks import read_attachment
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.letters.tests.incoming_factories import letter_image, text_pdf, upload
from esurat.search.backends import search
from esurat.search.models import AttachmentText

pytestmark = pytest.mark.django_db


def _attach(city, letter, content, name="lampiran.pdf", content_type="application/pdf"):
    drafter = letter.drafter
    seat = seat_for_action(drafter, letter, Action.EDIT)
    return actions.do_add_attachment(letter=letter, seat=seat, user=drafter,
                                     upload=upload(content, name, content_type))  # fmt: skip


def _found(user, query):
    user = type(user).objects.get(pk=user.pk)
    return {hit.pk: hit for hit in search(user, query).hits}


def test_it_finds_a_word_that_only_an_attached_pdf_holds(city, django_capture_on_commit_callbacks):
    letter = draft_nota_dinas(city, subject="Rencana kerja")
    drafter = letter.drafter
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachment = _attach(
            city, letter, text_pdf(["Rincian anggaran", "Jembatan Sungai Mahakam"])
        )
    assert [c.__qualname__ for c in callbacks]  # enqueued only after the upload commits
    assert AttachmentText.objects.get(attachment=attachment).state == "pending"
    assert _found(drafter, "mahakam") == {}  # not read yet
    assert read_attachment.call(str(attachment.code)) == "done"
    hits = _found(drafter, "mahakam")
    assert list(hits) == [letter.pk]
    assert "<mark>Mahakam</mark>" in hits[letter.pk].snippet
    assert _found(city.users["kadis.pupr"], "mahakam") == {}  # not addressed to them yet
    assert read_attachment.call(str(attachment.code)) == "done"  # again: nothing changes
    assert AttachmentText.objects.filter(attachment=attachment).count() == 1
    seat = seat_for_action(drafter, letter, Action.EDIT)
    actions.do_remove_attachment(attachment=attachment, seat=seat, user=drafter)
    assert _found(drafter, "mahakam") == {}  # gone with its file


def test_it_reads_a_photo_of_a_page_by_ocr(city):
    letter = draft_nota_dinas(city, subject="Rencana kerja")
    from io import BytesIO

    out = BytesIO()
    page = [("", "DAFTAR HADIR"), ("gap", ""), ("", "Sosialisasi Perencanaan Pembangunan")]
    letter_image(dpi=200, lines=page).save(out, "PNG", dpi=(200, 200))
    attachment = _attach(city, letter, out.getvalue(), "foto.png", "image/png")
    assert read_attachment.call(str(attachment.code)) == "done"
    assert AttachmentText.objects.get(attachment=attachment).pages == 1
    assert list(_found(letter.drafter, "sosialisasi")) == [letter.pk]


def test_it_rebuilds_the_same_entry_with_the_attachments_text(city):
    letter = draft_nota_dinas(city, subject="Rencana kerja")
    attachment = _attach(city, letter, text_pdf(["Kalibrasi timbangan pasar"]))
    read_attachment.call(str(attachment.code))
    call_command("reindex", no_progress=True, full=True)
    assert list(_found(letter.drafter, "kalibrasi timbangan")) == [letter.pk]


def test_it_requeues_a_reading_a_killed_worker_left(city, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import task_backends

    queue = task_backends["default"]
    queue.clear()
    letter = draft_nota_dinas(city, subject="Rencana kerja")
    attachment = _attach(city, letter, text_pdf(["Kalibrasi"]))
    AttachmentText.objects.filter(attachment=attachment).update(
        state="running", updated_at="2026-01-01T00:00:00Z"
    )
    queue.clear()
    call_command("requeue_scans")
    assert [(r.task.name, r.args) for r in queue.results] == [
        ("read_attachment", [str(attachment.code)])
    ]
