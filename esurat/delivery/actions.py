"""Every state change of delivery outside the system. Each do_* runs in one transaction and writes
its audit event; e-mails are enqueued with transaction.on_commit, so a rolled-back signing sends
nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, record_event
from esurat.delivery.models import Dispatch
from esurat.letters.models import ExternalParty, Letter, Recipient
from esurat.letters.numbering import next_value
from esurat.organisations.models import Agency


class DeliveryRefused(Exception):
    """The change cannot happen in the dispatch's current state; the message is for the user."""


def _book_number(agency_id: int, now) -> tuple[int, int]:
    year = now.year  # callers pass the government's local time
    return year, next_value(f"dispatch:a{agency_id}", year)


def _targets(letter: Letter) -> dict[str, dict]:
    """key → recipient facts, for every addressee outside the system; TO wins over CC."""
    targets: dict[str, dict] = {}

    def add(key, kind, **facts):
        if targets.get(key, {}).get("kind") != Recipient.Kind.TO:
            targets[key] = {"kind": kind, **facts}

    recipients = letter.recipients.select_related("external", "agency", "position__agency")
    for r in recipients:
        if r.target == Recipient.Target.EXTERNAL:
            add(f"external:{r.external_id}", r.kind, name=r.external.name,
                email=r.external.email, external=r.external, to_agency=None)  # fmt: skip
            continue
        if r.target == Recipient.Target.POSITION:
            agencies = [r.position.agency]
        elif r.target in (Recipient.Target.AGENCY, Recipient.Target.AGENCY_ALL):
            agencies = [r.agency]
        else:  # everyone in the government
            agencies = Agency.objects.filter(government_id=letter.government_id)
        for agency in agencies:
            if not agency.is_onboarded and agency.pk != letter.agency_id:
                add(f"agency:{agency.pk}", r.kind, name=agency.name, email=agency.email,
                    external=None, to_agency=agency)  # fmt: skip
    return targets


def _enqueue(dispatches: list[Dispatch]) -> None:
    from esurat.delivery.tasks import send_dispatch

    codes = [str(d.code) for d in dispatches if d.method == Dispatch.Method.EMAIL]
    for code in codes:
        transaction.on_commit(lambda code=code: send_dispatch.enqueue(code))


@transaction.atomic
def do_plan_external_delivery(letter: Letter, *, now) -> list[Dispatch]:
    """Enter one dispatch per recipient outside the system in the sending agency's dispatch book.

    Called by letters.actions._deliver inside the signing transaction: the rows exist exactly
    when the letter is sent. Recipients with an e-mail address get the PDF by e-mail (enqueued
    after commit; `send_pending_mail` catches any enqueue that is lost); the others, and every
    R/SR letter — never sent over plain e-mail — are marked for print. Idempotent per recipient.
    """
    targets = _targets(letter)
    if not targets:
        return []
    local = timezone.localtime(now, letter.government.zone)
    narrow = letter.is_narrow
    existing = set(letter.dispatches.filter(purpose=Dispatch.Purpose.LETTER)
                   .values_list("key", flat=True))  # fmt: skip
    created = []
    for key, t in targets.items():
        if key in existing:
            continue
        by_mail = bool(t["email"]) and not narrow
        year, seq = _book_number(letter.agency_id, local)
        created.append(Dispatch.objects.create(
            letter=letter, agency_id=letter.agency_id, purpose=Dispatch.Purpose.LETTER, key=key,
            kind=t["kind"], recipient_name=t["name"][:300], email=t["email"] if by_mail else "",
            external=t["external"], to_agency=t["to_agency"],
            method=Dispatch.Method.EMAIL if by_mail else Dispatch.Method.PRINT,
            state=Dispatch.State.QUEUED if by_mail else Dispatch.State.TO_PRINT,
            next_attempt_at=now if by_mail else None, book_year=year, book_seq=seq,
            created_at=now,
        ))  # fmt: skip
    if created:
        record_event(government=letter.government, actor=None, action="delivery.planned",
                     letter=letter,
                     data={"email": sum(d.method == "email" for d in created),
                           "print": sum(d.method == "print" for d in created)})  # fmt: skip
    _enqueue(created)
    return created


