"""Who may see and do what with a letter. The only way views and the API fetch a letter.

Rules (DOMAIN.md §4): a letter is visible to its drafting chain, signatories, recipients and
carbon-copy recipients, everyone in its disposition tree, the acting officials and delegates of
those positions, and the registry clerks of the agencies involved. R and SR letters are narrower:
only the named positions and their acting officials — no clerk, no admin, no delegate unless
named — and every read is logged. An outsider gets 404, never 403.
"""

from enum import StrEnum

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from esurat.accounts.models import Role
from esurat.audit.actions import Actor, record_event
from esurat.audit.models import AuditEvent
from esurat.letters.models import (
    NARROW_SECURITY,
    CoSignatory,
    InboxEntry,
    IncomingScan,
    IssuedNumber,
    Letter,
    Participant,
    Registration,
    ReviewStep,
)
from esurat.lib.ids import ids_in
from esurat.organisations.access import Seat, seats_of
from esurat.organisations.models import Agency


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REVIEW = "review"
    SIGN = "sign"
    VIEW_RECEIPTS = "view_receipts"
    # Incoming letters (origin=registered), for the registering agency's clerks: see
    # is_incoming_clerk. Role-based, so seat_for_action answers None for them.
    ROUTE = "route"  # send to the head or a unit, or file without disposition
    CORRECT = "correct"  # correct the metadata, e.g. apply the OCR proposal


def clerk_agency_ids(user) -> set[int]:
    """The agencies of the user's own government whose registry they keep (Role CLERK).

    The one clerk-scope rule: the register pages, the incoming-letter pages and the incoming API
    all go through it (access_clerk_agencies, access_issued_number, clerk_incoming_letters).
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_clerk_agencies", None)
    if cached is None:
        cached = set(
            Role.objects.filter(
                user=user, kind=Role.Kind.CLERK, agency__government_id=user.government_id
            ).values_list("agency_id", flat=True)
        )
        user._clerk_agencies = cached
    return cached


def access_clerk_agencies(user):
    """The agencies whose registry the user keeps, as a queryset (ordered by name); Http404 for
    anyone who keeps none."""
    ids = clerk_agency_ids(user)
    if not ids:
        raise Http404
    return Agency.objects.filter(pk__in=ids)


def access_issued_number(user, code) -> IssuedNumber:
    """An issued number of one of the clerk's agencies, or Http404."""
    found = (
        IssuedNumber.objects.select_related("agency", "government", "letter__kind",
                                            "letter__classification")
        .filter(code=code, agency_id__in=clerk_agency_ids(user))
        .first()
    )  # fmt: skip
    if found is None:
        raise Http404
    return found


def clerk_incoming_letters(agencies):
    """The registered incoming letters of these (clerk's) agencies that a clerk may list: every
    one but R/SR, which go to the head unopened."""
    return Letter.objects.filter(agency__in=agencies, origin=Letter.Origin.REGISTERED).exclude(
        security__in=NARROW_SECURITY
    )


def seat_position_ids(user) -> tuple[list[int], list[int]]:
    """The user's positions in two lists: those held or acted for, and those of a delegate."""
    seats = seats_of(user)
    own = [s.position.pk for s in seats if not s.is_delegate]
    return own, [s.position.pk for s in seats if s.is_delegate]


def seat_filters(user, field_name: str) -> list[Q]:
    """One Q per seat of the user: rows whose `field_name` is that seat's position. The delegate
    rule (DOMAIN.md §4): a delegate seat never matches an R/SR row (rows with a `security`
    field: inbox entries, dispositions). One Q per seat so a list can read each from its index."""
    own, delegated = seat_position_ids(user)
    broad = ~Q(security__in=NARROW_SECURITY)
    return [Q(**{field_name: pk}) for pk in own] + [
        Q(**{field_name: pk}) & broad for pk in delegated
    ]


def seat_filter(user, field_name: str) -> Q:
    """seat_filters as one Q (IN lists), for counts and filters."""
    own, delegated = seat_position_ids(user)
    q = Q(**{f"{field_name}__in": own})
    if delegated:
        q |= Q(**{f"{field_name}__in": delegated}) & ~Q(security__in=NARROW_SECURITY)
    return q


def incoming_scans_of(user):
    """Scans uploaded first and not yet registered, of the agencies whose registry the user keeps."""
    return IncomingScan.objects.filter(agency_id__in=clerk_agency_ids(user), letter__isnull=True)


def access_incoming_scan(user, code) -> IncomingScan:
    """The uploaded scan with this code if the user is a registry clerk of its agency, else
    Http404 (also once registered: the row then names its letter)."""
    row = (
        IncomingScan.objects.filter(code=code, agency_id__in=clerk_agency_ids(user))
        .select_related("agency__government", "letter")
        .first()
    )
    if row is None:
        raise Http404
    return row


