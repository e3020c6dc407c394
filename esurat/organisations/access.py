"""Who occupies which position right now: the definitive holder, acting officials, delegates."""

from dataclasses import dataclass

from django.db.models import Q
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
        return {"plt": "Plt.", "plh": "Plh.", "pj": "Pj."}.get(self.acting_as, "")


def seats_of(user, *, at=None) -> list[Seat]:
    """Every position the user holds or currently acts for or assists, holder seats first.

    Cached on the user object for the length of a request.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_seats_cache", None)
    if cached is not None and at is None:
        return cached
    at = at or timezone.now()
    seats = [Seat(p) for p in Position.objects.filter(holder=user).select_related("agency", "unit")]
    held = {s.position.pk for s in seats}
    current = (
        Assignment.objects.filter(user=user, starts_at__lte=at)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .select_related("position__agency", "position__unit")
        .order_by("starts_at")
    )
    for assignment in current:
        if assignment.position_id not in held:
            seats.append(Seat(assignment.position, assignment.kind))
            held.add(assignment.position_id)
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
    for a in position.assignments.filter(starts_at__lte=at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at)
    ).select_related("user"):
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
