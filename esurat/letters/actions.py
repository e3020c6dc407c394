"""Every state change of a letter. Each do_* runs in one transaction and writes its audit event.

Views and the API call these after access.py has found the seat the user acts from; the actions
check the state again under a row lock, so a double click or two people at the same second cannot
apply a change twice.
"""

import logging
import operator
import uuid
from dataclasses import dataclass
from functools import reduce

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, record_event
from esurat.delivery.actions import do_plan_external_delivery
from esurat.letters.access import Action, pending_signatory_id, seat_for_action
from esurat.letters.models import (
    Attachment,
    CoSignatory,
    InboxEntry,
    IssuedNumber,
    Letter,
    LetterVersion,
    Participant,
    Recipient,
    Registration,
    ReviewStep,
    Sequence,
)
from esurat.letters.numbering import (
    agenda_key,
    next_value,
    next_values,
    render_number,
    sequence_key,
)
from esurat.lib.dates import check_not_future
from esurat.lib.files import check_upload, safe_filename
from esurat.lib.html import sanitise
from esurat.notifications import events as notices
from esurat.organisations.models import Assignment, Position
from esurat.search.backends import index_letter
from esurat.signing.models import Signature
from esurat.signing.providers import (
    SigningError,
    SignRequest,
    get_provider,
    register_signed_pdf,
)

logger = logging.getLogger(__name__)


class ActionRefused(Exception):
    """The action cannot happen in the letter's current state; the message is for the user."""


def _actor(seat, user, ip_address=None) -> Actor:
    return Actor(user, seat.position, seat.acting_as, ip_address)


def _lock(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("government", "agency")
        .get(pk=letter.pk)
    )


def _check_recipients(recipients: list[dict], government) -> list[Recipient]:
    if not any(r["kind"] == Recipient.Kind.TO for r in recipients):
        raise ValidationError(_("Choose at least one addressee."), code="no_recipient")
    rows, seen = [], set()
    for i, r in enumerate(recipients):
        position, agency = r.get("position"), r.get("agency")
        external = r.get("external")  # an ExternalParty (esurat.delivery e-mails or prints)
        if position is not None and position.agency.government_id != government.pk:
            raise ValidationError(_("Unknown recipient."), code="recipient")
        if agency is not None and agency.government_id != government.pk:
            raise ValidationError(_("Unknown recipient."), code="recipient")
        if external is not None and external.government_id != government.pk:
            raise ValidationError(_("Unknown recipient."), code="recipient")
        key = (r["kind"], r["target"], getattr(position, "pk", None), getattr(agency, "pk", None),
               getattr(external, "pk", None))  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        rows.append(Recipient(kind=r["kind"], target=r["target"], position=position,
                              agency=agency, external=external, order=i))  # fmt: skip
    return rows


def _check_chain(
    reviewers: list[Position], signatory: Position, government, cosignatories=()
) -> None:
    for position in [*reviewers, signatory, *cosignatories]:
        if position.agency.government_id != government.pk:
            raise ValidationError(_("Unknown position in the review chain."), code="chain")
    for position in [signatory, *cosignatories]:
        if not position.can_sign:
            raise ValidationError(
                _("%(position)s may not sign letters.") % {"position": position},
                code="signatory",
            )
    if len({p.pk for p in reviewers}) != len(reviewers):
        raise ValidationError(_("A reviewer appears twice in the chain."), code="chain")
    if signatory.pk in {p.pk for p in reviewers}:
        raise ValidationError(_("The signatory cannot also be a reviewer."), code="chain")
    cosigning = [p.pk for p in cosignatories]
    if len(set(cosigning)) != len(cosigning) or signatory.pk in cosigning:
        raise ValidationError(_("A signatory appears twice."), code="cosignatories")
    if set(cosigning) & {p.pk for p in reviewers}:
        raise ValidationError(_("A co-signatory cannot also be a reviewer."), code="cosignatories")


def required_reviewers(drafter: Position, signatory: Position) -> list[Position]:
    """The reviewers the agency's rules require: the drafter's superiors, from the lowest up to
    the signatory (paraf berjenjang, DOMAIN.md: "each reviewer up the chain approves").

    Walk up the drafter's chain of superiors (`Position.superior`, the same chain that
    `chain_defaults` proposes on the compose page) and stop at the signatory: everyone passed on
    the way must paraf. When the signatory is not above the drafter (the Sekretaris signs a.n.
    the head, or a Kabid signs from another line), the drafter's superiors below the agency head
    must paraf and the head, who takes no part in that letter, is not required.

    The drafter signing their own letter, or whose direct superior signs, needs no reviewer.
    The drafter keeps the freedom the compose page offers: add any other reviewer of the chain,
    anywhere in the order; only the required ones and their order from lower to higher are
    fixed. A superior's post that nobody holds or acts for (Plt/Plh/Pj) today is not required:
    nobody could paraf, and the letter would wait forever; once someone is appointed, it is.
    """
    line, node, seen = [], drafter.superior, {drafter.pk}
    while node is not None and node.pk not in seen:
        if node.pk == signatory.pk:
            break
        line.append(node)
        seen.add(node.pk)
        node = node.superior
    else:  # the signatory is not above the drafter: up to the agency head, not including it
        below_head = []
        for position in line:
            if position.agency_id != drafter.agency_id or position.is_head:
                break
            below_head.append(position)
        line = below_head
    return [p for p in line if is_occupied(p)]


