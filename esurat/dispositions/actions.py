"""Every state change of a disposition. Each do_* runs in one transaction with its audit event.

The letter row is locked (select_for_update) first by every action, so two people acting on one
letter's dispositions at the same second are serialised, and each action re-checks the state
under that lock: a double click cannot apply a change twice.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, delete_audited, record_event, save_audited
from esurat.dispositions.access import may_dispose_to, receiving_seats, settings_for
from esurat.dispositions.models import (
    Disposition,
    DispositionSettings,
    FollowUp,
    FollowUpFile,
    Instruction,
)
from esurat.letters.actions import ActionRefused
from esurat.letters.models import Letter, Participant
from esurat.lib.files import check_upload, safe_filename
from esurat.lib.workdays import check_working_day, default_due_date
from esurat.notifications import events as notices
from esurat.organisations.models import Position
from esurat.search.backends import refresh_readers

MAX_FILES = 10

__all__ = [
    "ActionRefused",
    "do_approve",
    "do_discard",
    "do_dispose",
    "do_mark_read",
    "do_reopen",
    "do_report_follow_up",
    "do_withdraw",
]


def _actor(seat, user, ip_address=None) -> Actor:
    return Actor(user, seat.position, seat.acting_as, ip_address)


def _lock(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("government", "agency")
        .get(pk=letter.pk)
    )


def _lock_disposition(disposition: Disposition) -> Disposition:
    """Lock the letter, then reload the disposition with its current state."""
    letter = _lock(disposition.letter)
    fresh = Disposition.objects.select_related("from_position", "to_position").get(
        pk=disposition.pk
    )
    fresh.letter = letter
    return fresh


def _add_participants(letter: Letter, position_ids) -> None:
    Participant.objects.bulk_create(
        [Participant(letter=letter, position_id=pid, role=Participant.Role.DISPOSITION)
         for pid in position_ids],
        ignore_conflicts=True,
    )  # fmt: skip
    refresh_readers([letter.pk])  # the new recipients find the letter in search


def _drop_participant(letter: Letter, position_id: int) -> None:
    """Forget the position's disposition role unless another disposition still gives it one."""
    still = Disposition.objects.filter(
        letter=letter, to_position_id=position_id, state__in=Disposition.VISIBLE_STATES
    ).exists()
    if not still:
        Participant.objects.filter(
            letter=letter, position_id=position_id, role=Participant.Role.DISPOSITION
        ).delete()
        refresh_readers([letter.pk])


def _receives(letter: Letter, position_id: int) -> bool:
    """True while the letter is in the position's inbox or has an open disposition to it."""
    from esurat.letters.models import InboxEntry

    return (
        InboxEntry.objects.filter(letter=letter, position_id=position_id).exists()
        or Disposition.objects.filter(
            letter=letter, to_position_id=position_id, state__in=Disposition.OPEN_STATES
        ).exists()
    )


def _labels(dispositions) -> list[str]:
    return [d.to_position.title for d in dispositions]


def _mark_awaiting_disposal(letter_id: int, position_id: int) -> None:
    """Keep InboxEntry.awaiting_disposal true for the position's inbox row of a registered
    letter sent on to it exactly while no disposition from that position (but a withdrawn one)
    answers it; the caller holds the disposition's or letter's lock."""
    from esurat.letters.models import InboxEntry

    answered = (
        Disposition.objects.filter(letter_id=letter_id, from_position_id=position_id)
        .exclude(state=Disposition.State.WITHDRAWN)
        .exists()
    )
    InboxEntry.objects.filter(
        letter_id=letter_id, position_id=position_id, letter__origin=Letter.Origin.REGISTERED,
        letter__state=Letter.State.SENT,
    ).update(awaiting_disposal=not answered)  # fmt: skip


