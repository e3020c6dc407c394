"""Incoming letters (surat masuk): registration by the registry clerk, and what follows it.

A letter from outside (paper or e-mail) is registered with its scan and the sender's metadata;
the agency's agenda number is issued at once. Scan first: the clerk may upload the scan before
typing anything (do_upload_incoming_scan); the worker reads it (tasks.py) and the registration
form comes back filled with its proposal, to be checked. A scan uploaded with the registration
itself is read after it, and its proposal can then be applied. The clerk sends the letter to the head of the agency, or
directly to a unit, or files it without disposition. Every function here is a `do_*` write: one
transaction, its audit event, side effects (the OCR task) only after commit.
"""

import datetime
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, record_event
from esurat.letters.access import clerk_agency_ids, is_incoming_clerk
from esurat.letters.actions import ActionRefused
from esurat.letters.models import (
    Attachment,
    Classification,
    ExternalParty,
    InboxEntry,
    IncomingScan,
    Letter,
    LetterKind,
    Recipient,
    Registration,
)
from esurat.letters.numbering import agenda_key, next_value
from esurat.letters.scans import Scan
from esurat.letters.tasks import read_incoming_scan, read_scan
from esurat.lib.dates import check_not_future
from esurat.lib.files import safe_filename
from esurat.organisations.access import seats_of
from esurat.organisations.models import Agency, Position
from esurat.search.backends import index_letter
from esurat.search.models import LetterText

# The fields a clerk may correct after registration (e.g. from the OCR proposal).
CORRECTABLE = ("sender_name", "sender_number", "sender_date", "subject")


class PossibleDuplicate(Exception):
    """A letter with the same sender, number and date is already registered in this agency."""

    def __init__(self, letters: list[Letter]):
        super().__init__(_("This letter may already be registered."))
        self.letters = letters


def clean_number(number: str) -> str:
    """The sender's number as typed, with spaces tidied ("005 / 123" → "005/123")."""
    return re.sub(r"\s*/\s*", "/", " ".join((number or "").split()))[:120]


def find_duplicates(
    *,
    agency: Agency,
    sender_name: str,
    sender_number: str,
    sender_date: datetime.date | None,
    exclude: Letter | None = None,
) -> list[Letter]:
    """Registered letters of this agency with the same sender, number and date (case-blind).

    The sender's number is never a unique key: two senders can use the same number, and the same
    sender may send the same letter twice (a copy by e-mail, then the paper).
    """
    number = clean_number(sender_number)
    key = ExternalParty.key_for(sender_name or "")
    if not (number and key and sender_date):
        return []
    rows = Letter.objects.filter(
        agency=agency, origin=Letter.Origin.REGISTERED, sender__government_id=agency.government_id,
        sender__match_key=key, sender_number__iexact=number, sender_date=sender_date,
    ).select_related("sender").order_by("-created_at")  # fmt: skip
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows.prefetch_related("registrations")[:5])


def clerk_position(user, agency: Agency) -> Position | None:
    """The position the clerk holds in the agency, for the audit record (a clerk may hold none)."""
    for seat in seats_of(user):
        if seat.position.agency_id == agency.pk and not seat.is_delegate:
            return seat.position
    return None


def _actor(user, agency, ip_address) -> Actor:
    return Actor(user, clerk_position(user, agency), "", ip_address)


def _party(government, name: str) -> ExternalParty:
    """The directory entry for this name, created on first use (de-duplicated by match_key)."""
    name = " ".join(name.split())[:300]
    key = ExternalParty.key_for(name)
    if not key:
        raise ValidationError(_("Write the sender's name."), code="sender")
    try:
        with transaction.atomic():
            party, _created = ExternalParty.objects.get_or_create(
                government=government, match_key=key, defaults={"name": name}
            )
    except IntegrityError:
        party = ExternalParty.objects.get(government=government, match_key=key)
    return party


def _check_dates(government, *, sender_date, received_on) -> None:
    if received_on is not None:
        check_not_future(received_on, government)
    if sender_date is not None:
        check_not_future(sender_date, government)
        if received_on is not None and sender_date > received_on:
            raise ValidationError(
                _("The letter cannot be dated after the day it was received."), code="dates"
            )


