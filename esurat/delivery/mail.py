"""Sending one dispatch by e-mail (Django's MAILERS["default"]), at least once, never twice
after success.

A send is three steps: claim the row in a short transaction (state SENDING, one more attempt),
talk to the mail server with no transaction open (a slow server must not hold a row lock or,
on SQLite, the database), then record the outcome in a second short transaction. A row already
SENT is never sent again. A worker killed between the mail server accepting the message and
the outcome being recorded leaves a SENDING row that `send_pending_mail` retries after
STALE_AFTER: the recipient may then get the same message twice, with the same Message-ID so
their mail client can fold the copies. Losing a letter is worse than sending it twice.
"""

import datetime
import logging
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from esurat.audit.actions import record_event
from esurat.delivery.models import Dispatch
from esurat.lib.dates import long_date_id
from esurat.signing.documents import letter_pdf
from esurat.signing.pdf import verification_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Minutes to wait after the n-th failed attempt: a mail server down for a day loses nothing.
BACKOFF_MINUTES = (1, 5, 15, 30, 60, 120, 240, 480, 720)
STALE_AFTER = datetime.timedelta(minutes=15)


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def due_filter(now) -> Q:
    """E-mail rows that should be tried now: due ones, and claims abandoned by a dead worker."""
    return Q(method=Dispatch.Method.EMAIL) & (
        Q(state__in=Dispatch.PENDING_MAIL, next_attempt_at__lte=now)
        | Q(state=Dispatch.State.SENDING, claimed_at__lt=now - STALE_AFTER)
    )


@transaction.atomic
def _claim(code: str, now) -> Dispatch | None:
    row = (
        Dispatch.objects.select_for_update(of=("self",)).filter(due_filter(now), code=code).first()
    )
    if row is None:
        return None  # sent, not due yet, or being sent by another worker right now
    row.state, row.claimed_at, row.attempts = Dispatch.State.SENDING, now, row.attempts + 1
    row.save(update_fields=["state", "claimed_at", "attempts"])
    return row


def _message_id(dispatch: Dispatch) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "e-surat.local"
    return f"<{dispatch.code}@{host}>"


def _filename(letter) -> str:
    return (letter.number or str(letter.code)).replace("/", "-").replace(" ", "_") + ".pdf"


# Mail to outside parties is part of the official correspondence: Indonesian, like the letter.
def _letter_message(dispatch: Dispatch, pdf) -> EmailMessage:
    letter = dispatch.letter
    date = long_date_id(letter.letter_date) if letter.letter_date else ""
    body = (
        f"Yth. {dispatch.recipient_name},\n\n"
        f"Terlampir {letter.kind.name} dari {letter.agency.name} nomor {letter.number} "
        f"tanggal {date} hal {letter.subject}.\n\n"
        f"Surat ini ditandatangani secara elektronik. Keasliannya dapat diperiksa dengan "
        f"memindai kode QR pada surat atau di {verification_url(letter)}\n\n"
        f"Pesan ini dikirim oleh e-Surat {letter.government.name}; mohon tidak membalas ke "
        f"alamat ini. Hubungi {letter.agency.email or letter.agency.name} bila ada pertanyaan.\n"
    )
    message = EmailMessage(
        subject=f"{letter.kind.name} Nomor {letter.number}: {letter.subject}"[:250],
        body=body, to=[dispatch.email], reply_to=[letter.agency.email] if letter.agency.email
        else None, headers={"Message-ID": _message_id(dispatch)},
    )  # fmt: skip
    message.attach(_filename(letter), pdf.data, "application/pdf")
    return message


def _revocation_message(dispatch: Dispatch) -> EmailMessage:
    letter = dispatch.letter
    body = (
        f"Yth. {dispatch.recipient_name},\n\n"
        f"{letter.kind.name} dari {letter.agency.name} nomor {letter.number} hal "
        f"{letter.subject} yang telah kami kirimkan DICABUT dan tidak berlaku lagi.\n"
        f"Alasan: {letter.revoke_reason}\n\n"
        f"Status surat dapat diperiksa di {verification_url(letter)}\n"
        f"Bila surat ini diganti dengan ralat, surat pengganti akan dikirim tersendiri.\n"
    )
    return EmailMessage(
        subject=f"PENCABUTAN {letter.kind.name} Nomor {letter.number}"[:250], body=body,
        to=[dispatch.email], headers={"Message-ID": _message_id(dispatch)},
    )  # fmt: skip


@transaction.atomic
def _finish(row: Dispatch, *, error: str = "", sha256: str = "") -> str:
    row = (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("letter__government")
        .get(pk=row.pk)
    )
    if row.state != Dispatch.State.SENDING:
        return row.state  # changed meanwhile (switched to print by the clerk): leave it
    now = timezone.now()
    letter = row.letter
    data = {"book": row.book_number, "recipient": row.recipient_name, "email": row.email,
            "purpose": row.purpose, "attempts": row.attempts}  # fmt: skip
    if not error:
        row.state, row.sent_at, row.last_error = Dispatch.State.SENT, now, ""
        row.message_id, row.document_sha256 = _message_id(row), sha256
        row.save()
        record_event(government=letter.government, actor=None, action="delivery.sent",
                     letter=letter, data={**data, "sha256": sha256})  # fmt: skip
        return row.state
    row.last_error = error[:500]
    if row.attempts >= MAX_ATTEMPTS:
        row.state, row.next_attempt_at = Dispatch.State.FAILED, None
        record_event(government=letter.government, actor=None, action="delivery.failed",
                     letter=letter, data={**data, "error": row.last_error})  # fmt: skip
    else:
        row.state, row.next_attempt_at = Dispatch.State.RETRYING, now + backoff(row.attempts)
    row.save()
    return row.state


def deliver(code: str) -> str:
    """Try to e-mail the dispatch with this code now if it is due. Returns its state after."""
    row = _claim(code, timezone.now())
    if row is None:
        found = Dispatch.objects.filter(code=code).values_list("state", flat=True).first()
        return found or "missing"
    row = Dispatch.objects.select_related("letter__government", "letter__agency",
                                          "letter__kind").get(pk=row.pk)  # fmt: skip
    sha256 = ""
    if row.purpose == Dispatch.Purpose.LETTER and row.letter.state == row.letter.State.REVOKED:
        # Revoked while this e-mail was claimed: it does not go out after all.
        row.state, row.next_attempt_at = Dispatch.State.WITHHELD, None
        row.save(update_fields=["state", "next_attempt_at"])
        return row.state
    try:
        if row.purpose == Dispatch.Purpose.LETTER:
            pdf = letter_pdf(row.letter)
            sha256 = pdf.sha256
            message = _letter_message(row, pdf)
        else:
            message = _revocation_message(row)
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("e-mail of dispatch %s failed: %r", code, exc)
        return _finish(row, error=f"{type(exc).__name__}: {exc}")
    return _finish(row, sha256=sha256)


def deliver_due(*, limit: int = 200) -> dict[str, int]:
    """Try every e-mail that is due now (the safety net run by cron or the worker loop)."""
    codes = list(
        Dispatch.objects.filter(due_filter(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("code", flat=True)[:limit]
    )
    outcome: dict[str, int] = {}
    for code in codes:
        state = deliver(str(code))
        outcome[state] = outcome.get(state, 0) + 1
    return outcome
