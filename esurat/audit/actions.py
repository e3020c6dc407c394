"""Appending to and checking the audit trail."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from esurat.audit.models import AuditChain, AuditEvent

ZERO_HASH = "0" * 64


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
        # No actor: the system itself; an actor without a user: someone not logged in.
        actor_name=user.get_full_name() if user else ("system" if actor is None else ""),
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


@dataclass(frozen=True)
class ChainCheck:
    """What checking one government's chain found: how many events were recomputed, and the
    first that is wrong (None when intact). `head_hash` is the chain head as stored: note it
    somewhere else now and then, and a chain rewound behind the triggers' back shows too."""

    government: object
    events_checked: int
    broken_seq: int | None = None
    problem: str = ""
    head_hash: str = ZERO_HASH
    length: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def check_chain(government, *, tail: int | None = None) -> ChainCheck:
    """Recompute the hashes of the government's chain and compare the head with its last event.

    With `tail`, only the last `tail` events are recomputed, starting from the stored hash of the
    event before them (what /healthz does: its cost does not grow with the trail). Reads only.
    """
    chain = AuditChain.objects.filter(government=government).first()
    head_hash, length = (chain.last_hash, chain.length) if chain else (ZERO_HASH, 0)
    events = AuditEvent.objects.filter(government=government).order_by("seq")
    last_seq = events.values_list("seq", flat=True).last() or 0
    start = 1 if tail is None else max(last_seq - tail + 1, 1)
    prev = ZERO_HASH
    if start > 1:
        prev = events.filter(seq=start - 1).values_list("hash", flat=True).first() or ""
    expected_seq, checked = start, 0

    def report(seq, problem):
        return ChainCheck(government, checked, seq, problem, head_hash, length)

    for event in events.filter(seq__gte=start).iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return report(expected_seq, "missing")
        if event.prev_hash != prev:
            return report(event.seq, "prev_hash")
        if event.compute_hash() != event.hash:
            return report(event.seq, "hash")
        prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if length != expected_seq - 1 or head_hash != prev:
        return report(expected_seq if length >= expected_seq else length + 1, "head")
    return ChainCheck(government, checked, None, "", head_hash, length)


def verify_chain(government) -> tuple[bool, int | None]:
    """Recompute every hash of the government's chain. Returns (ok, first broken seq)."""
    found = check_chain(government)
    return found.ok, found.broken_seq


# --- changes made in the admin -------------------------------------------------------------------


def snapshot(obj, fields) -> dict:
    """The JSON-able values of the named fields of a row: a foreign key as "id: its name", a file
    by its stored name, anything else not JSON-able as its text."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if field.is_relation and value is not None:
            value = f"{value}: {getattr(obj, name)}"  # the id, and who or what it is
        if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
            value = value.name or ""
        if isinstance(value, datetime.datetime):  # one instant, one text, whatever the zone;
            # to the second, as forms show and post it
            value = value.astimezone(datetime.UTC).replace(microsecond=0).isoformat()
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        values[name] = value
    return values


def changes(before: dict, after: dict, *, secret=(), masked=()) -> dict:
    """{field: [old, new]} for each changed field. A `secret` field (a password) is recorded as
    changed, never its value; a `masked` one (an identity number) by its last four characters."""
    found = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in secret:
            found[name] = "changed"
        elif name in masked:
            found[name] = [_mask(old), _mask(new)]
        else:
            found[name] = [old, new]
    return found


def _mask(value) -> str | None:
    return None if not value else "…" + str(value)[-4:]


def record_change(
    *, government, actor: Actor, action: str, obj, data: dict, name: str | None = None
) -> AuditEvent:
    """Record an administrative change of `obj` (what, which row, what changed) in the
    government's chain, in the caller's transaction. `name` replaces str(obj) when that would
    say too much (an identity number)."""
    code = getattr(obj, "code", None) or obj.pk
    return record_event(government=government, actor=actor, action=action,
                        data={"object": obj._meta.label_lower, "id": str(code),
                              "name": str(obj) if name is None else name, **data})  # fmt: skip


def chains_for(government, user) -> list:
    """The chains an administrative change is recorded in: the government the row belongs to;
    for a row of no government (a letter kind, an account without one) the administrator's own;
    for a superuser of none, every government of the deployment (normally one)."""
    from esurat.organisations.models import Government

    if government is not None:
        return [government]
    if getattr(user, "government_id", None):
        return [user.government]
    return list(Government.objects.order_by("pk"))


def save_audited(
    obj, *, fields, kind: str, government, user, ip_address=None, name=None, **masking
) -> bool:
    """Save a new or changed row and record `<kind>.created` or `<kind>.changed` with its changed
    fields (none when nothing changed). Returns True when it recorded an event. The row is
    locked while it is compared, so two administrators' saves are recorded one after the other.
    The caller (a do_* action) is atomic."""
    created = obj.pk is None
    before = {}
    if not created:
        row = type(obj).objects.select_for_update().filter(pk=obj.pk).first()
        before = snapshot(row, fields) if row is not None else {}
    obj.save()
    found = changes(before, snapshot(obj, fields), **masking)
    if not (created or found):
        return False
    for chain in chains_for(government, user):
        record_change(government=chain, actor=Actor(user, None, "", ip_address),
                      action=f"{kind}.{'created' if created else 'changed'}", obj=obj,
                      data={"changes": found}, name=name)  # fmt: skip
    return True


def delete_audited(obj, *, kind: str, government, user, ip_address=None, name=None) -> None:
    """Delete a row (and what cascades from it) and record `<kind>.deleted`; the caller (a do_*
    action) is atomic."""
    for chain in chains_for(government, user):
        record_change(government=chain, actor=Actor(user, None, "", ip_address),
                      action=f"{kind}.deleted", obj=obj, data={}, name=name)  # fmt: skip
    obj.delete()