def _store_scan(letter: Letter, scan: Scan, user) -> Attachment:
    attachment = Attachment(letter=letter, original_name=safe_filename(scan.name, "application/pdf"),
                            content_type="application/pdf", size=scan.size, sha256=scan.sha256,
                            uploaded_by=user)  # fmt: skip
    attachment.file.save("scan.pdf", ContentFile(scan.content), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def _enqueue_reading(letter: Letter) -> None:
    code = str(letter.code)
    transaction.on_commit(lambda: read_scan.enqueue(code))


@transaction.atomic
def do_upload_incoming_scan(*, user, agency: Agency, scan: Scan, ip_address=None) -> IncomingScan:
    """Keep a checked scan for a letter not yet registered (scan first), and have it read.

    Guarantees: the caller is a clerk of `agency`; the file is stored with its SHA-256 before the
    row is written (a failed write removes it); the worker is asked to read it only after commit.
    """
    if agency.pk not in clerk_agency_ids(user):
        raise ActionRefused(_("You are not a registry clerk of this agency."))
    row = IncomingScan(agency=agency, uploaded_by=user, original_name=scan.name[:255],
                       size=scan.size, sha256=scan.sha256, pages=scan.pages,
                       from_photos=scan.from_photos)  # fmt: skip
    row.file.save("scan.pdf", ContentFile(scan.content), save=False)
    try:
        row.save()
        record_event(government=agency.government, actor=_actor(user, agency, ip_address),
                     action="incoming_scan.uploaded",
                     data={"scan": str(row.code), "name": row.original_name,
                           "sha256": row.sha256, "pages": row.pages})  # fmt: skip
    except Exception:
        row.file.storage.delete(row.file.name)
        raise
    code = str(row.code)
    transaction.on_commit(lambda: read_incoming_scan.enqueue(code))
    return row


def _lock_upload(row: IncomingScan, user) -> IncomingScan:
    row = IncomingScan.objects.select_for_update(of=("self",)).select_related(
        "agency__government", "letter"
    ).get(pk=row.pk)  # fmt: skip
    if row.agency_id not in clerk_agency_ids(user):
        raise ActionRefused(_("Only a registry clerk of this agency can do this."))
    return row


@transaction.atomic
def do_discard_incoming_scan(*, upload: IncomingScan, user, ip_address=None) -> None:
    """Remove an uploaded scan that will not be registered, and its file (after commit).

    Locks the row; a scan already registered as a letter cannot be discarded.
    """
    row = _lock_upload(upload, user)
    if row.letter_id is not None:
        raise ActionRefused(_("This scan has already been registered as a letter."))
    name, storage = row.file.name, row.file.storage
    record_event(government=row.agency.government, actor=_actor(user, row.agency, ip_address),
                 action="incoming_scan.discarded",
                 data={"scan": str(row.code), "name": row.original_name,
                       "sha256": row.sha256})  # fmt: skip
    row.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def upload_days() -> int:
    """How many days a scan uploaded first waits to be registered before it is removed."""
    from django.conf import settings

    return getattr(settings, "SCAN_UPLOAD_DAYS", 7)


def prune_incoming_scans(*, older_than: datetime.timedelta) -> int:
    """Delete uploaded scans never registered for longer than `older_than`, with their files."""
    cutoff, removed = timezone.now() - older_than, 0
    for row in IncomingScan.objects.filter(letter__isnull=True, updated_at__lt=cutoff):
        name, storage = row.file.name, row.file.storage
        row.delete()
        if name:
            storage.delete(name)
        removed += 1
    return removed


def _take_over_upload(letter: Letter, row: IncomingScan, user, now) -> Attachment:
    """The letter's scan is the uploaded file itself (no copy); its reading is kept if done."""
    attachment = Attachment.objects.create(letter=letter, file=row.file.name,
                                           original_name=row.original_name,
                                           content_type="application/pdf", size=row.size,
                                           sha256=row.sha256, uploaded_by=user)  # fmt: skip
    done = row.state == IncomingScan.State.DONE
    LetterText.objects.create(
        letter=letter, scan=attachment, scan_sha256=row.sha256 if done else "",
        state=LetterText.State.DONE if done else LetterText.State.PENDING,
        source=row.source if done else "", text=row.text if done else "",
        pages=row.pages if done else 0, proposal=row.proposal if done else {},
        applied_at=now if done else None,
    )  # fmt: skip
    # The text now belongs to the letter, under its own access rules (a secret letter's too).
    row.letter, row.file, row.text, row.proposal = letter, "", "", {}
    row.save(update_fields=["letter", "file", "text", "proposal", "updated_at"])
    if not done:
        _enqueue_reading(letter)
    return attachment


@transaction.atomic
def do_register_incoming(
    *,
    user,
    agency: Agency,
    sender_name: str,
    sender_number: str,
    sender_date: datetime.date | None,
    received_on: datetime.date,
    channel: str,
    kind: LetterKind,
    classification: Classification,
    security: str,
    urgency: str,
    subject: str,
    summary: str = "",
    enclosures: int = 0,
    scan: Scan | None,
    upload: IncomingScan | None = None,
    allow_duplicate: bool = False,
    client_token: uuid.UUID | None = None,
    ip_address: str | None = None,
) -> Letter:
    """Register an incoming letter in the agency's book and issue its agenda number.

    Guarantees: the caller is a clerk of `agency`; dates are not in the future (government's
    zone); the agenda counter row is locked first, so concurrent registrations get consecutive
    numbers and a duplicate registered a second earlier is seen; a possible duplicate (same sender,
    number and date) raises PossibleDuplicate unless `allow_duplicate`. The scan is stored with
    its SHA-256 and read after commit by the worker; registration never waits for OCR. Secret
    (R/SR) letters go straight to the head's inbox: no clerk may see them. Idempotent on
    `client_token`. With `upload` (a scan uploaded first, instead of `scan`), the upload row is
    locked first and registered once: registering it again returns its letter.
    """
    if agency.pk not in clerk_agency_ids(user):
        raise ActionRefused(_("You are not a registry clerk of this agency."))
    if upload is not None:
        if scan is not None:
            raise TypeError("either scan or upload")
        upload = _lock_upload(upload, user)
        if upload.letter is not None:
            return upload.letter
        if upload.agency_id != agency.pk or not upload.file:
            raise ActionRefused(_("This scan was uploaded for another agency."))
    if client_token and (existing := Letter.objects.filter(client_token=client_token).first()):
        return existing
    government = agency.government
    subject = " ".join(subject.split())
    if not subject:
        raise ValidationError(_("Write the subject of the letter."), code="subject")
    if not classification.is_active:
        raise ValidationError(_("This classification code is no longer in use."), code="code")
    if channel not in Letter.Channel.values:
        raise ValidationError(_("Choose how the letter arrived."), code="channel")
    _check_dates(government, sender_date=sender_date, received_on=received_on)
    now = timezone.now()
    year = timezone.localdate(now, government.zone).year
    # Locks this agency's incoming agenda (the series signed letters are registered in too).
    seq = next_value(agenda_key(agency.pk, Registration.Direction.IN), year)
    number = clean_number(sender_number)
    duplicates = find_duplicates(agency=agency, sender_name=sender_name, sender_number=number,
                                 sender_date=sender_date)  # fmt: skip
    if duplicates and not allow_duplicate:
        raise PossibleDuplicate(duplicates)
    letter = Letter.objects.create(
        origin=Letter.Origin.REGISTERED, state=Letter.State.REGISTERED, government=government,
        agency=agency, kind=kind, classification=classification, security=security,
        urgency=urgency, subject=subject[:300], summary=summary.strip(), enclosures=enclosures,
        drafter=user, sender=_party(government, sender_name), sender_number=number,
        sender_date=sender_date, received_on=received_on, channel=channel,
        client_token=client_token,
    )  # fmt: skip
    registration = Registration.objects.create(letter=letter, agency=agency,
                                               direction=Registration.Direction.IN, year=year,
                                               seq=seq, registered_at=now)  # fmt: skip
    head = _head(agency) if letter.is_narrow else None
    attachment = _store_scan(letter, scan, user) if scan is not None else None
    upload_sha = _take_over_upload(letter, upload, user, now).sha256 if upload else ""
    try:
        if attachment is not None:
            LetterText.objects.create(letter=letter, scan=attachment,
                                      scan_sha256=attachment.sha256)  # fmt: skip
        record_event(government=government, actor=_actor(user, agency, ip_address),
                     action="letter.registered", letter=letter,
                     data={"agenda": registration.agenda_number, "sender": letter.sender.name,
                           "sender_number": number, "subject": letter.subject,
                           "scan_sha256": attachment.sha256 if attachment else upload_sha,
                           "scan_upload": str(upload.code) if upload else "",
                           "duplicate_of": [str(d.code) for d in duplicates]})  # fmt: skip
        if head is not None:
            _route(letter, user=user, position=head, event="letter.sent_to_head",
                   ip_address=ip_address, now=now)  # fmt: skip
    except Exception:
        if attachment is not None:
            attachment.file.storage.delete(attachment.file.name)
        raise
    index_letter(letter)
    if attachment is not None:
        _enqueue_reading(letter)
    return letter


def _head(agency: Agency) -> Position:
    head = agency.head_position()
    if head is None:
        raise ActionRefused(_("The agency has no head position; ask the administrator."))
    return head


def unit_positions(agency: Agency):
    """Where a clerk may send a letter directly: the positions right below the agency's head."""
    head = agency.head_position()
    rows = Position.objects.filter(agency=agency, is_head=False).select_related("unit")
    if head is not None:
        rows = rows.filter(superior=head)
    return rows.order_by("title")


def _lock(letter: Letter, user) -> Letter:
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related("government", "agency")
        .get(pk=letter.pk)
    )
    if not is_incoming_clerk(user, letter):
        raise ActionRefused(_("Only a registry clerk of this agency can do this."))
    return letter