def is_occupied(position: Position) -> bool:
    """Someone holds the post or acts for it (Plt/Plh/Pj) now; a delegate does not paraf."""
    if position.holder_id is not None:
        return True
    now = timezone.now()
    return position.assignments.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now),
        kind__in=Assignment.ACTING_KINDS, starts_at__lte=now,
    ).exists()  # fmt: skip


def with_required_reviewers(
    reviewers: list[Position], *, drafter: Position, signatory: Position
) -> list[Position]:
    """A chain to propose (a correction copies the revoked letter's): `reviewers` as they are
    when they hold the required ones in order, else the required ones first, then the others."""
    required = required_reviewers(drafter, signatory)
    order = [p.pk for p in reviewers]
    if all(p.pk in order for p in required) and [
        pk for pk in order if pk in {p.pk for p in required}
    ] == [p.pk for p in required]:
        return list(reviewers)
    return required + [p for p in reviewers if p.pk not in {r.pk for r in required}]


def _check_required_reviewers(
    reviewers: list[Position], *, drafter: Position | None, signatory: Position
) -> None:
    """Refuse a chain that skips a reviewer `required_reviewers` names, or puts a required
    reviewer after a higher one; whatever the client sent (form, API, autosave)."""
    if drafter is None:  # not drafted here (an incoming letter has no chain)
        return
    required = required_reviewers(drafter, signatory)
    order = [p.pk for p in reviewers]
    for position in required:
        if position.pk not in order:
            raise ValidationError(
                _("%(position)s must approve (paraf) this letter: every superior of the drafter "
                  "up to the signatory reviews it.") % {"position": position.title},
                code="required_reviewer",
            )  # fmt: skip
    for lower, higher in zip(required, required[1:], strict=False):
        if order.index(lower.pk) > order.index(higher.pk):
            raise ValidationError(
                _("%(lower)s must approve (paraf) before %(higher)s: the chain goes up from the "
                  "drafter.") % {"lower": lower.title, "higher": higher.title},
                code="reviewer_order",
            )  # fmt: skip


@transaction.atomic
def do_create_draft(
    *,
    seat,
    user,
    kind,
    classification,
    security: str,
    urgency: str,
    subject: str,
    body: str,
    recipients: list[dict],
    reviewers: list[Position],
    signatory: Position,
    cosignatories: list[Position] = (),
    qualifier: str = "",
    enclosures: int = 0,
    client_token: uuid.UUID | None = None,
    ip_address: str | None = None,
) -> Letter:
    """Create a draft in the drafter's agency with its first version.

    Idempotent on `client_token`: the same form posted twice, even at the same instant (the
    unique index decides), returns the first letter. The chain must hold the reviewers the
    agency's rules require (`required_reviewers`), else ValidationError.
    """
    if client_token and (existing := Letter.objects.filter(client_token=client_token).first()):
        return existing
    agency = seat.position.agency
    government = agency.government
    recipient_rows = _check_recipients(recipients, government)
    _check_chain(reviewers, signatory, government, cosignatories)
    _check_required_reviewers(reviewers, drafter=seat.position, signatory=signatory)
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                government=government, agency=agency, kind=kind, classification=classification,
                security=security, urgency=urgency, subject=subject.strip(), body=sanitise(body),
                enclosures=enclosures, drafter=user, drafter_position=seat.position,
                signatory_position=signatory, qualifier=qualifier, client_token=client_token,
            )  # fmt: skip
    except IntegrityError:
        # The same form posted at the same instant: the other request created it first.
        existing = (
            Letter.objects.filter(client_token=client_token).first() if client_token else None
        )
        if existing is None:
            raise
        return existing
    for row in recipient_rows:
        row.letter = letter
    Recipient.objects.bulk_create(recipient_rows)
    _set_chain(letter, reviewers)
    _set_cosignatories(letter, cosignatories)
    LetterVersion.objects.create(letter=letter, number=1, subject=letter.subject,
                                 body=letter.body, created_by=user)  # fmt: skip
    Participant.objects.create(letter=letter, position=seat.position, role="drafter")
    index_letter(letter)
    record_event(government=government, actor=_actor(seat, user, ip_address),
                 action="letter.created", letter=letter, data={"subject": letter.subject})  # fmt: skip
    return letter