@transaction.atomic
def plan_revocation_notices(letter: Letter, *, now) -> list[Dispatch]:
    """Tell every outside recipient of the letter that it is revoked, the way it reached them:
    an e-mail to those it was e-mailed to, a printed notice (esurat/delivery/notice.py) to carry
    to those it went to on paper.

    Called by do_revoke_letter in its transaction. Each notice is a new entry of the dispatch
    book, numbered after the letter's copies in their order. A paper copy gets its notice
    whatever its state, even one not yet recorded as carried: the book is often filled in after
    the courier left, so only the clerk knows whether the copy is still in the office. If it is,
    the clerk keeps it back (the dispatch page says so, and it can no longer be marked printed)
    and the notice alone goes: a notice of a letter that never arrived misleads nobody, a revoked
    letter that arrived without one does. Idempotent per recipient.
    """
    local = timezone.localtime(now, letter.government.zone)
    # An e-mail of the letter not sent yet (queued, retrying, given up) is withheld: it must not
    # go out now, and its recipient, who never got the letter, needs no notice. One being sent
    # at this very moment may arrive: it is treated as sent.
    letter.dispatches.filter(
        purpose=Dispatch.Purpose.LETTER, method=Dispatch.Method.EMAIL,
        state__in=(*Dispatch.PENDING_MAIL, Dispatch.State.FAILED),
    ).update(state=Dispatch.State.WITHHELD, next_attempt_at=None)  # fmt: skip
    copies = (
        letter.dispatches.filter(purpose=Dispatch.Purpose.LETTER)
        .exclude(state=Dispatch.State.WITHHELD)
        .order_by("book_year", "book_seq")
    )
    done = set(letter.dispatches.filter(purpose=Dispatch.Purpose.REVOCATION)
               .values_list("key", flat=True))  # fmt: skip
    created = []
    for d in copies:
        if d.key in done:
            continue
        by_mail = d.method == Dispatch.Method.EMAIL
        year, seq = _book_number(letter.agency_id, local)
        created.append(Dispatch.objects.create(
            letter=letter, agency_id=letter.agency_id, purpose=Dispatch.Purpose.REVOCATION,
            key=d.key, kind=d.kind, recipient_name=d.recipient_name, email=d.email,
            external_id=d.external_id, to_agency_id=d.to_agency_id, method=d.method,
            state=Dispatch.State.QUEUED if by_mail else Dispatch.State.TO_PRINT,
            next_attempt_at=now if by_mail else None, book_year=year, book_seq=seq,
            created_at=now,
        ))  # fmt: skip
    _enqueue(created)
    return created


def is_held_back(dispatch: Dispatch) -> bool:
    """A paper copy of a revoked letter not recorded as carried: it must not leave the office
    (its recipient gets the notice of revocation instead)."""
    return (
        dispatch.purpose == Dispatch.Purpose.LETTER
        and dispatch.method == Dispatch.Method.PRINT
        and dispatch.state in (Dispatch.State.TO_PRINT, Dispatch.State.PRINTED)
        and dispatch.letter.state == Letter.State.REVOKED
    )


@transaction.atomic
def do_save_external_party(*, government, user, name: str, email: str = "",
                           ip_address=None) -> ExternalParty:  # fmt: skip
    """The directory entry for an outside party, found by its folded name or added.

    A new e-mail address replaces the old one (the drafter typed the newest); an empty one keeps
    it. Locks the entry while changing it.
    """
    name, email = " ".join(name.split()), email.strip().lower()
    if not name:
        raise ValidationError(_("Give the name of the outside party."), code="external_name")
    key = ExternalParty.key_for(name)
    party, created = ExternalParty.objects.get_or_create(
        government=government, match_key=key, defaults={"name": name[:300], "email": email}
    )
    if not created and email and party.email != email:
        party = ExternalParty.objects.select_for_update().get(pk=party.pk)
        party.email = email
        party.save(update_fields=["email"])
    elif not created:
        return party
    record_event(government=government, actor=Actor(user, None, "", ip_address),
                 action="external_party.saved",
                 data={"name": party.name, "email": party.email, "new": created})  # fmt: skip
    return party


def _lock(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("letter__government", "agency")
        .get(pk=dispatch.pk)
    )


def _event(dispatch: Dispatch, user, ip_address, action: str, **data) -> None:
    record_event(government=dispatch.letter.government, actor=Actor(user, None, "", ip_address),
                 action=action, letter=dispatch.letter,
                 data={"book": dispatch.book_number, "recipient": dispatch.recipient_name,
                       **data})  # fmt: skip


