"""Who occupies which position right now: the definitive holder, acting officials, delegates."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from esurat.organisations.models import Assignment, Position


@dataclass(frozen=True)
class Seat:
    """A position a user may act for, and in which capacity ("" = definitive holder)."""

    position: Position
    acting_as: str = ""

    @property
    def is_delegate(self) -> bool:
        return self.acting_as == Assignment.Kind.DELEGATE

    @property
    def qualifier(self) -> str:
        return Assignment.QUALIFIERS.get(self.acting_as, "")


def seats_of(user, *, at=None) -> list[Seat]:
    """Every position the user holds or currently acts for or assists, holder seats first.

    One query (every page reads the seats): the positions the user holds and those of their
    current assignments, each piece read from its own index and merged with UNION ALL. A
    position held and also assigned is a holder seat; two assignments to one position count
    once, the earliest. Cached on the user object for the length of a request.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_seats_cache", None)
    if cached is not None and at is None:
        return cached
    at = at or timezone.now()
    current = Assignment.objects.filter(Assignment.in_force(at), user=user).order_by()
    held = Position.objects.filter(holder=user).order_by().values("pk")
    first = current.filter(position=OuterRef("pk")).order_by("starts_at", "pk")
    positions = (
        Position.objects.filter(pk__in=held.union(current.values("position_id"), all=True))
        .annotate(
            acting_as=Subquery(first.values("kind")[:1]),
            acting_since=Subquery(first.values("starts_at")[:1]),
        )
        .select_related("agency", "unit")
        .order_by("agency__name", "title", "pk")
    )
    held_first = sorted(
        positions, key=lambda p: (1, p.acting_since) if p.holder_id != user.pk else (0, at)
    )
    seats = [Seat(p, "" if p.holder_id == user.pk else p.acting_as) for p in held_first]
    user._seats_cache = seats
    return seats


def seat_for(user, position) -> Seat | None:
    """The user's seat at this position, or None when they may not act for it."""
    for seat in seats_of(user):
        if seat.position.pk == position.pk:
            return seat
    return None


def people_at(position, *, at=None):
    """Users who currently act for a position: holder, acting officials and delegates."""
    at = at or timezone.now()
    users = []
    if position.holder_id:
        users.append((position.holder, ""))
    for a in position.assignments.filter(Assignment.in_force(at)).select_related("user"):
        users.append((a.user, a.kind))
    return users


def is_below(position, superior) -> bool:
    """True when `superior` is above `position` in the superior chain."""
    node, seen = position.superior, set()
    while node is not None and node.pk not in seen:
        if node.pk == superior.pk:
            return True
        seen.add(node.pk)
        node = node.superior
    return False