def _set_chain(letter: Letter, reviewers: list[Position]) -> None:
    """The planned chain is stored as round-0 steps until the draft is submitted."""
    letter.review_steps.filter(round=0).delete()
    ReviewStep.objects.bulk_create(
        ReviewStep(letter=letter, round=0, order=i, position=p) for i, p in enumerate(reviewers)
    )


def _set_cosignatories(letter: Letter, positions) -> None:
    letter.cosignatories.all().delete()
    CoSignatory.objects.bulk_create(
        CoSignatory(letter=letter, position=p, order=i) for i, p in enumerate(positions)
    )


def planned_cosignatories(letter: Letter) -> list[Position]:
    return [c.position for c in letter.cosignatories.select_related("position__agency")]


def planned_reviewers(letter: Letter) -> list[Position]:
    return [s.position for s in letter.review_steps.filter(round=0).select_related("position")]


@transaction.atomic
def do_update_draft(
    *,
    letter: Letter,
    seat,
    user,
    ip_address=None,
    note: str = "",
    recipients: list[dict] | None = None,
    reviewers: list[Position] | None = None,
    signatory: Position | None = None,
    cosignatories: list[Position] | None = None,
    **fields,
) -> Letter:
    """Change a draft or returned letter. A change of subject or body makes a new version.

    A changed chain (reviewers or signatory) must still hold the reviewers the agency's rules
    require (`required_reviewers`), else ValidationError and nothing is changed."""
    letter = _lock(letter)
    if not letter.is_editable:
        raise ActionRefused(_("This letter can no longer be changed."))
    allowed = {"kind", "classification", "security", "urgency", "subject", "body", "qualifier",
               "enclosures"}  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    if "body" in fields:
        fields["body"] = sanitise(fields["body"])
    if "subject" in fields:
        fields["subject"] = fields["subject"].strip()
    content_changed = any(
        k in fields and fields[k] != getattr(letter, k) for k in ("subject", "body")
    )
    for key, value in fields.items():
        setattr(letter, key, value)
    if reviewers is not None or signatory is not None or cosignatories is not None:
        reviewers = planned_reviewers(letter) if reviewers is None else reviewers
        signatory = signatory or letter.signatory_position
        if cosignatories is None:
            cosignatories = planned_cosignatories(letter)
        _check_chain(reviewers, signatory, letter.government, cosignatories)
        _check_required_reviewers(reviewers, drafter=letter.drafter_position, signatory=signatory)
        letter.signatory_position = signatory
        _set_chain(letter, reviewers)
        _set_cosignatories(letter, cosignatories)
    if recipients is not None:
        rows = _check_recipients(recipients, letter.government)
        letter.recipients.all().delete()
        for row in rows:
            row.letter = letter
        Recipient.objects.bulk_create(rows)
    if content_changed:
        letter.version += 1
        LetterVersion.objects.create(letter=letter, number=letter.version, subject=letter.subject,
                                     body=letter.body, created_by=user, note=note)  # fmt: skip
    letter.save()
    index_letter(letter)
    record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                 action="letter.updated", letter=letter,
                 data={"version": letter.version, "fields": sorted(fields)})  # fmt: skip
    return letter


@transaction.atomic
def do_add_attachment(*, letter: Letter, seat, user, upload, ip_address=None) -> Attachment:
    """Attach a PDF or image to an editable letter, checked by content, with its SHA-256.

    The file is written inside the transaction and deleted again if it rolls back, so nothing
    half-stored remains.
    """
    letter = _lock(letter)
    if not letter.is_editable:
        raise ActionRefused(_("This letter can no longer be changed."))
    checked = check_upload(upload)
    name = safe_filename(upload.name, checked.content_type)
    attachment = Attachment(letter=letter, original_name=name, content_type=checked.content_type,
                            size=checked.size, sha256=checked.sha256, uploaded_by=user)  # fmt: skip
    attachment.file.save(name, upload, save=False)
    try:
        attachment.save()
        record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                     action="letter.attachment_added", letter=letter,
                     data={"name": attachment.original_name, "sha256": checked.sha256})  # fmt: skip
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    # Its words, for search: read by the worker once this commits (letters.tasks).
    from esurat.letters.tasks import read_attachment
    from esurat.search.models import AttachmentText

    AttachmentText.objects.create(attachment=attachment)
    code = str(attachment.code)
    transaction.on_commit(lambda: read_attachment.enqueue(code))
    return attachment


@transaction.atomic
def do_remove_attachment(*, attachment: Attachment, seat, user, ip_address=None) -> None:
    letter = _lock(attachment.letter)
    if not letter.is_editable:
        raise ActionRefused(_("This letter can no longer be changed."))
    name = attachment.original_name
    stored, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    index_letter(letter)  # its text is no longer the letter's
    transaction.on_commit(lambda: storage.delete(stored))
    record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                 action="letter.attachment_removed", letter=letter, data={"name": name})  # fmt: skip