@transaction.atomic
def do_dispose(
    *,
    letter: Letter,
    seat,
    user,
    to_positions: list[Position],
    instructions: list[Instruction],
    note: str = "",
    due_date: datetime.date | None = None,
    ip_address: str | None = None,
) -> list[Disposition]:
    """Dispose a received letter from the seat's position to one or more positions below it.

    Guarantees, under the letter's row lock: the seat still receives the letter (inbox or an open
    disposition to it); every target is below the giver (or in its agency when the agency allows
    sideways dispositions); no open disposition from the giver to a target exists already. A
    delegate's disposition is prepared for the leader's approval unless the agency lets
    delegates send. The due date is a working day of the government (a weekend or holiday is
    refused with the next working day named, never moved silently). Sent dispositions make each target a participant of the letter (visibility).
    Returns the new rows, one per target, sharing one batch.
    """
    letter = _lock(letter)
    if not any(s.position.pk == seat.position.pk for s in receiving_seats(user, letter)):
        raise ActionRefused(_("You cannot dispose this letter: it has not reached your position."))
    if seat.is_delegate and letter.is_narrow:
        raise ActionRefused(_("You cannot dispose this letter: it has not reached your position."))
    options = settings_for(seat.position.agency)
    targets = list({p.pk: p for p in to_positions}.values())
    if not targets:
        raise ValidationError(_("Choose at least one position."), code="no_target")
    refused = [p for p in targets if not may_dispose_to(seat, p, sideways=options.allow_sideways)]
    if refused:
        raise ValidationError(
            _("You can only dispose to positions below yours; %(positions)s is not.")
            % {"positions": ", ".join(p.title for p in refused)},
            code="not_below",
        )
    if not instructions:
        raise ValidationError(_("Choose at least one instruction."), code="no_instruction")
    today = letter.government.today()
    due_date = due_date or default_due_date(letter.government, letter.urgency, today=today)
    if due_date < today:
        raise ValidationError(_("The due date cannot be in the past."), code="past_due")
    check_working_day(letter.government, due_date)
    existing = set(
        Disposition.objects.filter(
            letter=letter, from_position=seat.position, to_position__in=targets
        )
        .exclude(state=Disposition.State.WITHDRAWN)
        .values_list("to_position__title", flat=True)
    )
    if existing:
        raise ActionRefused(
            _("This letter has already been disposed to %(positions)s.")
            % {"positions": ", ".join(sorted(existing))}
        )
    parent = (
        Disposition.objects.select_for_update()
        .filter(letter=letter, to_position=seat.position, state__in=Disposition.OPEN_STATES)
        .order_by("created_at", "pk")
        .first()
    )
    now = timezone.now()
    if parent and parent.state == Disposition.State.SENT and not seat.is_delegate:
        # Disposing further means the recipient has read it.
        _set_read(parent, user=user, acting_as=seat.acting_as, now=now, ip_address=ip_address)
    prepared = seat.is_delegate and not options.delegate_may_send
    batch = uuid.uuid4()
    rows = [
        Disposition(
            batch=batch,
            letter=letter,
            security=letter.security,
            parent=parent,
            from_position=seat.position,
            to_position=p,
            note=note.strip(),
            due_date=due_date,
            created_by=user,
            created_as=seat.acting_as,
            created_at=now,
            state=Disposition.State.PREPARED if prepared else Disposition.State.SENT,
            sent_by=None if prepared else user,
            sent_as="" if prepared else seat.acting_as,
            sent_at=None if prepared else now,
        )  # fmt: skip
        for p in targets
    ]
    try:
        with transaction.atomic():
            Disposition.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ActionRefused(_("This letter has already been disposed to that position.")) from exc
    rows = list(Disposition.objects.filter(batch=batch).select_related("to_position"))
    through = Disposition.instructions.through
    through.objects.bulk_create(
        [through(disposition_id=d.pk, instruction_id=i.pk) for d in rows for i in instructions]
    )
    if not prepared:
        _add_participants(letter, [p.pk for p in targets])
        notices.dispositions_sent(letter, rows)
    else:
        notices.dispositions_prepared(letter, rows)
    _mark_awaiting_disposal(letter.pk, seat.position.pk)
    record_event(
        government=letter.government, actor=_actor(seat, user, ip_address),
        action="disposition.prepared" if prepared else "disposition.sent", letter=letter,
        data={"batch": str(batch), "to": _labels(rows), "due_date": due_date.isoformat(),
              "instructions": [i.name for i in instructions],
              "parent": str(parent.code) if parent else None},
    )  # fmt: skip
    return rows


