"""Correction (ralat) of a signed letter. A signed letter is never edited: its signatory revokes
it with a reason, and a new letter — a draft prefilled from the revoked one — supersedes it.

The link: `Letter.superseded_by` is set on the revoked letter when the correcting draft is created
(so the draft knows what it corrects from its first minute). Until that draft is sent, the revoked
letter's pages say a correction is being prepared; the public verification page names the
correction only once it is sent. If the correcting draft is withdrawn, a new one may be made.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, record_event
from esurat.letters.actions import (
    ActionRefused,
    do_create_draft,
    planned_cosignatories,
    planned_reviewers,
    with_required_reviewers,
)
from esurat.letters.models import Letter
from esurat.organisations.access import Seat, seats_of
from esurat.search.backends import index_letter

REASON_MAX = 300


def _holder_seat(user, position_id) -> Seat | None:
    """The user's seat at the position as its holder or acting official, never as a delegate."""
    for seat in seats_of(user):
        if seat.position.pk == position_id and not seat.is_delegate:
            return seat
    return None


def revoke_seat(user, letter: Letter) -> Seat | None:
    """The seat from which the user may revoke the letter now: the signatory's position."""
    if letter.origin != Letter.Origin.DRAFTED or letter.state != Letter.State.SENT:
        return None
    return _holder_seat(user, letter.signatory_position_id)


def supersede_seat(user, letter: Letter) -> Seat | None:
    """The seat from which the user may draft the correction of a revoked letter: the original
    drafter's or the signatory's position (holder or acting official)."""
    if letter.state != Letter.State.REVOKED:
        return None
    return _holder_seat(user, letter.drafter_position_id) or _holder_seat(
        user, letter.signatory_position_id
    )


def _lock(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("government", "agency")
        .get(pk=letter.pk)
    )


@transaction.atomic
def do_revoke_letter(*, letter: Letter, seat, user, reason: str, ip_address=None) -> Letter:
    """Revoke a sent letter: it stays readable by everyone who had it (their inbox rows stay) and
    is marked revoked everywhere, with the reason; its number stays issued. Outside recipients
    that got it by e-mail are told by e-mail (after commit).

    Locks the letter row; only a SENT letter, only from the signatory's position.
    """
    from esurat.delivery.actions import plan_revocation_notices

    reason = " ".join(reason.split())
    letter = _lock(letter)
    if letter.state != Letter.State.SENT or letter.origin != Letter.Origin.DRAFTED:
        raise ActionRefused(_("Only a sent letter can be revoked."))
    if seat.position.pk != letter.signatory_position_id or seat.is_delegate:
        raise ActionRefused(_("Only the signatory can revoke this letter."))
    if not reason:
        raise ActionRefused(_("Give the reason for revoking the letter."))
    if len(reason) > REASON_MAX:
        raise ActionRefused(_("Keep the reason under 300 characters."))
    now = timezone.now()
    letter.state, letter.revoked_at, letter.revoke_reason = Letter.State.REVOKED, now, reason
    letter.save(update_fields=["state", "revoked_at", "revoke_reason", "updated_at"])
    index_letter(letter)
    record_event(government=letter.government,
                 actor=Actor(user, seat.position, seat.acting_as, ip_address),
                 action="letter.revoked", letter=letter,
                 data={"number": letter.number, "reason": reason})  # fmt: skip
    plan_revocation_notices(letter, now=now)
    return letter


def _recipients_of(letter: Letter) -> list[dict]:
    return [
        {"kind": r.kind, "target": r.target, "position": r.position, "agency": r.agency,
         "external": r.external}
        for r in letter.recipients.select_related("position__agency", "agency", "external")
    ]  # fmt: skip


@transaction.atomic
def do_supersede(*, letter: Letter, seat, user, ip_address=None) -> Letter:
    """Create the correcting letter of a revoked one: a new draft in the user's seat, prefilled
    with the revoked letter's kind, classification, security, urgency, subject, body, addressees,
    review chain and signatory, and link it (revoked.superseded_by = draft). Attachments are not
    copied: the drafter attaches the corrected files.

    Locks the revoked letter: two clicks make one draft. A correction already under way is
    returned instead of a second one; a withdrawn one is replaced.
    """
    letter = _lock(letter)
    if letter.state != Letter.State.REVOKED:
        raise ActionRefused(_("Only a revoked letter can be superseded by a correction."))
    allowed = (letter.drafter_position_id, letter.signatory_position_id)
    if seat.is_delegate or seat.position.pk not in allowed:
        raise ActionRefused(_("Only the drafter or the signatory can prepare the correction."))
    current = letter.superseded_by
    if current is not None and current.state != Letter.State.WITHDRAWN:
        return current
    draft = do_create_draft(
        seat=seat, user=user, kind=letter.kind, classification=letter.classification,
        security=letter.security, urgency=letter.urgency, subject=letter.subject,
        body=letter.body, recipients=_recipients_of(letter),
        reviewers=with_required_reviewers(
            [p for p in planned_reviewers(letter) if p.pk != letter.signatory_position_id],
            drafter=seat.position, signatory=letter.signatory_position,
        ),
        signatory=letter.signatory_position, qualifier=letter.qualifier,
        cosignatories=planned_cosignatories(letter),
        enclosures=letter.enclosures, ip_address=ip_address,
    )  # fmt: skip
    letter.superseded_by = draft
    letter.save(update_fields=["superseded_by", "updated_at"])
    actor = Actor(user, seat.position, seat.acting_as, ip_address)
    record_event(government=letter.government, actor=actor, action="letter.superseded",
                 letter=letter, data={"by": str(draft.code)})  # fmt: skip
    record_event(government=letter.government, actor=actor, action="letter.correction_of",
                 letter=draft, data={"number": letter.number, "of": str(letter.code)})  # fmt: skip
    return draft