@transaction.atomic
def do_submit(*, letter: Letter, seat, user, ip_address=None) -> Letter:
    """Send a draft up its review chain (or straight to the signatory when it has none).

    Opens a new review round with the planned reviewers; only the first step is pending. The
    planned chain is checked again against the agency's rules (`required_reviewers`): a draft
    saved before the rule, or whose drafter's superiors changed since, is refused with the
    reason. The audit event says where the letter went: `to` is "review" or "signature".
    """
    letter = _lock(letter)
    if not letter.is_editable:
        raise ActionRefused(_("This letter has already been submitted."))
    if not letter.subject or not letter.body:
        raise ActionRefused(_("Write the subject and the body before submitting."))
    if not letter.recipients.filter(kind=Recipient.Kind.TO).exists():
        raise ActionRefused(_("Choose at least one addressee."))
    reviewers = planned_reviewers(letter)
    try:
        _check_required_reviewers(
            reviewers, drafter=letter.drafter_position, signatory=letter.signatory_position
        )
    except ValidationError as exc:
        raise ActionRefused(exc.messages[0]) from exc
    letter.review_round += 1
    ReviewStep.objects.bulk_create(
        ReviewStep(letter=letter, round=letter.review_round, order=i, position=p,
                   state=ReviewStep.State.PENDING if i == 0 else ReviewStep.State.WAITING)
        for i, p in enumerate(reviewers)
    )  # fmt: skip
    letter.state = Letter.State.IN_REVIEW if reviewers else Letter.State.AWAITING_SIGNATURE
    letter.save(update_fields=["review_round", "state", "updated_at"])
    roles = [(p, Participant.Role.REVIEWER) for p in reviewers]
    roles.append((letter.signatory_position, Participant.Role.SIGNATORY))
    roles += [(p, Participant.Role.SIGNATORY) for p in planned_cosignatories(letter)]
    letter.cosignatories.update(state=CoSignatory.State.WAITING)
    Participant.objects.bulk_create(
        [Participant(letter=letter, position=p, role=r) for p, r in roles], ignore_conflicts=True
    )
    index_letter(letter)  # after the participations: the reviewers and signatory find it
    if reviewers:
        notices.draft_to_review(letter, reviewers[0])
    else:
        notices.draft_to_sign(letter)
    record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                 action="letter.submitted", letter=letter,
                 data={"round": letter.review_round, "version": letter.version,
                       "to": "review" if reviewers else "signature"})  # fmt: skip
    return letter


@transaction.atomic
def do_review(
    *, letter: Letter, seat, user, approve: bool, note: str = "", ip_address=None
) -> Letter:
    """Record the current reviewer's paraf (approve) or return the draft with notes.

    Locks the letter; the step must still be pending for the seat's position, so a second click
    or a second person finds nothing to do.
    """
    letter = _lock(letter)
    step = letter.review_steps.filter(
        round=letter.review_round, state=ReviewStep.State.PENDING
    ).first()
    if (
        letter.state != Letter.State.IN_REVIEW
        or step is None
        or step.position_id != seat.position.pk
    ):
        raise ActionRefused(_("This letter is not waiting for your review."))
    if not approve and not note.strip():
        raise ActionRefused(_("Write what must be changed when returning a draft."))
    step.state = ReviewStep.State.APPROVED if approve else ReviewStep.State.RETURNED
    step.note, step.acted_by, step.acted_as = note.strip(), user, seat.acting_as
    step.acted_at, step.version = timezone.now(), letter.version
    step.save()
    if approve:
        following = (
            letter.review_steps.filter(round=letter.review_round, state=ReviewStep.State.WAITING)
            .order_by("order")
            .first()
        )
        if following:
            following.state = ReviewStep.State.PENDING
            following.save(update_fields=["state"])
            notices.draft_to_review(letter, following.position)
        else:
            letter.state = Letter.State.AWAITING_SIGNATURE
            notices.draft_to_sign(letter)
    else:
        letter.review_steps.filter(
            round=letter.review_round, state=ReviewStep.State.WAITING
        ).update(state=ReviewStep.State.CANCELLED)
        letter.state = Letter.State.RETURNED
        notices.draft_returned(letter, note=step.note)
    letter.save(update_fields=["state", "updated_at"])
    index_letter(letter)
    record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                 action="letter.approved" if approve else "letter.returned", letter=letter,
                 data={"round": letter.review_round, "version": letter.version,
                       "note": step.note})  # fmt: skip
    return letter


