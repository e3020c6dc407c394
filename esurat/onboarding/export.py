"""The organisation as it is, in the workbook's own format: importing the export changes nothing."""

from django.db.models import Q
from django.utils import timezone

from esurat.accounts.models import Role, User
from esurat.onboarding import workbook
from esurat.onboarding.models import PositionKey
from esurat.onboarding.plan import KIND_NAMES, ROLE_NAMES, end_day
from esurat.organisations.models import Agency, Assignment, Position, Unit


def export_workbook(government, *, agency_ids: set[int] | None) -> bytes:
    """The government's organisation (or only `agency_ids`, for an agency administrator)."""
    zone, now = government.zone, timezone.now()
    agencies = Agency.objects.filter(government=government).order_by("unit_code")
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=agency_ids)
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    code_of = {a.pk: a.unit_code for a in agencies}
    sheets = {"Perangkat Daerah": [
        [a.unit_code, a.name, a.short_name, KIND_NAMES.get(a.kind, "lainnya"), a.address,
         a.email, a.phone, a.website] for a in agencies
    ]}  # fmt: skip

    units = list(Unit.objects.filter(agency__government=government)
                 .values("id", "code", "agency_id", "parent_id", "name", "short_code"))  # fmt: skip
    unit_key = {u["id"]: u["short_code"] or str(u["code"]) for u in units}
    sheets["Unit"] = [
        [code_of[u["agency_id"]], unit_key[u["id"]], u["name"],
         unit_key.get(u["parent_id"], "")]
        for u in sorted(units, key=lambda u: (code_of.get(u["agency_id"], ""), u["name"]))
        if u["agency_id"] in code_of
    ]  # fmt: skip

    keys = dict(PositionKey.objects.filter(government=government).values_list("position_id", "key"))
    closed = set(PositionKey.objects.filter(government=government, closed_at__isnull=False)
                 .values_list("position_id", flat=True))  # fmt: skip
    positions = list(Position.objects.filter(agency__government=government).values(
        "id", "code", "agency_id", "unit_id", "title", "superior_id", "holder_id", "is_head",
        "can_sign"))  # fmt: skip
    key_of = {p["id"]: keys.get(p["id"]) or str(p["code"]) for p in positions}
    mine = [p for p in positions if p["agency_id"] in code_of and p["id"] not in closed]
    mine.sort(key=lambda p: (code_of[p["agency_id"]], not p["is_head"], p["title"]))
    yes = {True: workbook.YES, False: workbook.NO}
    sheets["Jabatan"] = [
        [code_of[p["agency_id"]], key_of[p["id"]], p["title"], unit_key.get(p["unit_id"], ""),
         key_of.get(p["superior_id"], ""), yes[p["is_head"]], yes[p["can_sign"]]]
        for p in mine
    ]  # fmt: skip

    users = {u["id"]: u for u in User.objects.filter(government=government, nip__isnull=False)
             .values("id", "nip", "full_name", "email", "phone")}  # fmt: skip
    sheets["Penempatan"] = [[users[p["holder_id"]]["nip"], key_of[p["id"]]]
                            for p in mine if p["holder_id"] in users]  # fmt: skip
    # Only the kinds the workbook names: the leadership role (esurat/reports) is granted in the
    # admin, and an import leaves it alone.
    roles = (
        Role.objects.filter(user_id__in=list(users), kind__in=ROLE_NAMES)
        .filter(
            Q(agency_id__in=ids) | Q(agency__isnull=True)
            if agency_ids is None
            else Q(agency_id__in=ids)
        )
        .order_by("agency__unit_code", "kind", "user__nip")
        .values_list("user_id", "kind", "agency_id")
    )
    sheets["Peran"] = [[users[u]["nip"], ROLE_NAMES[k], code_of.get(a, "")] for u, k, a in roles]
    mine_ids = {p["id"] for p in mine}
    acting = (Assignment.objects.filter(position_id__in=mine_ids, kind__in=Assignment.ACTING_KINDS,
                                        user_id__in=list(users))
              .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)).order_by("starts_at"))  # fmt: skip
    sheets["Plt-Plh"] = [
        [key_of[a.position_id], users[a.user_id]["nip"], a.kind,
         timezone.localdate(a.starts_at, zone).isoformat(),
         (end_day(a.ends_at, zone) or "") and end_day(a.ends_at, zone).isoformat(), a.note]
        for a in acting
    ]  # fmt: skip
    wanted = set(users) if agency_ids is None else (
        {p["holder_id"] for p in mine} | {u for u, _, _ in roles} | {a.user_id for a in acting}
    )  # fmt: skip
    sheets["Pegawai"] = [[u["nip"], u["full_name"], u["email"], u["phone"]]
                         for u in sorted(users.values(), key=lambda u: u["nip"])
                         if u["id"] in wanted]  # fmt: skip
    return workbook.write(sheets)
