"""Who may read the evaluation and print the registry books, and for which agencies.

- The government admin and the regional leadership (Wali Kota, Sekda: Role LEADERSHIP) read the
  whole city's evaluation, and any one agency's.
- An agency admin reads their own agencies' evaluation only.
- Registry clerks print their own agencies' books; so do the admins, within their scope.
Everyone else, and any agency outside the scope, gets 404.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from esurat.accounts.models import Role
from esurat.organisations.models import Agency


@dataclass(frozen=True)
class Scope:
    """What a user may read: the whole city (`city`) or the agencies `agency_ids`."""

    government: object
    city: bool
    agency_ids: frozenset

    def agencies(self):
        qs = Agency.objects.filter(government=self.government).order_by("name")
        return qs if self.city else qs.filter(pk__in=self.agency_ids)

    def allows(self, agency) -> bool:
        return agency.government_id == self.government.pk and (
            self.city or agency.pk in self.agency_ids
        )


def _roles(user) -> list[tuple[str, int | None]]:
    if not getattr(user, "is_authenticated", False) or user.government_id is None:
        return []
    cached = getattr(user, "_report_roles", None)
    if cached is None:
        cached = list(
            Role.objects.filter(user=user)
            .filter(Q(agency__isnull=True) | Q(agency__government_id=user.government_id))
            .values_list("kind", "agency_id")
        )
        user._report_roles = cached
    return cached


def evaluation_scope(user) -> Scope | None:
    """The user's scope for the evaluation dashboard, or None when they have none."""
    roles = _roles(user)
    if any(kind in Role.CITY_KINDS for kind, _ in roles):
        return Scope(user.government, True, frozenset())
    ids = frozenset(a for kind, a in roles if kind == Role.Kind.AGENCY_ADMIN)
    return Scope(user.government, False, ids) if ids else None


def is_government_admin(user) -> bool:
    """Whether the user administers their whole government (sets the paper prices), read from
    the roles evaluation_scope already read for the request."""
    return any(kind == Role.Kind.GOVERNMENT_ADMIN for kind, _ in _roles(user))


def books_scope(user) -> Scope | None:
    """The user's scope for printing registry books: the evaluation scope plus the agencies whose
    registry they keep."""
    roles = _roles(user)
    if any(kind == Role.Kind.GOVERNMENT_ADMIN for kind, _ in roles):
        return Scope(user.government, True, frozenset())
    kinds = (Role.Kind.AGENCY_ADMIN, Role.Kind.CLERK)
    ids = frozenset(a for kind, a in roles if kind in kinds)
    return Scope(user.government, False, ids) if ids else None


def _access(scope: Scope | None, agency_code) -> tuple[Scope, Agency | None]:
    if scope is None:
        raise Http404
    if not agency_code:
        if scope.city:
            return scope, None
        return scope, scope.agencies().first()
    agency = Agency.objects.filter(code=agency_code, government=scope.government).first()
    if agency is None or not scope.allows(agency):
        raise Http404
    return scope, agency


def access_evaluation(user, agency_code=None) -> tuple[Scope, Agency | None]:
    """The scope and the agency (None: the whole city) whose evaluation the user asks for, or
    Http404 when they may not read it. An agency admin without ?agency= gets their first agency."""
    return _access(evaluation_scope(user), agency_code)


def access_books(user, agency_code=None) -> tuple[Scope, Agency]:
    """The scope and the agency whose registry books the user asks for, or Http404. Books are
    always one agency's: without ?agency= the first one of the scope."""
    scope, agency = _access(books_scope(user), agency_code)
    agency = agency or scope.agencies().first()
    if agency is None:
        raise Http404
    return scope, agency