@transaction.atomic
def do_return_by_signatory(*, letter: Letter, seat, user, note: str, ip_address=None) -> Letter:
    """The signatory sends the draft back to the drafter instead of signing.

    Only before the first signature: once the main signatory has signed, the letter carries its
    number and signed PDF, and a co-signatory can no longer send it back.
    """
    letter = _lock(letter)
    if letter.state != Letter.State.AWAITING_SIGNATURE:
        raise ActionRefused(_("This letter is not waiting for your signature."))
    if letter.signed_at is not None:
        raise ActionRefused(
            _("The letter has been signed and numbered already; it can no longer be returned.")
        )
    if not note.strip():
        raise ActionRefused(_("Write what must be changed when returning a draft."))
    if letter.number:  # reserved by a signing that did not finish: the letter will change
        _cancel_reservation(letter, _reserved_number(letter), user=user, seat=seat,
                            ip_address=ip_address,
                            reason=_("The letter was returned to its drafter before it was "
                                     "signed."))  # fmt: skip
    letter.state = Letter.State.RETURNED
    letter.save(update_fields=["state", "updated_at"])
    index_letter(letter)
    record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                 action="letter.returned", letter=letter,
                 data={"by": "signatory", "note": note.strip()})  # fmt: skip
    notices.draft_returned(letter, note=note.strip())
    return letter


def _signature_qualifier(letter: Letter, seat, *, main: bool = True) -> str:
    """ "a.n." (the letter's) and "Plt."/"Plh." (the seat's); a co-signatory signs in their own
    name, so only the acting qualifier applies to them."""
    return " ".join(q for q in (letter.qualifier if main else "", seat.qualifier) if q)


@dataclass(frozen=True)
class _Prepared:
    """What the signing's first transaction saw: the commit refuses if any of it changed."""

    letter: Letter
    main: bool
    qualifier: str
    version: int
    number: str
    base_document_id: int | None  # the signed PDF a co-signature extends


def do_sign(*, letter: Letter, seat, user, password: str, secret: str = "", ip_address=None):
    """Sign, number and deliver a letter, in three steps so that no lock is held while the PDF
    is rendered and signed. Call it outside a transaction (in one, it still works, holding the
    locks throughout).

    1. `_prepare_signature`, a short transaction: the letter row is locked and the signatory
       re-checked; the main signature reserves the letter's number (the counter row is locked
       only there) and records it in the register, or reuses the one an earlier attempt of the
       same day reserved.
    2. The provider renders and signs the PDF outside any transaction (other signings of the
       agency take numbers and commit meanwhile). A failure (wrong passphrase, provider down)
       leaves the letter unsigned and gives its number back when no later number was drawn
       (`_give_back_number`); otherwise the number stays reserved for the letter, reused by the
       retry, and is cancelled in the register if the letter goes back to its drafter.
    3. `_commit_signature`, a short transaction: the letter row is locked again and nothing may
       have changed (state, version, number, the signed PDF a co-signature extends, the signer's
       seat); then the signed PDF, the Signature, the audit event and the delivery are written
       together. If anything changed, the signed bytes are dropped and ActionRefused says so.

    A process killed anywhere leaves either nothing or a reserved number, which the retry uses.
    A joint letter's co-signatories each extend the main signatory's signed PDF in turn; the
    letter is delivered when the last one has signed.
    """
    if not check_password(password, user.password):
        raise ActionRefused(_("The password is wrong. The letter was not signed."))
    prepared = _prepare_signature(letter=letter, seat=seat, user=user, ip_address=ip_address)
    provider = get_provider()
    try:
        try:
            result = provider.sign(
                SignRequest(letter=prepared.letter, user=user, position=seat.position,
                            acting_as=seat.acting_as, qualifier=prepared.qualifier, secret=secret)
            )  # fmt: skip
        except SigningError as exc:
            raise ActionRefused(str(exc)) from exc
        return _commit_signature(prepared, seat=seat, user=user, provider=provider,
                                 result=result, ip_address=ip_address)  # fmt: skip
    except BaseException:
        _give_back_number(prepared, seat=seat, user=user, ip_address=ip_address)
        raise


def _check_signer(letter: Letter, seat, user) -> None:
    current = seat_for_action(user, letter, Action.SIGN)
    pending_id = pending_signatory_id(letter)
    if (
        pending_id is None
        or seat.position.pk != pending_id
        or seat.is_delegate
        or current is None
        or current.position.pk != seat.position.pk
    ):
        raise ActionRefused(_("This letter is not waiting for your signature."))


def _reserved_number(letter: Letter) -> IssuedNumber | None:
    if not letter.number:
        return None
    return IssuedNumber.objects.filter(
        letter=letter, number=letter.number, state=IssuedNumber.State.ISSUED
    ).first()


