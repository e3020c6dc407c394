"""Background work for letters (Django's Tasks API, run by the django-tasks-db worker).

`read_attachment` reads the text of a file attached to a letter (a PDF's text or OCR, an
image by OCR) so that search finds its words.

`read_incoming_scan` does the same for a scan uploaded before its letter is registered (scan
first), onto that upload's IncomingScan row, with the same guarantees.

`read_scan` reads the text of an incoming letter's scan and proposes its metadata. It never runs
in the web process: registration enqueues it with transaction.on_commit. It is idempotent: the
text and proposal are written in one short transaction at the end, onto the letter's single
LetterText row, so a run killed halfway (even mid-page) changes nothing but the state `running`;
run again — by the worker, or by `manage.py requeue_scans` — it ends with exactly one text.
"""

import logging
import shutil
import tempfile
from contextlib import contextmanager

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from esurat.letters import ocr
from esurat.letters.models import Attachment, IncomingScan
from esurat.search.backends import index_letters
from esurat.search.models import AttachmentText, LetterText

logger = logging.getLogger(__name__)


@task()
def read_scan(letter_code: str) -> str:
    """Read the scan of the letter with this code; returns the LetterText state."""
    row = (
        LetterText.objects.select_related("letter__government", "scan")
        .filter(letter__code=letter_code)
        .first()
    )
    if row is None or row.scan is None:
        return "missing"
    if row.state == LetterText.State.DONE and row.scan_sha256 == row.scan.sha256:
        return row.state  # already read this very file: nothing to do
    LetterText.objects.filter(pk=row.pk).update(
        state=LetterText.State.RUNNING, attempts=row.attempts + 1, updated_at=timezone.now()
    )
    sha256 = row.scan.sha256
    try:
        with _local_path(row.scan.file) as path:
            result = ocr.read_pdf(path)
    except ocr.ReadError as exc:
        logger.warning("scan of letter %s not read: %s", letter_code, exc)
        _finish(row.pk, sha256, state=LetterText.State.FAILED, error=str(exc)[:500])
        return LetterText.State.FAILED
    except Exception as exc:
        _finish(row.pk, sha256, state=LetterText.State.FAILED, error=repr(exc)[:500])
        raise
    proposal = ocr.propose(result.text, today=row.letter.government.today())
    return _finish(row.pk, sha256, state=LetterText.State.DONE, text=result.text,
                   source=result.source, pages=result.pages, proposal=proposal)  # fmt: skip


@task()
def read_incoming_scan(scan_code: str) -> str:
    """Read a scan uploaded first (IncomingScan) and propose the letter's data; returns its state."""
    row = IncomingScan.objects.select_related("agency__government").filter(code=scan_code).first()
    if row is None or not row.file:
        return "missing"  # discarded, or registered meanwhile (the letter's own reading follows)
    if row.state == IncomingScan.State.DONE:
        return row.state
    IncomingScan.objects.filter(pk=row.pk).update(
        state=IncomingScan.State.RUNNING, attempts=row.attempts + 1, updated_at=timezone.now()
    )
    try:
        with _local_path(row.file) as path:
            result = ocr.read_pdf(path)
    except ocr.ReadError as exc:
        logger.warning("uploaded scan %s not read: %s", scan_code, exc)
        return _finish_upload(row.pk, state=IncomingScan.State.FAILED, error=str(exc)[:500])
    except Exception as exc:
        _finish_upload(row.pk, state=IncomingScan.State.FAILED, error=repr(exc)[:500])
        raise
    proposal = ocr.propose(result.text, today=row.agency.government.today())
    return _finish_upload(row.pk, state=IncomingScan.State.DONE, text=result.text,
                          source=result.source, pages=result.pages, proposal=proposal)  # fmt: skip


@task()
def read_attachment(attachment_code: str) -> str:
    """Read the text of an attachment so that its words are findable; returns the state.

    Idempotent like read_scan: the text is written in one short transaction at the end, onto the
    attachment's single AttachmentText row, and the letter is indexed in the same transaction.
    """
    attachment = Attachment.objects.filter(code=attachment_code).first()
    if attachment is None:
        return "missing"  # removed meanwhile
    row, _created = AttachmentText.objects.get_or_create(attachment=attachment)
    if row.state == LetterText.State.DONE and row.sha256 == attachment.sha256:
        return row.state
    AttachmentText.objects.filter(pk=row.pk).update(
        state=LetterText.State.RUNNING, attempts=row.attempts + 1, updated_at=timezone.now()
    )
    try:
        with _local_path(attachment.file) as path:
            result = ocr.read_file(path, attachment.content_type)
    except ocr.ReadError as exc:
        logger.warning("attachment %s not read: %s", attachment_code, exc)
        return _finish_attachment(row.pk, state=LetterText.State.FAILED, error=str(exc)[:500])
    except Exception as exc:
        _finish_attachment(row.pk, state=LetterText.State.FAILED, error=repr(exc)[:500])
        raise
    return _finish_attachment(row.pk, state=LetterText.State.DONE, text=result.text,
                              pages=result.pages, sha256=attachment.sha256)  # fmt: skip


@transaction.atomic
def _finish_attachment(pk: int, *, state: str, **fields) -> str:
    """Write the outcome in one write, unless the attachment was removed meanwhile."""
    row = AttachmentText.objects.select_for_update(of=("self",)).select_related("attachment")
    row = row.filter(pk=pk).first()
    if row is None:
        return "missing"
    row.state, row.error = state, fields.pop("error", "")
    for key, value in fields.items():
        setattr(row, key, value)
    row.save()
    if state == LetterText.State.DONE:
        index_letters([row.attachment.letter_id])  # its words are findable once stored
    return row.state


@transaction.atomic
def _finish_upload(pk: int, *, state: str, **fields) -> str:
    """Write the outcome in one write, unless the row is gone or already read."""
    row = IncomingScan.objects.select_for_update().filter(pk=pk).first()
    if row is None or row.letter_id is not None:
        return "missing"  # discarded, or registered: the text now belongs to the letter
    if row.state == IncomingScan.State.DONE:
        return row.state
    row.state, row.error = state, fields.pop("error", "")
    for key, value in fields.items():
        setattr(row, key, value)
    row.save()
    return row.state


@transaction.atomic
def _finish(pk: int, sha256: str, *, state: str, **fields) -> str:
    """Write the outcome, unless the scan changed meanwhile (then a newer run owns the row)."""
    row = LetterText.objects.select_for_update(of=("self",)).select_related("scan").get(pk=pk)
    if row.scan is None or row.scan.sha256 != sha256:
        return row.state
    row.state, row.scan_sha256, row.error = state, sha256, fields.pop("error", "")
    for key, value in fields.items():
        setattr(row, key, value)
    row.save()
    if state == LetterText.State.DONE:
        index_letters([row.letter_id])  # the scan's words are findable once its text is stored
    return row.state


@contextmanager
def _local_path(field_file):
    """A path on this machine for the stored file (object storage has none: copy it)."""
    try:
        path = field_file.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy, field_file.open("rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name