def _route(letter, *, user, position: Position, event: str, ip_address, now, note="") -> None:
    InboxEntry.objects.get_or_create(
        letter=letter, position=position,
        defaults={"kind": Recipient.Kind.TO, "delivered_at": now, "from_agency": letter.agency,
                  "letter_kind": letter.kind, "urgency": letter.urgency,
                  "security": letter.security, "awaiting_disposal": True},
    )  # fmt: skip
    letter.state, letter.sent_at = Letter.State.SENT, now
    letter.save(update_fields=["state", "sent_at", "updated_at"])
    index_letter(letter)
    record_event(government=letter.government, actor=_actor(user, letter.agency, ip_address),
                 action=event, letter=letter,
                 data={"position": position.title, "position_code": str(position.code),
                       "note": note})  # fmt: skip


@transaction.atomic
def do_send_to_head(*, letter: Letter, user, note: str = "", ip_address=None) -> Letter:
    """Put a registered letter in the head of the agency's inbox (state: sent).

    Locks the letter; only a registered (not yet sent or filed) letter can be sent, so a double
    click sends it once.
    """
    letter = _lock(letter, user)
    if letter.state != Letter.State.REGISTERED:
        raise ActionRefused(_("This letter has already been sent or filed."))
    _route(letter, user=user, position=_head(letter.agency), event="letter.sent_to_head",
           ip_address=ip_address, now=timezone.now(), note=note.strip())  # fmt: skip
    return letter