@transaction.atomic
def _prepare_signature(*, letter: Letter, seat, user, ip_address) -> _Prepared:
    """Step 1 of do_sign: lock the letter, re-check the signatory, reserve the number.

    A reservation holds for the day it was made (the number carries the date): one left from an
    earlier day is cancelled in the register, with the reason, and a new number reserved."""
    letter = _lock(letter)
    _check_signer(letter, seat, user)
    main = letter.signed_at is None
    if main:
        now = timezone.now()
        today = timezone.localdate(now, letter.government.zone)
        reserved = _reserved_number(letter)
        if letter.number and (reserved is None or letter.letter_date != today):
            _cancel_reservation(letter, reserved, user=user, seat=seat, ip_address=ip_address,
                                reason=_("Reserved for a signing that did not finish that "
                                         "day."))  # fmt: skip
        if not letter.number:
            issued = _issue_number(letter, user=user, date=today, now=now)
            letter.number, letter.letter_date = issued.number, today
            letter.save(update_fields=["number", "letter_date", "updated_at"])
            index_letter(letter)
            record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                         action="number.reserved", letter=letter,
                         data={"number": issued.number})  # fmt: skip
    base = letter.signed_documents.values_list("pk", flat=True).first()
    return _Prepared(letter=letter, main=main,
                     qualifier=_signature_qualifier(letter, seat, main=main),
                     version=letter.version, number=letter.number,
                     base_document_id=base)  # fmt: skip


def _give_back_number(prepared: _Prepared, *, seat, user, ip_address) -> None:
    """After a failed signing: give the number reserved for it back to the counter when no later
    number was drawn meanwhile (the register stays gapless, as if nothing had been reserved).
    Otherwise the number stays reserved for the letter: its retry uses it, and a return to the
    drafter cancels it in the register. Never raises: the signing's own error is what counts."""
    if not prepared.main or not prepared.number:
        return
    try:
        with transaction.atomic():
            letter = _lock(prepared.letter)
            issued = _reserved_number(letter)
            if letter.signed_at is not None or letter.number != prepared.number or not issued:
                return
            counter = Sequence.objects.select_for_update().get(
                key=issued.sequence_key, year=issued.year
            )
            later = IssuedNumber.objects.filter(
                sequence_key=issued.sequence_key, year=issued.year, seq__gte=issued.seq
            ).exclude(pk=issued.pk)
            if counter.last_value != issued.seq or later.exists():
                return
            issued.delete()
            counter.last_value -= 1
            counter.save(update_fields=["last_value"])
            letter.number, letter.letter_date = "", None
            letter.save(update_fields=["number", "letter_date", "updated_at"])
            index_letter(letter)
            record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                         action="number.released", letter=letter,
                         data={"number": issued.number})  # fmt: skip
    except Exception:
        logger.exception(
            "the number reserved for letter %s could not be given back", prepared.letter.pk
        )


def _cancel_reservation(letter: Letter, reserved, *, user, seat, ip_address, reason: str):
    """Give up the number reserved for an unsigned letter: it stays in the register, cancelled
    with the reason (a number is never reused), and the letter has no number any more."""
    if reserved is not None:
        reserved.state, reserved.cancelled_at = IssuedNumber.State.CANCELLED, timezone.now()
        reserved.cancel_reason = reason
        reserved.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                     action="number.cancelled", letter=letter,
                     data={"number": reserved.number, "reason": reason})  # fmt: skip
    letter.number, letter.letter_date = "", None
    letter.save(update_fields=["number", "letter_date", "updated_at"])
    index_letter(letter)


@transaction.atomic
def _commit_signature(prepared: _Prepared, *, seat, user, provider, result, ip_address):
    """Step 3 of do_sign: lock the letter, check that nothing changed since step 1, then write
    the signed PDF, the signature and (after the last signature) the delivery."""
    letter = _lock(prepared.letter)
    try:
        _check_signer(letter, seat, user)
    except ActionRefused:
        entitled = False
    else:
        entitled = True
    unchanged = (
        entitled
        and (letter.signed_at is None) == prepared.main
        and letter.version == prepared.version
        and letter.number == prepared.number
        and (not prepared.main or _reserved_number(letter) is not None)
        and letter.signed_documents.values_list("pk", flat=True).first()
        == prepared.base_document_id
    )
    if not unchanged:
        raise ActionRefused(
            _("The letter changed while it was being signed, so it was not signed. "
              "Open it again.")
        )  # fmt: skip
    document = register_signed_pdf(letter, result, provider=provider.name)
    try:
        now = timezone.now()
        if prepared.main:
            letter.signed_at = now
        return _record_signature(letter, seat=seat, user=user, provider=provider, result=result,
                                 main=prepared.main, qualifier=prepared.qualifier, now=now,
                                 ip_address=ip_address)  # fmt: skip
    except BaseException:
        if document is not None:  # the transaction rolls back: no signed PDF without its row
            document.file.storage.delete(document.file.name)
        raise