@transaction.atomic
def do_mark_printed(*, dispatch: Dispatch, user, ip_address=None) -> Dispatch:
    """The clerk printed the copy for a paper recipient."""
    dispatch = _lock(dispatch)
    if dispatch.state != Dispatch.State.TO_PRINT:
        raise DeliveryRefused(_("This copy is not waiting to be printed."))
    if is_held_back(dispatch):
        raise DeliveryRefused(
            _("The letter was revoked: do not print it. Print the notice of revocation instead.")
        )
    dispatch.state, dispatch.printed_at = Dispatch.State.PRINTED, timezone.now()
    dispatch.recorded_by = user
    dispatch.save(update_fields=["state", "printed_at", "recorded_by"])
    _event(dispatch, user, ip_address, "delivery.printed")
    return dispatch


@transaction.atomic
def do_record_dispatch(
    *,
    dispatch: Dispatch,
    user,
    carried_by: str,
    carried_at: datetime.datetime,
    received_by: str = "",
    received_at: datetime.datetime | None = None,
    ip_address=None,
) -> Dispatch:
    """Enter in the dispatch book who carried a paper copy and when, and — when known — who
    received it and when. Received is final; the times may not be in the future."""
    dispatch = _lock(dispatch)
    if dispatch.method != Dispatch.Method.PRINT or dispatch.state == Dispatch.State.RECEIVED:
        raise DeliveryRefused(_("This copy cannot be recorded in the dispatch book any more."))
    now = timezone.now()
    if carried_at > now or (received_at and received_at > now):
        raise ValidationError(_("The date cannot be later than today."), code="future_date")
    if received_at and received_at < carried_at:
        raise ValidationError(_("It cannot be received before it was carried."), code="order")
    if bool(received_by.strip()) != bool(received_at):
        raise ValidationError(_("Give both who received it and when."), code="received")
    dispatch.carried_by, dispatch.carried_at = carried_by.strip(), carried_at
    dispatch.received_by, dispatch.received_at = received_by.strip(), received_at
    dispatch.printed_at = dispatch.printed_at or now
    dispatch.state = Dispatch.State.RECEIVED if received_at else Dispatch.State.CARRIED
    dispatch.recorded_by = user
    dispatch.save()
    _event(dispatch, user, ip_address, f"delivery.{dispatch.state}", carried_by=dispatch.carried_by,
           received_by=dispatch.received_by)  # fmt: skip
    return dispatch


@transaction.atomic
def do_retry_mail(*, dispatch: Dispatch, user, ip_address=None) -> Dispatch:
    """Give a failed e-mail a new round of attempts, starting now."""
    dispatch = _lock(dispatch)
    if dispatch.method != Dispatch.Method.EMAIL or dispatch.state not in (
        Dispatch.State.FAILED,
        Dispatch.State.RETRYING,
    ):
        raise DeliveryRefused(_("This e-mail is not waiting for a retry."))
    dispatch.state, dispatch.attempts = Dispatch.State.RETRYING, 0
    dispatch.next_attempt_at = timezone.now()
    dispatch.save(update_fields=["state", "attempts", "next_attempt_at"])
    _event(dispatch, user, ip_address, "delivery.retried")
    _enqueue([dispatch])
    return dispatch


@transaction.atomic
def do_switch_to_print(*, dispatch: Dispatch, user, ip_address=None) -> Dispatch:
    """Deliver on paper a copy whose e-mail failed (a wrong address, a mailbox that refuses): a
    letter, or a notice of revocation (then printed from esurat/delivery/notice.py). A revoked
    letter is not delivered any more: its recipient gets the notice."""
    dispatch = _lock(dispatch)
    if dispatch.method != Dispatch.Method.EMAIL or dispatch.state not in (
        Dispatch.State.FAILED, Dispatch.State.RETRYING
    ):  # fmt: skip
        raise DeliveryRefused(_("Only a letter whose e-mail failed can be sent on paper."))
    if (
        dispatch.purpose == Dispatch.Purpose.LETTER
        and dispatch.letter.state == Letter.State.REVOKED
    ):
        raise DeliveryRefused(_("The letter was revoked: it is not delivered any more."))
    dispatch.method, dispatch.state = Dispatch.Method.PRINT, Dispatch.State.TO_PRINT
    dispatch.next_attempt_at = None
    dispatch.save(update_fields=["method", "state", "next_attempt_at"])
    _event(dispatch, user, ip_address, "delivery.switched_to_print", email=dispatch.email)
    return dispatch