def _position_ids(user, *, narrow: bool) -> set[int]:
    return {s.position.pk for s in seats_of(user) if not (narrow and s.is_delegate)}


# A registered incoming letter is the clerk's from registration on; a drafted one once sent.
INCOMING_CLERK_STATES = (Letter.State.REGISTERED, Letter.State.FILED, Letter.State.SENT)
# A revoked letter stays in the books of the clerks who registered it (esurat.signing.actions).
SENT_CLERK_STATES = (Letter.State.SENT, Letter.State.REVOKED)


def _clerk_states(letter: Letter) -> tuple[str, ...]:
    if letter.origin == Letter.Origin.REGISTERED:
        return INCOMING_CLERK_STATES
    return SENT_CLERK_STATES


def is_incoming_clerk(user, letter: Letter) -> bool:
    """True for a registry clerk of the agency that registered this B/T incoming letter."""
    return (
        letter.origin == Letter.Origin.REGISTERED
        and not letter.is_narrow
        and letter.agency_id in clerk_agency_ids(user)
    )


def can_view(user, letter: Letter) -> bool:
    """True when the rules above let this user read this letter."""
    if not getattr(user, "is_authenticated", False) or user.government_id != letter.government_id:
        return False
    ids = _position_ids(user, narrow=letter.is_narrow)
    if ids and Participant.objects.filter(letter=letter, position_id__in=ids).exists():
        return True
    if ids and InboxEntry.objects.filter(letter=letter, position_id__in=ids).exists():
        return True
    if letter.is_narrow or letter.state not in _clerk_states(letter):
        return False
    clerk_of = clerk_agency_ids(user)
    return bool(clerk_of) and (
        letter.agency_id in clerk_of
        or Registration.objects.filter(letter=letter, agency_id__in=clerk_of).exists()
    )


def letters_visible_to(user):
    """Every letter the user may read, as a queryset (for search and lists across boxes)."""
    if not getattr(user, "is_authenticated", False):
        return Letter.objects.none()
    all_ids = _position_ids(user, narrow=False)
    strong_ids = _position_ids(user, narrow=True)
    broad = ~Q(security__in=NARROW_SECURITY)
    involved = Q(
        Exists(Participant.objects.filter(letter=OuterRef("pk"), position_id__in=strong_ids))
    ) | Q(Exists(InboxEntry.objects.filter(letter=OuterRef("pk"), position_id__in=strong_ids)))
    delegated = broad & (
        Q(Exists(Participant.objects.filter(letter=OuterRef("pk"), position_id__in=all_ids)))
        | Q(Exists(InboxEntry.objects.filter(letter=OuterRef("pk"), position_id__in=all_ids)))
    )
    clerk_of = clerk_agency_ids(user)
    clerk = (
        broad
        & (
            Q(state__in=SENT_CLERK_STATES)
            | Q(origin=Letter.Origin.REGISTERED, state__in=INCOMING_CLERK_STATES)
        )
        & (
            Q(agency_id__in=clerk_of)
            | Q(Exists(Registration.objects.filter(letter=OuterRef("pk"), agency_id__in=clerk_of)))
        )
    )
    return Letter.objects.filter(government_id=user.government_id).filter(
        involved | delegated | clerk
    )