def _record_signature(letter, *, seat, user, provider, result, main, qualifier, now, ip_address):
    """After a provider signed: the Signature row, the audit event, the next co-signatory's
    turn, or the delivery when nobody else has to sign."""
    government = letter.government
    Signature.objects.create(letter=letter, position=seat.position, user=user,
                             acting_as=seat.acting_as, qualifier=qualifier,
                             version=letter.version, content_sha256=result.content_sha256,
                             provider=provider.name, level=result.level,
                             signed_at=now)  # fmt: skip
    record_event(government=government, actor=_actor(seat, user, ip_address),
                 action="letter.signed" if main else "letter.cosigned", letter=letter,
                 data={"number": letter.number, "version": letter.version,
                       "sha256": result.content_sha256, "qualifier": qualifier})  # fmt: skip
    if not main:
        letter.cosignatories.filter(position_id=seat.position.pk).update(
            state=CoSignatory.State.SIGNED
        )
    following = letter.cosignatories.filter(state=CoSignatory.State.WAITING).first()
    if following is not None:
        following.state = CoSignatory.State.PENDING
        following.save(update_fields=["state"])
        notices.cosignature_due(letter, following.position)
        if main:
            letter.save(update_fields=["signed_at", "updated_at"])
        return letter
    _deliver(letter, now=now)
    record_event(government=government, actor=None, action="letter.delivered", letter=letter,
                 data={"inboxes": letter.inbox_entries.count()})  # fmt: skip
    # Its pages, for the paper the evaluation counts as saved (esurat/reports).
    from esurat.reports.tasks import count_letter_pages

    code = str(letter.code)
    transaction.on_commit(lambda: count_letter_pages.enqueue(code))
    return letter


def _issue_number(letter: Letter, *, user, date, now) -> IssuedNumber:
    key = sequence_key(letter.kind, agency=letter.agency, classification=letter.classification)
    seq = next_value(key, date.year)
    number = render_number(letter.kind, seq=seq, insert=0, agency=letter.agency,
                           classification=letter.classification, date=date)  # fmt: skip
    return IssuedNumber.objects.create(
        government=letter.government, agency=letter.agency, letter=letter, sequence_key=key,
        year=date.year, seq=seq, number=number, letter_date=date, subject=letter.subject,
        issued_at=now, issued_by=user,
    )  # fmt: skip


def recipient_positions(letter: Letter):
    """The positions the letter goes to, as a queryset annotated with `kind` (TO or CC; TO wins
    when a position is both an addressee and a copy). Outside parties are not in it: they are
    reached by e-mail or on paper (esurat.delivery)."""
    pieces: dict[str, list[Q]] = {Recipient.Kind.TO: [], Recipient.Kind.CC: []}
    for r in letter.recipients.all():
        if r.target == Recipient.Target.POSITION:
            pieces[r.kind].append(Q(pk=r.position_id))
        elif r.target == Recipient.Target.AGENCY:
            pieces[r.kind].append(Q(agency_id=r.agency_id, is_head=True))
        elif r.target == Recipient.Target.AGENCY_ALL:
            pieces[r.kind].append(Q(agency_id=r.agency_id))
        elif r.target == Recipient.Target.GOVERNMENT_ALL:
            pieces[r.kind].append(Q(agency__government_id=letter.government_id))
    to, cc = pieces[Recipient.Kind.TO], pieces[Recipient.Kind.CC]
    if not (to or cc):
        return Position.objects.none()
    if to and cc:
        addressed = reduce(operator.or_, to)
        kind = Case(
            When(addressed, then=Value(Recipient.Kind.TO)), default=Value(Recipient.Kind.CC)
        )
    else:
        kind = Value(Recipient.Kind.TO if to else Recipient.Kind.CC)
    return Position.objects.filter(reduce(operator.or_, to + cc)).order_by().annotate(kind=kind)


def _fill_inboxes(letter: Letter, positions, *, now) -> int:
    """Insert one inbox row per position with INSERT … SELECT: the database builds the rows
    (10,000 for a letter to the whole government) instead of Python building and sending them.
    Returns the number of rows."""
    copied = {"letter": Value(letter.pk), "position": F("pk"), "kind": F("kind"),
              "delivered_at": Value(now, DateTimeField()), "from_agency": Value(letter.agency_id),
              "letter_kind": Value(letter.kind_id), "urgency": Value(letter.urgency),
              "security": Value(letter.security), "read_as": Value("")}  # fmt: skip
    if positions.query.is_empty():
        return 0
    rows = positions.annotate(**{f"row_{name}": value for name, value in copied.items()})
    select, params = (
        rows.values_list(*(f"row_{name}" for name in copied)).query.get_compiler(rows.db).as_sql()
    )
    quote = connection.ops.quote_name
    columns = ", ".join(quote(InboxEntry._meta.get_field(name).column) for name in copied)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(InboxEntry._meta.db_table)} ({columns}) {select}", params
        )
        return cursor.rowcount