@transaction.atomic
def do_approve(*, disposition: Disposition, seat, user, ip_address=None) -> list[Disposition]:
    """The leader sends the dispositions their delegate prepared (the whole batch), one tap.

    The seat must be the holder or an acting official of the giving position, not a delegate.
    """
    disposition = _lock_disposition(disposition)
    letter = disposition.letter
    if seat.is_delegate or seat.position.pk != disposition.from_position_id:
        raise ActionRefused(_("Only the leader can approve a prepared disposition."))
    rows = list(
        Disposition.objects.filter(
            batch=disposition.batch, state=Disposition.State.PREPARED
        ).select_related("to_position")
    )
    if not rows:
        raise ActionRefused(_("This disposition is not waiting for approval."))
    if not _receives(letter, disposition.from_position_id):
        raise ActionRefused(_("This letter is no longer with your position; it cannot be sent."))
    now = timezone.now()
    Disposition.objects.filter(pk__in=[d.pk for d in rows]).update(
        state=Disposition.State.SENT, sent_by=user, sent_as=seat.acting_as, sent_at=now
    )
    _add_participants(letter, [d.to_position_id for d in rows])
    notices.dispositions_sent(letter, rows)
    record_event(
        government=letter.government, actor=_actor(seat, user, ip_address),
        action="disposition.approved", letter=letter,
        data={"batch": str(disposition.batch), "to": _labels(rows),
              "prepared_by": rows[0].created_by_id},
    )  # fmt: skip
    return list(Disposition.objects.filter(pk__in=[d.pk for d in rows]))


@transaction.atomic
def do_discard(*, disposition: Disposition, seat, user, ip_address=None) -> Disposition:
    """Discard one prepared disposition (the leader, or the delegate who prepared it)."""
    disposition = _lock_disposition(disposition)
    if disposition.state != Disposition.State.PREPARED:
        raise ActionRefused(_("This disposition is not waiting for approval."))
    if seat.position.pk != disposition.from_position_id:
        raise ActionRefused(_("Only the leader or their delegate can discard this disposition."))
    if seat.is_delegate and disposition.created_by_id != user.pk:
        raise ActionRefused(_("Only the leader or their delegate can discard this disposition."))
    disposition.state = Disposition.State.WITHDRAWN
    disposition.withdrawn_by, disposition.withdrawn_at = user, timezone.now()
    disposition.save(update_fields=["state", "withdrawn_by", "withdrawn_at"])
    _mark_awaiting_disposal(disposition.letter_id, disposition.from_position_id)
    record_event(
        government=disposition.letter.government, actor=_actor(seat, user, ip_address),
        action="disposition.discarded", letter=disposition.letter,
        data={"code": str(disposition.code), "to": disposition.to_position.title},
    )  # fmt: skip
    return disposition


@transaction.atomic
def do_withdraw(*, disposition: Disposition, seat, user, ip_address=None) -> Disposition:
    """Withdraw a sent disposition that its recipient has not read yet.

    The giver's holder or acting official may; a delegate only when they sent it themselves. The
    recipient stops seeing the letter unless another disposition or their inbox still shows it.
    """
    disposition = _lock_disposition(disposition)
    if seat.position.pk != disposition.from_position_id or (
        seat.is_delegate and disposition.sent_by_id != user.pk
    ):
        raise ActionRefused(_("Only the giver can withdraw this disposition."))
    if disposition.state == Disposition.State.READ or disposition.read_at:
        raise ActionRefused(_("This disposition has already been read and cannot be withdrawn."))
    if disposition.state != Disposition.State.SENT:
        raise ActionRefused(_("This disposition can no longer be withdrawn."))
    disposition.state = Disposition.State.WITHDRAWN
    disposition.withdrawn_by, disposition.withdrawn_at = user, timezone.now()
    disposition.save(update_fields=["state", "withdrawn_by", "withdrawn_at"])
    _drop_participant(disposition.letter, disposition.to_position_id)
    _mark_awaiting_disposal(disposition.letter_id, disposition.from_position_id)
    record_event(
        government=disposition.letter.government, actor=_actor(seat, user, ip_address),
        action="disposition.withdrawn", letter=disposition.letter,
        data={"code": str(disposition.code), "to": disposition.to_position.title},
    )  # fmt: skip
    return disposition


