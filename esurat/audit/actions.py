"""Appending to and checking the audit trail."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from esurat.audit.models import AuditChain, AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user, the position they act for and in which capacity, and from where.

    `acting_as` is "" when the user is the definitive holder, else plt/plh/pj/delegate.
    """

    user: object
    position: object | None = None
    acting_as: str = ""
    ip_address: str | None = None


@transaction.atomic
def record_event(*, government, actor: Actor | None, action: str, letter=None, data=None):
    """Append one event to the government's chain, in the caller's transaction.

    Locks the chain head (select_for_update) so concurrent appends get consecutive seq numbers and
    a correct prev_hash. A rolled-back action leaves no event.
    """
    AuditChain.objects.get_or_create(government=government)
    chain = AuditChain.objects.select_for_update().get(government=government)
    user = actor.user if actor else None
    event = AuditEvent(
        government=government,
        seq=chain.length + 1,
        at=timezone.now(),
        actor=user,
        actor_name=user.get_full_name() if user else "system",
        acting_for=actor.position if actor else None,
        acting_as=actor.acting_as if actor else "",
        action=action,
        letter=letter,
        ip_address=actor.ip_address if actor else None,
        data=data or {},
        prev_hash=chain.last_hash,
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    chain.last_hash, chain.length = event.hash, event.seq
    chain.save(update_fields=["last_hash", "length"])
    return event


def verify_chain(government) -> tuple[bool, int | None]:
    """Recompute every hash of the government's chain. Returns (ok, first broken seq)."""
    prev = "0" * 64
    expected_seq = 1
    events = AuditEvent.objects.filter(government=government).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if (
            event.seq != expected_seq
            or event.prev_hash != prev
            or event.compute_hash() != event.hash
        ):
            return False, expected_seq
        prev, expected_seq = event.hash, expected_seq + 1
    chain = AuditChain.objects.filter(government=government).first()
    if chain and (chain.length != expected_seq - 1 or chain.last_hash != prev):
        return False, expected_seq
    return True, None