def _deliver(letter: Letter, *, now) -> None:
    """Put the letter in every recipient position's inbox and register it in each agency's book.

    The agenda counters are drawn in one statement, the sender's outgoing book first, then the
    receiving agencies' incoming books by agency id: concurrent deliveries lock them in the same
    order and cannot deadlock.
    """
    positions = recipient_positions(letter)
    _fill_inboxes(letter, positions, now=now)
    receiving = set(positions.values_list("agency_id", flat=True).distinct()) - {letter.agency_id}
    books = [(letter.agency_id, Registration.Direction.OUT)]
    books += [(agency_id, Registration.Direction.IN) for agency_id in sorted(receiving)]
    year = timezone.localdate(now, letter.government.zone).year
    seqs = next_values([agenda_key(*book) for book in books], year)
    Registration.objects.bulk_create(
        Registration(letter=letter, agency_id=agency_id, direction=direction, year=year,
                     seq=seqs[agenda_key(agency_id, direction)], registered_at=now)
        for agency_id, direction in books
    )  # fmt: skip
    letter.state, letter.sent_at = Letter.State.SENT, now
    letter.save()
    notices.letter_delivered(letter)
    index_letter(letter)
    do_plan_external_delivery(letter, now=now)  # e-mail or paper for recipients outside


@transaction.atomic
def do_mark_read(*, letter: Letter, user, seats, ip_address=None) -> list[InboxEntry]:
    """Record the first open of the letter in each inbox the user reads it for.

    Only the first open counts: later opens change nothing. Returns the entries newly read.
    """
    ids = [s.position.pk for s in seats if not (letter.is_narrow and s.is_delegate)]
    acting = {s.position.pk: s.acting_as for s in seats}
    entries = list(
        InboxEntry.objects.select_for_update(of=("self",))
        .filter(letter=letter, position_id__in=ids, read_at__isnull=True)
        .select_related("position")
    )
    now = timezone.now()
    for entry in entries:
        entry.read_at, entry.read_by, entry.read_as = now, user, acting[entry.position_id]
        entry.save(update_fields=["read_at", "read_by", "read_as"])
        record_event(government=letter.government,
                     actor=Actor(user, entry.position, entry.read_as, ip_address),
                     action="letter.opened", letter=letter, data={})  # fmt: skip
    return entries


@transaction.atomic
def do_withdraw_draft(*, letter: Letter, seat, user, ip_address=None) -> Letter:
    """Abandon a draft that was never signed. It stays in the record as withdrawn."""
    letter = _lock(letter)
    if not letter.is_editable:
        raise ActionRefused(_("Only a draft can be withdrawn."))
    letter.state = Letter.State.WITHDRAWN
    letter.save(update_fields=["state", "updated_at"])
    index_letter(letter)
    record_event(government=letter.government, actor=_actor(seat, user, ip_address),
                 action="letter.withdrawn", letter=letter, data={})  # fmt: skip
    return letter


@transaction.atomic
def do_cancel_number(*, issued: IssuedNumber, user, reason: str, ip_address=None) -> IssuedNumber:
    """Mark an issued number cancelled (it stays in the register and is never reused)."""
    issued = IssuedNumber.objects.select_for_update().get(pk=issued.pk)
    if issued.state == IssuedNumber.State.CANCELLED:
        raise ActionRefused(_("This number is already cancelled."))
    if not reason.strip():
        raise ActionRefused(_("Give the reason for cancelling the number."))
    issued.state, issued.cancelled_at = IssuedNumber.State.CANCELLED, timezone.now()
    issued.cancel_reason = reason.strip()
    issued.save()
    record_event(government=issued.government, actor=Actor(user, None, "", ip_address),
                 action="number.cancelled", letter=issued.letter,
                 data={"number": issued.number, "reason": issued.cancel_reason})  # fmt: skip
    return issued


@transaction.atomic
def do_issue_insert_number(
    *, after: IssuedNumber, user, date, subject: str, ip_address=None
) -> IssuedNumber:
    """Issue a back-dated insert number (nomor sisipan) after an existing one: 42 → 42.1, 42.2.

    The date may not be in the future nor before the base number's date.
    """
    check_not_future(date, after.government)
    if date < after.letter_date:
        raise ValidationError(_("An insert number cannot be dated before the number it follows."))
    key, year, seq = after.sequence_key, after.year, after.seq
    Sequence.objects.select_for_update().get(key=key, year=year)  # serialise with signings
    last = (
        IssuedNumber.objects.filter(sequence_key=key, year=year, seq=seq)
        .order_by("-insert").values_list("insert", flat=True).first()
    )  # fmt: skip
    insert = (last or 0) + 1
    kind = after.letter.kind if after.letter else None
    if kind is None:
        raise ActionRefused(_("This number has no letter kind to follow."))
    number = render_number(kind, seq=seq, insert=insert, agency=after.agency,
                           classification=after.letter.classification, date=date)  # fmt: skip
    issued = IssuedNumber.objects.create(
        government=after.government, agency=after.agency, sequence_key=key, year=year, seq=seq,
        insert=insert, number=number, letter_date=date, subject=subject.strip(),
        issued_at=timezone.now(), issued_by=user,
    )  # fmt: skip
    record_event(government=after.government, actor=Actor(user, None, "", ip_address),
                 action="number.insert_issued", letter=None,
                 data={"number": number, "after": after.number})  # fmt: skip
    return issued