def _set_read(disposition: Disposition, *, user, acting_as: str, now, ip_address=None) -> None:
    disposition.state = Disposition.State.READ
    disposition.read_at, disposition.read_by, disposition.read_as = now, user, acting_as
    disposition.save(update_fields=["state", "read_at", "read_by", "read_as"])
    record_event(
        government=disposition.letter.government,
        actor=Actor(user, disposition.to_position, acting_as, ip_address),
        action="disposition.read", letter=disposition.letter,
        data={"code": str(disposition.code)},
    )  # fmt: skip


@transaction.atomic
def do_mark_read(*, letter: Letter, user, seats, ip_address=None) -> list[Disposition]:
    """Record the first open of each unread disposition of the letter to the user's positions.

    Call it when the recipient opens the letter or the disposition. Delegates count (the record
    shows who read for whom) except on R/SR letters. Later opens change nothing. Returns the
    dispositions newly read.
    """
    ids = [s.position.pk for s in seats if not (letter.is_narrow and s.is_delegate)]
    if not ids:
        return []
    acting = {s.position.pk: s.acting_as for s in seats}
    rows = list(
        Disposition.objects.select_for_update(of=("self",))
        .filter(letter=letter, to_position_id__in=ids, state=Disposition.State.SENT)
        .select_related("to_position")
    )
    now = timezone.now()
    for d in rows:
        d.letter = letter
        _set_read(d, user=user, acting_as=acting[d.to_position_id], now=now, ip_address=ip_address)
    return rows


def _store_files(follow_up: FollowUp, uploads, stored: list) -> None:
    for upload in uploads:
        checked = check_upload(upload)
        name = safe_filename(upload.name, checked.content_type)
        row = FollowUpFile(follow_up=follow_up, original_name=name,
                           content_type=checked.content_type, size=checked.size,
                           sha256=checked.sha256)  # fmt: skip
        row.file.save(name, upload, save=False)
        stored.append((row.file.storage, row.file.name))
        row.save()


@transaction.atomic
def do_report_follow_up(
    *, disposition: Disposition, seat, user, text: str, uploads=(), ip_address=None
) -> FollowUp:
    """Report the follow-up of a disposition (text and files): it closes the recipient's branch.

    The recipient's holder or acting official reports; the disposition becomes done, and open
    dispositions below it are closed with it. Files are checked by content before anything is
    stored, and stored files are deleted again if the action fails.
    """
    disposition = _lock_disposition(disposition)
    if seat.is_delegate or seat.position.pk != disposition.to_position_id:
        raise ActionRefused(_("Only the recipient can report the follow-up of this disposition."))
    if disposition.state not in Disposition.OPEN_STATES:
        raise ActionRefused(_("This disposition is not open."))
    if not text.strip():
        raise ValidationError(_("Write what was done."), code="no_text")
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)d files.") % {"count": MAX_FILES}, code="too_many"
        )
    for upload in uploads:
        check_upload(upload)
    now = timezone.now()
    letter = disposition.letter
    follow_up = FollowUp.objects.create(
        disposition=disposition, text=text.strip(), position=seat.position, created_by=user,
        created_as=seat.acting_as, created_at=now,
    )  # fmt: skip
    stored: list = []
    try:
        _store_files(follow_up, uploads, stored)
        if disposition.state == Disposition.State.SENT:
            disposition.read_at, disposition.read_by = now, user
            disposition.read_as = seat.acting_as
        disposition.state, disposition.done_at = Disposition.State.DONE, now
        disposition.save(update_fields=["state", "done_at", "read_at", "read_by", "read_as"])
        closed = _close_below(disposition, now)
        notices.follow_up_reported(disposition, follow_up)
        record_event(
            government=letter.government, actor=_actor(seat, user, ip_address),
            action="disposition.reported", letter=letter,
            data={"code": str(disposition.code), "closed_below": closed,
                  "files": [f.sha256 for f in follow_up.files.all()]},
        )  # fmt: skip
    except Exception:
        # Nothing of a failed report may stay on disk.
        for storage, name in stored:
            storage.delete(name)
        raise
    return follow_up