def access_letter(user, code, *, ip_address=None) -> Letter:
    """The letter with this code if the user may read it, else Http404. Logs R/SR reads."""
    try:
        letter = Letter.objects.select_related(
            "agency", "kind", "classification", "drafter", "drafter_position",
            "signatory_position__agency", "government",
        ).get(code=code)  # fmt: skip
    except (Letter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not can_view(user, letter):
        raise Http404
    if letter.is_narrow:
        seat = acting_seat(user, letter)
        record_event(
            government=letter.government,
            actor=Actor(user, seat.position if seat else None, seat.acting_as if seat else "",
                        ip_address),
            action="letter.read",
            letter=letter,
            data={"security": letter.security},
        )  # fmt: skip
    return letter


# How a letter was made (its drafts, return notes and paraf) is for its own drafting chain; the
# others who may read it (recipients, carbon copies, clerks, the disposition tree) see it from
# its signing on, and only the version that was signed.
DRAFTING_EVENTS = (
    "letter.created", "letter.updated", "letter.attachment_added", "letter.attachment_removed",
    "letter.submitted", "letter.approved", "letter.returned", "letter.withdrawn",
    "number.reserved", "number.released",
)  # fmt: skip


def is_drafting_insider(user, letter: Letter) -> bool:
    """True for the drafter, reviewers and signatories (and those acting for them)."""
    ids = [s.position.pk for s in seats_of(user)]
    return letter.participants.filter(
        position_id__in=ids, role__in=[Participant.Role.DRAFTER, Participant.Role.REVIEWER,
                                       Participant.Role.SIGNATORY],
    ).exists() or letter.review_steps.filter(position_id__in=ids).exists()  # fmt: skip


def timeline_visible_to(user, letter: Letter, *, insider: bool | None = None):
    """The letter's audit events this user may read (already allowed to read the letter), in
    order: all of them for the drafting chain, without the drafting events for anyone else.
    The letter page and the API both show exactly these."""
    if insider is None:
        insider = is_drafting_insider(user, letter)
    events = AuditEvent.objects.filter(letter=letter).order_by("seq")
    return events if insider else events.exclude(action__in=DRAFTING_EVENTS)


def versions_visible_to(user, letter: Letter, *, insider: bool | None = None):
    """The saved versions of a drafted letter this user may read, oldest first: every draft for
    the drafting chain; for anyone else only the version that was signed, once the letter is
    sent (or revoked). A registered incoming letter's versions are its clerk's corrections."""
    versions = letter.versions.order_by("number")
    if insider is None:
        insider = is_drafting_insider(user, letter)
    if insider or letter.origin != Letter.Origin.DRAFTED:
        return versions
    if letter.state not in SENT_CLERK_STATES:
        return versions.none()
    return versions.filter(number=letter.version)


def registrations_visible_to(user, letter: Letter):
    """The letter's entries in agenda books (its agenda numbers) that this user may read (already
    allowed to read the letter): those of the agencies they hold a seat in or keep the registry
    of. Another agency's agenda number is that agency's own business."""
    agency_ids = clerk_agency_ids(user) | {s.position.agency_id for s in seats_of(user)}
    return letter.registrations.filter(agency_id__in=agency_ids).order_by("direction", "pk")


def current_review_step(letter: Letter) -> ReviewStep | None:
    if letter.state != Letter.State.IN_REVIEW:
        return None
    return (
        letter.review_steps.filter(round=letter.review_round, state=ReviewStep.State.PENDING)
        .select_related("position")
        .first()
    )


def pending_signatory_id(letter: Letter) -> int | None:
    """The position whose signature the letter waits for now: the main signatory until they
    have signed, then each co-signatory in turn; None when the letter waits for nobody."""
    if letter.state != Letter.State.AWAITING_SIGNATURE:
        return None
    if letter.signed_at is None:
        return letter.signatory_position_id
    pending = letter.cosignatories.filter(state=CoSignatory.State.PENDING).first()
    return pending.position_id if pending else None


def _seat_at(user, position_id, *, allow_delegate=False) -> Seat | None:
    for seat in seats_of(user):
        if seat.position.pk == position_id and (allow_delegate or not seat.is_delegate):
            return seat
    return None


def acting_seat(user, letter: Letter) -> Seat | None:
    """The seat through which the user sees the letter, preferring the one that must act."""
    step = current_review_step(letter)
    for position_id in (
        step.position_id if step else None,
        pending_signatory_id(letter),
        letter.signatory_position_id,
        letter.drafter_position_id,
    ):
        if position_id and (seat := _seat_at(user, position_id)):
            return seat
    ids = _position_ids(user, narrow=letter.is_narrow)
    entry = InboxEntry.objects.filter(letter=letter, position_id__in=ids).first()
    if entry:
        return next(s for s in seats_of(user) if s.position.pk == entry.position_id)
    return None


def seat_for_action(user, letter: Letter, action: Action) -> Seat | None:
    """The seat that lets the user perform `action` on the letter now, or None."""
    state = letter.state
    if action in (Action.EDIT, Action.SUBMIT, Action.WITHDRAW):
        if state in Letter.EDITABLE_STATES:
            return _seat_at(user, letter.drafter_position_id)
        return None
    if action == Action.REVIEW:
        step = current_review_step(letter)
        return _seat_at(user, step.position_id) if step else None
    if action == Action.SIGN:
        pending = pending_signatory_id(letter)
        return _seat_at(user, pending) if pending else None
    if action == Action.VIEW_RECEIPTS:
        return _seat_at(user, letter.drafter_position_id, allow_delegate=True) or _seat_at(
            user, letter.signatory_position_id, allow_delegate=True
        )
    if action == Action.VIEW:
        return acting_seat(user, letter)
    return None


def allowed_actions(user, letter: Letter) -> set[Action]:
    actions = {Action.VIEW} if can_view(user, letter) else set()
    if not actions:
        return actions
    for action in (Action.EDIT, Action.SUBMIT, Action.WITHDRAW, Action.REVIEW, Action.SIGN,
                   Action.VIEW_RECEIPTS):  # fmt: skip
        if seat_for_action(user, letter, action):
            actions.add(action)
    if is_incoming_clerk(user, letter):
        if letter.state == Letter.State.REGISTERED:
            actions.add(Action.ROUTE)
        if letter.state in (Letter.State.REGISTERED, Letter.State.SENT):
            actions.add(Action.CORRECT)
    return actions


def visible_letter_ids(user):
    """The ids of every letter the user may read (the same set as letters_visible_to), as one
    UNION of small id lists, each read from its own index: the letters of the user's positions
    (participations and inbox rows; a delegate's without R/SR), and the letters of the registries
    they keep. Search filters its matches with it (`letter_id IN (…)`), so the planner may start
    from either side: the few letters one sees, or the few letters a word is found in."""
    if not getattr(user, "is_authenticated", False):
        return Letter.objects.none().values("pk")
    own, delegated = seat_position_ids(user)
    broad = ~Q(letter__security__in=NARROW_SECURITY)
    parts = []
    if own or delegated:
        parts += [
            Participant.objects.filter(position_id__in=own).values("letter_id"),
            InboxEntry.objects.filter(position_id__in=own).values("letter_id"),
        ]
    if delegated:
        parts += [
            Participant.objects.filter(broad, position_id__in=delegated).values("letter_id"),
            InboxEntry.objects.filter(position_id__in=delegated)
            .exclude(security__in=NARROW_SECURITY)
            .values("letter_id"),
        ]
    clerk_of = clerk_agency_ids(user)
    if clerk_of:
        states = Q(state__in=SENT_CLERK_STATES) | Q(
            origin=Letter.Origin.REGISTERED, state__in=INCOMING_CLERK_STATES
        )
        letter_states = Q(letter__state__in=SENT_CLERK_STATES) | Q(
            letter__origin=Letter.Origin.REGISTERED, letter__state__in=INCOMING_CLERK_STATES
        )
        parts += [
            Letter.objects.filter(states, agency_id__in=clerk_of)
            .exclude(security__in=NARROW_SECURITY)
            .values("pk"),
            Registration.objects.filter(broad, letter_states, agency_id__in=clerk_of).values(
                "letter_id"
            ),
        ]
    if not parts:
        return Letter.objects.none().values("pk")
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def visible_letter_exists(user, ref: str = "letter_id", among=None) -> Q:
    """The same rule as visible_letter_ids, written as correlated EXISTS on the row's `ref`
    (a letter id): for a user who may read many letters, PostgreSQL then starts from the few rows
    a search matches and probes each one's participations, inbox rows and registrations by their
    letter index, instead of gathering and hashing tens of thousands of ids for every statement
    (bench/README.md, issue 12). Match-nothing Q for an anonymous user.

    `among` (letter ids the rows are known to be among) narrows each subquery too: PostgreSQL
    may run an EXISTS under OR as one hashed subquery, which then reads only those letters' rows
    instead of every row of the user's seats (72,000 participations for a head of agency)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    own, delegated = seat_position_ids(user)
    letter = OuterRef(ref)
    narrow = Q(security__in=NARROW_SECURITY)
    rows = Q() if among is None else ids_in("letter_id", among)
    parts = []
    if own:
        parts += [
            Exists(Participant.objects.filter(rows, letter_id=letter, position_id__in=own)),
            Exists(InboxEntry.objects.filter(rows, letter_id=letter, position_id__in=own)),
        ]
    if delegated:
        parts += [
            Exists(
                Participant.objects.filter(
                    rows, letter_id=letter, position_id__in=delegated
                ).exclude(letter__security__in=NARROW_SECURITY)
            ),
            Exists(
                InboxEntry.objects.filter(
                    rows, letter_id=letter, position_id__in=delegated
                ).exclude(narrow)
            ),
        ]
    clerk_of = clerk_agency_ids(user)
    if clerk_of:
        states = Q(state__in=SENT_CLERK_STATES) | Q(
            origin=Letter.Origin.REGISTERED, state__in=INCOMING_CLERK_STATES
        )
        letter_states = Q(letter__state__in=SENT_CLERK_STATES) | Q(
            letter__origin=Letter.Origin.REGISTERED, letter__state__in=INCOMING_CLERK_STATES
        )
        parts += [
            Exists(
                Letter.objects.filter(states, pk=letter, agency_id__in=clerk_of)
                .filter(Q() if among is None else ids_in("pk", among))
                .exclude(narrow)
            ),
            Exists(
                Registration.objects.filter(
                    rows, letter_states, letter_id=letter, agency_id__in=clerk_of
                ).exclude(letter__security__in=NARROW_SECURITY)
            ),
        ]
    if not parts:
        return Q(pk__in=[])
    condition = Q(parts[0])
    for part in parts[1:]:
        condition |= Q(part)
    return condition