@transaction.atomic
def do_send_to_unit(*, letter: Letter, user, position: Position, note: str = "",
                    ip_address=None) -> Letter:  # fmt: skip
    """Put a registered letter directly in the inbox of a position below the head (a unit).

    Same guarantees as do_send_to_head; the position must be one of unit_positions(agency).
    """
    letter = _lock(letter, user)
    if letter.state != Letter.State.REGISTERED:
        raise ActionRefused(_("This letter has already been sent or filed."))
    if not unit_positions(letter.agency).filter(pk=position.pk).exists():
        raise ActionRefused(_("A letter can only be sent to a unit of this agency."))
    _route(letter, user=user, position=position, event="letter.sent_to_unit",
           ip_address=ip_address, now=timezone.now(), note=note.strip())  # fmt: skip
    return letter


@transaction.atomic
def do_file_without_disposition(*, letter: Letter, user, note: str = "",
                                ip_address=None) -> Letter:  # fmt: skip
    """File (arsipkan) a registered letter that needs no disposition; it goes to nobody's inbox."""
    letter = _lock(letter, user)
    if letter.state != Letter.State.REGISTERED:
        raise ActionRefused(_("This letter has already been sent or filed."))
    letter.state = Letter.State.FILED
    letter.save(update_fields=["state", "updated_at"])
    index_letter(letter)
    record_event(government=letter.government, actor=_actor(user, letter.agency, ip_address),
                 action="letter.filed", letter=letter, data={"note": note.strip()})  # fmt: skip
    return letter


@transaction.atomic
def do_apply_ocr_proposal(*, letter: Letter, user, values: dict, ip_address=None) -> list[str]:
    """Apply the clerk's checked values (proposed by OCR, possibly corrected) to the letter.

    `values` may hold sender_name, sender_number, sender_date and subject; empty values leave the
    field as it is. Allowed while the letter is registered or sent. Returns the fields changed;
    the audit event keeps their previous values.
    """
    letter = _lock(letter, user)
    if letter.state not in (Letter.State.REGISTERED, Letter.State.SENT):
        raise ActionRefused(_("This letter can no longer be corrected."))
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    before, changed = {}, []
    new_date = values.get("sender_date") or letter.sender_date
    _check_dates(letter.government, sender_date=new_date, received_on=letter.received_on)
    if name := " ".join((values.get("sender_name") or "").split()):
        party = _party(letter.government, name)
        if party.pk != letter.sender_id:
            before["sender"] = letter.sender.name if letter.sender else ""
            letter.sender = party
            changed.append("sender")
    if (
        number := clean_number(values.get("sender_number") or "")
    ) and number != letter.sender_number:
        before["sender_number"], letter.sender_number = letter.sender_number, number
        changed.append("sender_number")
    if values.get("sender_date") and values["sender_date"] != letter.sender_date:
        before["sender_date"] = letter.sender_date.isoformat() if letter.sender_date else ""
        letter.sender_date = values["sender_date"]
        changed.append("sender_date")
    if (subject := " ".join((values.get("subject") or "").split())) and subject != letter.subject:
        before["subject"], letter.subject = letter.subject, subject[:300]
        changed.append("subject")
    if changed:
        letter.save(update_fields=[*changed, "updated_at"])
        index_letter(letter)
    LetterText.objects.filter(letter=letter).update(applied_at=timezone.now())
    record_event(government=letter.government, actor=_actor(user, letter.agency, ip_address),
                 action="letter.corrected", letter=letter,
                 data={"fields": changed, "before": before, "from": "ocr_proposal"})  # fmt: skip
    return changed
