"""Who may onboard what: the government administrator the whole government, an agency
administrator their own agencies. Everyone else gets 404."""

from dataclasses import dataclass

from django.http import Http404

from esurat.accounts.models import Role
from esurat.onboarding.models import Import
from esurat.organisations.models import Agency


@dataclass(frozen=True)
class Scope:
    """What an administrator may import and see: `agency_ids` None means the whole government."""

    government: object
    agency_ids: frozenset[int] | None

    @property
    def is_government(self) -> bool:
        return self.agency_ids is None

    def agencies(self):
        qs = Agency.objects.filter(government=self.government)
        return qs if self.agency_ids is None else qs.filter(pk__in=self.agency_ids)


def admin_scope(user) -> Scope | None:
    """The user's administrator scope in their own government, or None."""
    if not getattr(user, "is_authenticated", False) or user.government_id is None:
        return None
    roles = list(Role.objects.filter(
        user=user, kind__in=[Role.Kind.GOVERNMENT_ADMIN, Role.Kind.AGENCY_ADMIN]
    ).values_list("kind", "agency_id", "agency__government_id"))  # fmt: skip
    if any(kind == Role.Kind.GOVERNMENT_ADMIN for kind, _, _ in roles):
        return Scope(user.government, None)
    ids = frozenset(a for kind, a, g in roles if g == user.government_id)
    return Scope(user.government, ids) if ids else None


def access_scope(user) -> Scope:
    """The administrator scope, or Http404 for anyone who administers nothing."""
    scope = admin_scope(user)
    if scope is None:
        raise Http404
    return scope


def access_agency(user, code) -> tuple[Scope, Agency]:
    """An agency the user administers (by its code), or Http404."""
    scope = access_scope(user)
    agency = scope.agencies().filter(code=code).select_related("government").first()
    if agency is None:
        raise Http404
    return scope, agency


def access_import(user, code) -> Import:
    """An import uploaded within the user's scope, or Http404. An agency administrator sees the
    imports of their own agencies only (made by an agency administrator of the same agencies)."""
    scope = access_scope(user)
    found = Import.objects.filter(code=code, government=scope.government).first()
    if found is None:
        raise Http404
    if not scope.is_government:
        theirs = set(found.agencies.values_list("pk", flat=True))
        if not theirs or not theirs <= scope.agency_ids:
            raise Http404
    return found
