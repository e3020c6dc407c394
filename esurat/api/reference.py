"""The caller and the reference data a client needs to write a letter: positions, agencies,
letter kinds and classification codes. Everything is limited to the caller's government."""

from django.db.models import Q
from ninja import Query, Router
from pydantic import Field

from esurat.accounts.models import Role
from esurat.api import schemas
from esurat.letters import selectors
from esurat.letters.models import Classification, ExternalParty, LetterKind
from esurat.organisations.access import seats_of
from esurat.organisations.models import Agency, Position

router = Router(tags=["reference"])


def agency_ref(agency) -> dict:
    return {"code": agency.code, "short_name": agency.short_name, "name": agency.name}


def position_ref(position) -> dict | None:
    if position is None:
        return None
    return {"code": position.code, "title": position.title, "agency": agency_ref(position.agency)}


def _position_out(p: Position) -> dict:
    return {**position_ref(p), "holder": p.holder.get_full_name() if p.holder else None,
            "is_head": p.is_head, "can_sign": p.can_sign}  # fmt: skip


@router.get("/me", response=schemas.MeOut, url_name="me")
def me(request):
    """The caller, the positions they act for (and in which capacity), roles and counters."""
    user = request.auth
    government = user.government
    roles = Role.objects.filter(user=user).select_related("agency")
    return {
        "user": {"code": user.code, "username": user.username, "full_name": user.get_full_name(),
                 "nip": user.nip, "email": user.email},
        "government": government.name if government else None,
        "time_zone": government.time_zone if government else None,
        "seats": [{"position": position_ref(s.position), "acting_as": s.acting_as,
                   "qualifier": s.qualifier, "is_delegate": s.is_delegate}
                  for s in seats_of(user)],
        "roles": [f"{r.kind}:{r.agency.code}" if r.agency else r.kind for r in roles],
        "counters": selectors.counters(user),
    }  # fmt: skip


class PositionQuery(schemas.Schema):
    q: str = Field(min_length=2, max_length=100, description="Title, holder's name or agency")
    limit: int = Field(20, ge=1, le=50)


@router.get("/positions", response=list[schemas.PositionOut], url_name="position_search")
def position_search(request, filters: Query[PositionQuery]):
    """Positions to address a letter to or to put in the review chain."""
    q = filters.q.strip()
    # A position an organisation import closed (esurat.onboarding) is no addressee.
    qs = Position.objects.filter(agency__government_id=request.auth.government_id).filter(
        Q(title__icontains=q) | Q(holder__full_name__icontains=q)
        | Q(agency__short_name__icontains=q) | Q(agency__name__icontains=q)
    ).exclude(import_key__closed_at__isnull=False)  # fmt: skip
    rows = qs.select_related("agency", "holder").order_by("agency__name", "title")
    return [_position_out(p) for p in rows[: filters.limit]]


@router.get("/agencies", response=list[schemas.AgencyOut], url_name="agency_list")
def agency_list(request):
    """The agencies of the caller's government (addressees with target=agency or agency_all)."""
    rows = Agency.objects.filter(government_id=request.auth.government_id)
    return [{**agency_ref(a), "kind": a.kind, "unit_code": a.unit_code,
             "is_onboarded": a.is_onboarded} for a in rows]  # fmt: skip


@router.get("/letter-kinds", response=list[schemas.LetterKindOut], url_name="letter_kind_list")
def letter_kind_list(request):
    return list(LetterKind.objects.filter(is_active=True))


class ClassificationQuery(schemas.Schema):
    q: str = Field("", max_length=100, description="A code prefix (000.1) or words of the name")
    limit: int = Field(40, ge=1, le=100)


@router.get("/classifications", response=list[schemas.ClassificationOut],
            url_name="classification_search")  # fmt: skip
def classification_search(request, filters: Query[ClassificationQuery]):
    """Active classification codes matching a code prefix or a part of the name."""
    q = filters.q.strip()
    qs = Classification.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(code__startswith=q.split(" ", 1)[0]) | Q(name__icontains=q))
    return list(qs.only("code", "name")[: filters.limit])


class ExternalPartyQuery(schemas.Schema):
    q: str = Field("", max_length=100, description="Words of the name or the e-mail address")
    limit: int = Field(20, ge=1, le=50)


@router.get("/external-parties", response=list[schemas.ExternalPartyOut],
            url_name="external_party_search")  # fmt: skip
def external_party_search(request, filters: Query[ExternalPartyQuery]):
    """Outside parties of the caller's government's directory (addressees with target=external),
    by name; a new one is added by addressing a letter to its name."""
    q = filters.q.strip()
    qs = ExternalParty.objects.filter(government_id=request.auth.government_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
    return list(qs.order_by("name")[: filters.limit])