def _close_below(disposition: Disposition, now) -> int:
    """Close the open dispositions under this one (the recipient's branch). Returns how many."""
    closed, frontier = 0, [disposition.pk]
    while frontier:
        children = list(
            Disposition.objects.filter(parent_id__in=frontier).values_list("pk", "state")
        )
        open_ids = [pk for pk, state in children if state in Disposition.OPEN_STATES]
        if open_ids:
            closed += Disposition.objects.filter(pk__in=open_ids).update(
                state=Disposition.State.DONE, done_at=now, closed_by_parent=True
            )
        frontier = [pk for pk, _state in children]
    return closed


@transaction.atomic
def do_reopen(*, disposition: Disposition, seat, user, note: str = "", ip_address=None):
    """The giver reopens a done disposition (the follow-up was not enough); it is open again."""
    disposition = _lock_disposition(disposition)
    if seat.is_delegate or seat.position.pk != disposition.from_position_id:
        raise ActionRefused(_("Only the giver can reopen this disposition."))
    if disposition.state != Disposition.State.DONE:
        raise ActionRefused(_("Only a done disposition can be reopened."))
    disposition.state = Disposition.State.REOPENED
    disposition.reopened_by, disposition.reopened_at = user, timezone.now()
    disposition.reopen_note = note.strip()
    disposition.closed_by_parent = False
    disposition.save(
        update_fields=["state", "reopened_by", "reopened_at", "reopen_note", "closed_by_parent"]
    )
    record_event(
        government=disposition.letter.government, actor=_actor(seat, user, ip_address),
        action="disposition.reopened", letter=disposition.letter,
        data={"code": str(disposition.code), "note": disposition.reopen_note},
    )  # fmt: skip
    return disposition


# Reference data changed by the IT administrator in the admin: the instruction list (isi
# disposisi) and each agency's disposition settings. Each do_* records its audit event, with each
# changed field old → new (esurat.audit.actions.save_audited); instructions belong to no one
# government, so they go in the administrator's government's chain.
INSTRUCTION_FIELDS = ["name", "order", "is_active"]
DISPOSITION_SETTINGS_FIELDS = ["agency", "delegate_may_send", "allow_sideways"]


@transaction.atomic
def do_save_instruction(*, instruction: Instruction, user, ip_address=None) -> Instruction:
    """Create or change an instruction of the list. Records `instruction.created` or
    `instruction.changed` (nothing when nothing changed)."""
    save_audited(instruction, fields=INSTRUCTION_FIELDS, kind="instruction", government=None,
                 user=user, ip_address=ip_address)  # fmt: skip
    return instruction


@transaction.atomic
def do_delete_instruction(*, instruction: Instruction, user, ip_address=None) -> None:
    """Delete an instruction no disposition uses (the database refuses otherwise: deactivate
    it). Records `instruction.deleted`."""
    delete_audited(instruction, kind="instruction", government=None, user=user,
                   ip_address=ip_address)  # fmt: skip


@transaction.atomic
def do_save_disposition_settings(*, agency_settings: DispositionSettings, user, ip_address=None):
    """Create or change an agency's disposition settings (may a delegate send, may dispositions
    go sideways). Records `disposition_settings.created` or `.changed` in the agency's chain."""
    save_audited(agency_settings, fields=DISPOSITION_SETTINGS_FIELDS, kind="disposition_settings",
                 government=agency_settings.agency.government, user=user,
                 ip_address=ip_address)  # fmt: skip
    return agency_settings


@transaction.atomic
def do_delete_disposition_settings(*, agency_settings: DispositionSettings, user, ip_address=None):
    """Delete an agency's settings (the defaults apply again). Records
    `disposition_settings.deleted`."""
    delete_audited(agency_settings, kind="disposition_settings",
                   government=agency_settings.agency.government, user=user,
                   ip_address=ip_address)  # fmt: skip
