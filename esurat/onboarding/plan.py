"""Checking an organisation workbook against the database, and the changes it makes.

`make_plan` reads the database once (a few queries, whatever the size of the city), checks every
row and lists each problem by sheet and row; it then computes what the import would change per
sheet (new / changed / unchanged / closed). The dry run shows exactly that; `apply_plan` writes
it, inside the caller's transaction (esurat.onboarding.actions.do_import_organisation), and
nothing else. Rows are matched by stable keys — the agency's code (its code in letter numbers),
the unit's code within its agency, the position's code (PositionKey, or the UUID the export
writes), the employee's NIP — so a second import of the same file finds nothing to change and a
changed file updates rows, never duplicates them. A position left out of the file is closed,
never deleted: letters, inboxes and the audit trail point to it.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.accounts.models import Role, User, nip_validator
from esurat.onboarding.models import AgencyOnboarding, Invitation, PositionKey
from esurat.onboarding.workbook import ACTING, AGENCY_KINDS, NO, ROLES, SHEETS, YES, Row
from esurat.organisations.models import Agency, Assignment, Position, Unit

MAX_PROBLEMS = 2000  # a hopeless file need not list fifty thousand problems
AGENCY_SHEET, UNIT_SHEET, POSITION_SHEET = "Perangkat Daerah", "Unit", "Jabatan"
EMPLOYEE_SHEET, PLACEMENT_SHEET, ROLE_SHEET, ACTING_SHEET = (
    "Pegawai", "Penempatan", "Peran", "Plt-Plh"
)  # fmt: skip
KIND_NAMES = {v: k for k, v in AGENCY_KINDS.items()}
ROLE_NAMES = {v: k for k, v in ROLES.items()}


@dataclass
class Plan:
    problems: list[dict] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problem_total: int = 0
    # What apply_plan writes, by step.
    work: dict = field(default_factory=dict)

    def problem(self, sheet: str, row: int | None, message: str) -> None:
        self.problem_total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"sheet": sheet, "row": row, "message": message})

    def count(self, sheet: str, what: str, n: int = 1) -> None:
        self.counts[sheet][what] += n

    @property
    def changes(self) -> int:
        return sum(c.get("new", 0) + c.get("changed", 0) + c.get("closed", 0)
                   for c in self.counts.values())  # fmt: skip

    def report(self) -> dict:
        order = list(SHEETS)
        problems = sorted(self.problems, key=lambda p: (order.index(p["sheet"]), p["row"] or 0))
        return {"problems": problems, "problem_total": self.problem_total,
                "counts": self.counts_shown(), "changes": self.changes}  # fmt: skip

    def counts_shown(self) -> dict:
        return {sheet: {k: v for k, v in c.items() if v} for sheet, c in self.counts.items()}


def _yes(value: str) -> bool | None:
    v = value.strip().lower()
    if v in ("", NO.lower(), "t", "n", "no", "0"):
        return False
    if v in (YES.lower(), "y", "yes", "1"):
        return True
    return None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        try:
            return datetime.datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError:
            return None


def _email_ok(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _too_long(plan, sheet, row, header, value, limit) -> bool:
    if len(value) > limit:
        plan.problem(sheet, row.number, _("“%(column)s” is longer than %(limit)s characters.")
                     % {"column": header, "limit": limit})  # fmt: skip
        return True
    return False


def _cycle(edges: dict) -> set:
    """The nodes on a cycle of `edges` (node → parent)."""
    on_cycle, done = set(), set()
    for start in edges:
        path, node = [], start
        seen = {}
        while node is not None and node not in done and node not in seen:
            seen[node] = len(path)
            path.append(node)
            node = edges.get(node)
        if node is not None and node in seen:
            on_cycle.update(path[seen[node] :])
        done.update(path)
    return on_cycle


class _Db:
    """The government's organisation as it is, read in a few queries."""

    def __init__(self, government):
        gid = government.pk
        self.agencies = {}
        for a in Agency.objects.filter(government_id=gid).order_by("pk"):
            self.agencies.setdefault(a.unit_code, a)
        self.units = {}  # (agency_id, key) → unit values
        for u in Unit.objects.filter(agency__government_id=gid).values(
            "id", "code", "agency_id", "parent_id", "name", "short_code"
        ):
            self.units.setdefault((u["agency_id"], u["short_code"] or str(u["code"])), u)
        self.unit_by_id = {u["id"]: u for u in self.units.values()}
        keys = dict(PositionKey.objects.filter(government_id=gid)
                    .values_list("position_id", "key"))  # fmt: skip
        self.closed = set(PositionKey.objects.filter(government_id=gid, closed_at__isnull=False)
                          .values_list("position_id", flat=True))  # fmt: skip
        self.has_key = set(keys)
        self.positions = {}  # key → position values
        for p in Position.objects.filter(agency__government_id=gid).values(
            "id",
            "code",
            "agency_id",
            "unit_id",
            "title",
            "superior_id",
            "holder_id",
            "is_head",
            "can_sign",
        ):
            p["key"] = keys.get(p["id"]) or str(p["code"])
            self.positions[p["key"]] = p
            if p["id"] not in keys:  # also found by its UUID
                self.positions.setdefault(str(p["code"]), p)
        self.position_by_id = {p["id"]: p for p in self.positions.values()}
        self.users = {u["nip"]: u for u in User.objects.filter(government_id=gid, nip__isnull=False)
                      .values("id", "nip", "username", "full_name", "email", "phone")}  # fmt: skip
        self.user_by_id = {u["id"]: u for u in self.users.values()}
        self.roles = set(Role.objects.filter(user__government_id=gid)
                         .values_list("user_id", "kind", "agency_id"))  # fmt: skip
        self.acting = {}
        for a in Assignment.objects.filter(position__agency__government_id=gid,
                                           kind__in=Assignment.ACTING_KINDS).values(
            "id", "position_id", "user_id", "kind", "starts_at", "ends_at", "note"
        ):  # fmt: skip
            day = timezone.localdate(a["starts_at"], government.zone)
            self.acting[(a["position_id"], a["user_id"], a["kind"], day)] = a


def make_plan(government, sheets: dict[str, list[Row]], *, scope: set[int] | None) -> Plan:
    """Check the workbook's rows and compute their changes. `scope` is the set of agency ids an
    agency administrator may change (None: the whole government)."""
    plan = Plan(counts={title: defaultdict(int) for title in SHEETS})
    db = _Db(government)
    zone = government.zone
    now = timezone.now()

    # --- Perangkat Daerah ----------------------------------------------------------------------
    agencies = {}  # code → desired values
    not_theirs = set()  # codes an agency administrator may not import
    short_names = {}
    for row in sheets[AGENCY_SHEET]:
        code, short = row["Kode"], row["Nama Singkat"]
        if not code:
            plan.problem(AGENCY_SHEET, row.number, _("The agency code is empty."))
            continue
        if code in agencies:
            plan.problem(AGENCY_SHEET, row.number, _("Agency code %(code)s appears twice.")
                         % {"code": code})  # fmt: skip
            continue
        existing = db.agencies.get(code)
        if scope is not None and (existing is None or existing.pk not in scope):
            not_theirs.add(code)
            plan.problem(AGENCY_SHEET, row.number,
                         _("You may import only the agencies you administer; %(code)s is not "
                           "one of them.") % {"code": code})  # fmt: skip
            continue
        kind = AGENCY_KINDS.get(row["Jenis"].lower() or "lainnya")
        if kind is None:
            plan.problem(AGENCY_SHEET, row.number,
                         _("Unknown agency kind “%(kind)s”; use one of: %(kinds)s.")
                         % {"kind": row["Jenis"], "kinds": ", ".join(AGENCY_KINDS)})  # fmt: skip
            continue
        if not row["Nama"] or not short:
            plan.problem(AGENCY_SHEET, row.number, _("The name and the short name are required."))
            continue
        if row["E-mail"] and not _email_ok(row["E-mail"]):
            plan.problem(AGENCY_SHEET, row.number, _("“%(value)s” is not an e-mail address.")
                         % {"value": row["E-mail"]})  # fmt: skip
            continue
        if short in short_names:
            plan.problem(AGENCY_SHEET, row.number, _("Short name %(name)s appears twice.")
                         % {"name": short})  # fmt: skip
            continue
        limits = [("Kode", 40), ("Nama", 200), ("Nama Singkat", 40), ("Alamat", 300),
                  ("Telepon", 40), ("Situs Web", 200)]  # fmt: skip
        if any(_too_long(plan, AGENCY_SHEET, row, h, row[h], n) for h, n in limits):
            continue
        short_names[short] = code
        agencies[code] = {"name": row["Nama"], "short_name": short, "kind": kind,
                          "address": row["Alamat"], "email": row["E-mail"],
                          "phone": row["Telepon"], "website": row["Situs Web"]}  # fmt: skip
    for existing in db.agencies.values():
        if existing.short_name in short_names and short_names[existing.short_name] != (
            existing.unit_code
        ):
            plan.problem(AGENCY_SHEET, None,
                         _("Short name %(name)s is already used by agency %(code)s.")
                         % {"name": existing.short_name, "code": existing.unit_code})  # fmt: skip
    agency_new, agency_changed = [], []
    for code, values in agencies.items():
        existing = db.agencies.get(code)
        if existing is None:
            agency_new.append((code, values))
            plan.count(AGENCY_SHEET, "new")
        elif any(getattr(existing, k) != v for k, v in values.items()):
            agency_changed.append((existing, values))
            plan.count(AGENCY_SHEET, "changed")
        else:
            plan.count(AGENCY_SHEET, "unchanged")

    def agency_ok(sheet, row, code) -> bool:
        if code in not_theirs or (scope is not None and code in db.agencies
                                  and db.agencies[code].pk not in scope):  # fmt: skip
            plan.problem(sheet, row.number,
                         _("You may import only the agencies you administer; %(code)s is not "
                           "one of them.") % {"code": code})  # fmt: skip
            return False
        if code not in agencies:
            plan.problem(sheet, row.number,
                         _("Unknown agency code %(code)s (not on sheet “Perangkat Daerah”).")
                         % {"code": code or "—"})  # fmt: skip
            return False
        return True

    # --- Unit ----------------------------------------------------------------------------------
    units = {}  # (agency code, key) → {"name", "parent", "row"}
    for row in sheets[UNIT_SHEET]:
        code, key = row["Kode Perangkat Daerah"], row["Kode Unit"]
        if not agency_ok(UNIT_SHEET, row, code):
            continue
        if not key or not row["Nama Unit"]:
            plan.problem(UNIT_SHEET, row.number, _("The unit code and name are required."))
            continue
        if (code, key) in units:
            plan.problem(UNIT_SHEET, row.number, _("Unit code %(code)s appears twice in agency "
                         "%(agency)s.") % {"code": key, "agency": code})  # fmt: skip
            continue
        if _too_long(plan, UNIT_SHEET, row, "Kode Unit", key, 40) or _too_long(
            plan, UNIT_SHEET, row, "Nama Unit", row["Nama Unit"], 200
        ):
            continue
        units[(code, key)] = {"name": row["Nama Unit"], "parent": row["Kode Unit Induk"],
                              "row": row.number}  # fmt: skip
    for (code, _key), u in list(units.items()):
        if u["parent"] and (code, u["parent"]) not in units:
            plan.problem(UNIT_SHEET, u["row"], _("Unknown parent unit %(code)s in agency "
                         "%(agency)s.") % {"code": u["parent"], "agency": code})  # fmt: skip
            u["parent"] = ""
    for node in sorted(_cycle({k: (k[0], u["parent"]) if u["parent"] else None
                               for k, u in units.items()}), key=lambda k: units[k]["row"]):  # fmt: skip
        plan.problem(UNIT_SHEET, units[node]["row"],
                     _("Unit %(code)s is its own parent, through its parent units.")
                     % {"code": node[1]})  # fmt: skip
        units[node]["parent"] = ""

    # --- Pegawai -------------------------------------------------------------------------------
    employees = {}  # nip → values
    for row in sheets[EMPLOYEE_SHEET]:
        nip = row["NIP"].replace(" ", "")
        try:
            nip_validator(nip)
        except ValidationError:
            plan.problem(
                EMPLOYEE_SHEET,
                row.number,
                _("NIP “%(nip)s” is not 18 digits.") % {"nip": row["NIP"]},
            )
            continue
        if nip in employees:
            plan.problem(EMPLOYEE_SHEET, row.number, _("NIP %(nip)s appears twice.")
                         % {"nip": nip})  # fmt: skip
            continue
        if not row["Nama Lengkap"]:
            plan.problem(EMPLOYEE_SHEET, row.number, _("The full name is required."))
            continue
        if row["E-mail"] and not _email_ok(row["E-mail"]):
            plan.problem(EMPLOYEE_SHEET, row.number, _("“%(value)s” is not an e-mail address.")
                         % {"value": row["E-mail"]})  # fmt: skip
            continue
        if _too_long(plan, EMPLOYEE_SHEET, row, "Nama Lengkap", row["Nama Lengkap"], 200) or (
            _too_long(plan, EMPLOYEE_SHEET, row, "Telepon", row["Telepon"], 40)
        ):
            continue
        employees[nip] = {"full_name": row["Nama Lengkap"], "email": row["E-mail"],
                          "phone": row["Telepon"], "row": row.number}  # fmt: skip
    new_nips = [nip for nip in employees if nip not in db.users]
    elsewhere = set(User.objects.filter(nip__in=new_nips).values_list("nip", flat=True))
    taken = set(User.objects.filter(username__in=new_nips).values_list("username", flat=True))
    for nip in new_nips:
        if nip in elsewhere or nip in taken:
            plan.problem(EMPLOYEE_SHEET, employees.pop(nip)["row"],
                         _("NIP %(nip)s is already used by an account outside this government.")
                         % {"nip": nip})  # fmt: skip
    if scope is not None:  # an agency admin may not change people placed in other agencies
        placed = defaultdict(set)
        for p in db.position_by_id.values():
            if p["holder_id"]:
                placed[p["holder_id"]].add(p["agency_id"])
        for nip, e in list(employees.items()):
            user = db.users.get(nip)
            if user and placed[user["id"]] - scope and _user_changes(user, e):
                plan.problem(EMPLOYEE_SHEET, e["row"],
                             _("NIP %(nip)s works in an agency you do not administer; its "
                               "administrator must change this employee.") % {"nip": nip})  # fmt: skip
                employees.pop(nip)
    user_new, user_changed = [], []
    for nip, e in employees.items():
        user = db.users.get(nip)
        if user is None:
            user_new.append((nip, e))
            plan.count(EMPLOYEE_SHEET, "new")
        elif _user_changes(user, e):
            user_changed.append((user["id"], e))
            plan.count(EMPLOYEE_SHEET, "changed")
        else:
            plan.count(EMPLOYEE_SHEET, "unchanged")

    def person_ok(sheet, row, nip) -> bool:
        if nip not in employees and nip not in db.users:
            plan.problem(
                sheet,
                row.number,
                _("Unknown NIP %(nip)s (not on sheet “Pegawai”).") % {"nip": nip or "—"},
            )
            return False
        return True

    # --- Jabatan -------------------------------------------------------------------------------
    positions = {}  # key → desired values
    heads = {}
    for row in sheets[POSITION_SHEET]:
        code, key = row["Kode Perangkat Daerah"], row["Kode Jabatan"]
        if not agency_ok(POSITION_SHEET, row, code):
            continue
        if not key or not row["Nama Jabatan"]:
            plan.problem(POSITION_SHEET, row.number, _("The position code and title are required."))
            continue
        if key in positions:
            plan.problem(POSITION_SHEET, row.number, _("Position code %(code)s appears twice.")
                         % {"code": key})  # fmt: skip
            continue
        if _too_long(plan, POSITION_SHEET, row, "Kode Jabatan", key, 60) or _too_long(
            plan, POSITION_SHEET, row, "Nama Jabatan", row["Nama Jabatan"], 200
        ):
            continue
        unit = row["Kode Unit"]
        if unit and (code, unit) not in units:
            plan.problem(POSITION_SHEET, row.number, _("Unknown unit %(unit)s in agency "
                         "%(agency)s.") % {"unit": unit, "agency": code})  # fmt: skip
            continue
        head, sign = _yes(row["Kepala"]), _yes(row["Penandatangan"])
        if head is None or sign is None:
            plan.problem(POSITION_SHEET, row.number, _("“Kepala” and “Penandatangan” take Ya or "
                         "Tidak."))  # fmt: skip
            continue
        existing = db.positions.get(key)
        if existing and db.agencies.get(code) and existing["agency_id"] != db.agencies[code].pk:
            plan.problem(POSITION_SHEET, row.number, _("Position %(code)s belongs to another "
                         "agency; give the new post a new code.") % {"code": key})  # fmt: skip
            continue
        if head and code in heads:
            plan.problem(POSITION_SHEET, row.number, _("Agency %(agency)s has two heads (also "
                         "row %(row)s).") % {"agency": code, "row": heads[code]})  # fmt: skip
            continue
        if head:
            heads[code] = row.number
        positions[key] = {"agency": code, "unit": unit, "title": row["Nama Jabatan"],
                          "superior": row["Kode Jabatan Atasan"], "is_head": head,
                          "can_sign": sign, "row": row.number}  # fmt: skip
    for p in positions.values():
        sup = p["superior"]
        if sup and sup not in positions and (sup not in db.positions
                                             or db.positions[sup]["id"] in db.closed):  # fmt: skip
            plan.problem(POSITION_SHEET, p["row"], _("Unknown superior position %(code)s.")
                         % {"code": sup})  # fmt: skip
            p["superior"] = ""
    edges = {}
    for key, p in positions.items():
        edges[key] = p["superior"] or None
    # A superior outside the file keeps its own superior from the database.
    for key, p in db.positions.items():
        if key not in positions and key not in edges:
            sup = db.position_by_id.get(p["superior_id"])
            edges[key] = sup["key"] if sup else None
    for key in sorted(_cycle(edges) & set(positions), key=lambda k: positions[k]["row"]):
        plan.problem(POSITION_SHEET, positions[key]["row"],
                     _("Position %(code)s is its own superior, through its superiors.")
                     % {"code": key})  # fmt: skip
        positions[key]["superior"] = ""

    # --- Penempatan ----------------------------------------------------------------------------
    holders = {}  # position key → nip
    held_at = {}
    for row in sheets[PLACEMENT_SHEET]:
        nip, key = row["NIP"].replace(" ", ""), row["Kode Jabatan"]
        if not person_ok(PLACEMENT_SHEET, row, nip):
            continue
        if key not in positions:
            plan.problem(PLACEMENT_SHEET, row.number, _("Unknown position %(code)s (not on sheet "
                         "“Jabatan”).") % {"code": key or "—"})  # fmt: skip
            continue
        if key in holders:
            plan.problem(PLACEMENT_SHEET, row.number, _("Position %(code)s is held twice (also "
                         "row %(row)s).") % {"code": key, "row": held_at[key]})  # fmt: skip
            continue
        holders[key], held_at[key] = nip, row.number

    # --- Peran ---------------------------------------------------------------------------------
    roles = {}  # (nip, kind, agency code) → row
    for row in sheets[ROLE_SHEET]:
        nip, kind, code = row["NIP"].replace(" ", ""), ROLES.get(row["Peran"].lower()), row[
            "Kode Perangkat Daerah"]  # fmt: skip
        if not person_ok(ROLE_SHEET, row, nip):
            continue
        if kind is None:
            plan.problem(ROLE_SHEET, row.number, _("Unknown role “%(role)s”; use one of: "
                         "%(roles)s.") % {"role": row["Peran"], "roles": ", ".join(ROLES)})  # fmt: skip
            continue
        if kind in Role.CITY_KINDS:  # a government administrator, the leadership: no agency
            if scope is not None:
                plan.problem(ROLE_SHEET, row.number, _("Only a government administrator may "
                             "grant a role over the whole city."))  # fmt: skip
                continue
            code = ""
        elif not agency_ok(ROLE_SHEET, row, code):
            continue
        if (nip, kind, code) in roles:
            plan.problem(ROLE_SHEET, row.number, _("This role appears twice."))
            continue
        roles[(nip, kind, code)] = row.number

    # --- Plt-Plh -------------------------------------------------------------------------------
    acting = {}  # (position key, nip, kind, starts date) → values
    for row in sheets[ACTING_SHEET]:
        key, nip, kind = row["Kode Jabatan"], row["NIP"].replace(" ", ""), row["Jenis"].lower()
        if key not in positions:
            plan.problem(ACTING_SHEET, row.number, _("Unknown position %(code)s (not on sheet "
                         "“Jabatan”).") % {"code": key or "—"})  # fmt: skip
            continue
        if not person_ok(ACTING_SHEET, row, nip):
            continue
        if kind not in ACTING:
            plan.problem(ACTING_SHEET, row.number, _("Unknown kind “%(kind)s”; use plt, plh or "
                         "pj.") % {"kind": row["Jenis"]})  # fmt: skip
            continue
        starts, ends = _date(row["Mulai"]), _date(row["Selesai"]) if row["Selesai"] else None
        if starts is None or (row["Selesai"] and ends is None):
            plan.problem(ACTING_SHEET, row.number, _("Write the dates as YYYY-MM-DD."))
            continue
        if ends is not None and ends < starts:
            plan.problem(ACTING_SHEET, row.number, _("The end date is before the start date."))
            continue
        if (key, nip, kind, starts) in acting:
            plan.problem(ACTING_SHEET, row.number, _("This appointment appears twice."))
            continue
        acting[(key, nip, kind, starts)] = {"ends": ends, "note": row["Keterangan"][:200]}

    if plan.problem_total:
        return plan

    # --- What would change ---------------------------------------------------------------------
    scope_ids = {db.agencies[c].pk for c in agencies if c in db.agencies}
    unit_new, unit_changed = [], []
    for (code, key), u in units.items():
        agency = db.agencies.get(code)
        existing = db.units.get((agency.pk, key)) if agency else None
        if existing is None:
            unit_new.append((code, key, u))
            plan.count(UNIT_SHEET, "new")
            continue
        parent = db.unit_by_id.get(existing["parent_id"])
        parent_key = (parent["short_code"] or str(parent["code"])) if parent else ""
        if existing["name"] != u["name"] or parent_key != u["parent"]:
            unit_changed.append((existing["id"], code, u))
            plan.count(UNIT_SHEET, "changed")
        else:
            plan.count(UNIT_SHEET, "unchanged")

    pos_new, pos_changed, pos_closed = [], [], []
    for key, p in positions.items():
        existing = db.positions.get(key)
        if existing is None:
            pos_new.append(key)
            plan.count(POSITION_SHEET, "new")
            continue
        unit = db.unit_by_id.get(existing["unit_id"])
        unit_key = (unit["short_code"] or str(unit["code"])) if unit else ""
        sup = db.position_by_id.get(existing["superior_id"])
        differs = (existing["title"] != p["title"] or existing["is_head"] != p["is_head"]
                   or existing["can_sign"] != p["can_sign"] or unit_key != p["unit"]
                   or (sup["key"] if sup else "") != p["superior"]
                   or existing["id"] in db.closed)  # fmt: skip
        if differs:
            pos_changed.append(key)
            plan.count(POSITION_SHEET, "changed")
        else:
            plan.count(POSITION_SHEET, "unchanged")
    listed = {db.positions[k]["id"] for k in positions if k in db.positions}
    for p in db.position_by_id.values():
        if p["agency_id"] in scope_ids and p["id"] not in listed and p["id"] not in db.closed:
            pos_closed.append(p["id"])
            plan.count(POSITION_SHEET, "closed")

    for key in positions:
        existing = db.positions.get(key)
        current = db.user_by_id.get(existing["holder_id"]) if existing else None
        current_nip = current["nip"] if current else None
        wanted = holders.get(key)
        if existing and current is None and existing["holder_id"] and wanted is None:
            continue  # a holder without NIP cannot be in the workbook: left as is
        if wanted == current_nip:
            if wanted:
                plan.count(PLACEMENT_SHEET, "unchanged")
        elif wanted is None:
            plan.count(PLACEMENT_SHEET, "closed")
        elif current_nip is None:
            plan.count(PLACEMENT_SHEET, "new")
        else:
            plan.count(PLACEMENT_SHEET, "changed")

    role_new, role_closed = [], []
    wanted_roles = set()
    for nip, kind, code in roles:
        user = db.users.get(nip)
        agency = db.agencies.get(code) if code else None
        triple = (user["id"] if user else None, kind, agency.pk if agency else None)
        if user and (code == "" or agency) and triple in db.roles:
            wanted_roles.add(triple)
            plan.count(ROLE_SHEET, "unchanged")
        else:
            role_new.append((nip, kind, code))
            plan.count(ROLE_SHEET, "new")
    for triple in db.roles:
        user_id, kind, agency_id = triple
        if (
            agency_id in scope_ids
            and kind not in Role.CITY_KINDS
            and (
                triple not in wanted_roles and user_id in db.user_by_id  # people without NIP stay
            )
        ):
            role_closed.append(triple)
            plan.count(ROLE_SHEET, "closed")

    def local_start(day):
        return datetime.datetime.combine(day, datetime.time(), zone)

    act_new, act_changed, act_closed = [], [], []
    matched = set()
    for (key, nip, kind, starts), a in acting.items():
        position, user = db.positions.get(key), db.users.get(nip)
        ends_at = local_start(a["ends"] + datetime.timedelta(days=1)) if a["ends"] else None
        found = None
        if position and user:
            found = db.acting.get((position["id"], user["id"], kind, starts))
        if found is None:
            act_new.append((key, nip, kind, local_start(starts), ends_at, a["note"]))
            plan.count(ACTING_SHEET, "new")
            continue
        matched.add(found["id"])
        if end_day(found["ends_at"], zone) != a["ends"] or found["note"] != a["note"]:
            act_changed.append((found["id"], ends_at, a["note"]))
            plan.count(ACTING_SHEET, "changed")
        else:
            plan.count(ACTING_SHEET, "unchanged")
    for a in db.acting.values():
        position = db.position_by_id.get(a["position_id"])
        if (position and position["agency_id"] in scope_ids and a["id"] not in matched
                and a["user_id"] in db.user_by_id
                and (a["ends_at"] is None or a["ends_at"] > now)):  # fmt: skip
            act_closed.append(a["id"])
            plan.count(ACTING_SHEET, "closed")

    plan.work = {
        "db": db, "agencies": agencies, "agency_new": agency_new, "agency_changed": agency_changed,
        "units": units, "unit_new": unit_new, "unit_changed": unit_changed,
        "employees": employees, "user_new": user_new, "user_changed": user_changed,
        "positions": positions, "pos_new": pos_new, "pos_changed": pos_changed,
        "pos_closed": pos_closed, "holders": holders, "role_new": role_new,
        "role_closed": role_closed, "act_new": act_new, "act_changed": act_changed,
        "act_closed": act_closed,
    }  # fmt: skip
    return plan


def end_day(ends_at, zone) -> datetime.date | None:
    """The last day of an appointment, as the workbook writes it (inclusive)."""
    if ends_at is None:
        return None
    return timezone.localdate(ends_at - datetime.timedelta(seconds=1), zone)


def _user_changes(user: dict, e: dict) -> bool:
    return any(user[k] != e[k] for k in ("full_name", "email", "phone"))


BATCH = 1000


def apply_plan(plan: Plan, *, government, source) -> list[User]:
    """Write the plan, in the caller's transaction. Returns the employees created (each with an
    Invitation row of `source`). Assumes make_plan found no problem."""
    w, db, now = plan.work, plan.work["db"], timezone.now()

    # Agencies: a new one starts "not started", so letters to it go by e-mail or on paper.
    agency_by_code = dict(db.agencies)
    for code, values in w["agency_new"]:
        agency = Agency.objects.create(government=government, unit_code=code, is_onboarded=False,
                                       **values)  # fmt: skip
        AgencyOnboarding.objects.create(agency=agency, state=AgencyOnboarding.State.NOT_STARTED,
                                        changed_at=now)  # fmt: skip
        agency_by_code[code] = agency
    for agency, values in w["agency_changed"]:
        for k, v in values.items():
            setattr(agency, k, v)
        agency.save(update_fields=list(values))

    # Units: created without parent, then every parent set.
    unit_ids = {(a, k): u["id"] for (a, k), u in db.units.items()}
    created = [Unit(agency=agency_by_code[code], name=u["name"], short_code=key)
               for code, key, u in w["unit_new"]]  # fmt: skip
    Unit.objects.bulk_create(created, batch_size=BATCH)
    for unit in created:
        unit_ids[(unit.agency_id, unit.short_code)] = unit.pk
    changed = {}
    for (code, key), u in w["units"].items():
        agency_id = agency_by_code[code].pk
        uid = unit_ids[(agency_id, key)]
        parent_id = unit_ids[(agency_id, u["parent"])] if u["parent"] else None
        old = db.unit_by_id.get(uid) or {"name": u["name"], "parent_id": None}
        changed[uid] = {f: v for f, v in (("name", u["name"]), ("parent_id", parent_id))
                        if old[f] != v}  # fmt: skip
    _update_grouped(Unit, changed)

    # Employees: an unusable password, and an invitation to choose one.
    unusable = make_password(None)
    new_users = [User(username=nip, nip=nip, government=government, full_name=e["full_name"],
                      email=e["email"], phone=e["phone"], password=unusable)
                 for nip, e in w["user_new"]]  # fmt: skip
    User.objects.bulk_create(new_users, batch_size=BATCH)
    if not all(u.pk for u in new_users):  # databases that return no ids on bulk insert
        ids = dict(User.objects.filter(nip__in=[u.nip for u in new_users])
                   .values_list("nip", "id"))  # fmt: skip
        for u in new_users:
            u.pk = u.id = ids[u.nip]
    Invitation.objects.bulk_create([Invitation(user=u, source=source) for u in new_users
                                    if u.email], batch_size=BATCH)  # fmt: skip
    _update_grouped(User, {uid: {k: e[k] for k in ("full_name", "email", "phone")}
                           for uid, e in w["user_changed"]})  # fmt: skip
    user_ids = {nip: u["id"] for nip, u in db.users.items()}
    user_ids.update({u.nip: u.pk for u in new_users})

    # Positions. One head per agency is a constraint checked row by row: the heads that go are
    # dropped first, then new posts are created with their fields, then superiors are set.
    position_ids = {k: p["id"] for k, p in db.positions.items()}

    def wanted(key, p) -> dict:
        agency_id = agency_by_code[p["agency"]].pk
        holder = w["holders"].get(key)
        old = db.position_by_id.get(position_ids.get(key))
        kept = old["holder_id"] if old and old["holder_id"] not in db.user_by_id else None
        return {"title": p["title"], "is_head": p["is_head"], "can_sign": p["can_sign"],
                "unit_id": unit_ids[(agency_id, p["unit"])] if p["unit"] else None,
                "holder_id": user_ids[holder] if holder else kept}  # fmt: skip

    changes = {}  # position id → fields to set
    for key, p in w["positions"].items():
        old = db.position_by_id.get(position_ids.get(key))
        if old is not None:
            values = wanted(key, p)
            changes[old["id"]] = {f: v for f, v in values.items() if old[f] != v}
    for pid in w["pos_closed"]:
        changes[pid] = {"holder_id": None, "is_head": False, "can_sign": False}
    dropped = [pid for pid, c in changes.items() if c.get("is_head") is False]
    Position.objects.filter(pk__in=dropped, is_head=True).update(is_head=False)
    fresh = [Position(agency=agency_by_code[w["positions"][k]["agency"]], code=uuid.uuid4(),
                      **wanted(k, w["positions"][k])) for k in w["pos_new"]]  # fmt: skip
    Position.objects.bulk_create(fresh, batch_size=BATCH)
    if not all(p.pk for p in fresh):
        ids = dict(Position.objects.filter(code__in=[p.code for p in fresh])
                   .values_list("code", "id"))  # fmt: skip
        for p in fresh:
            p.pk = p.id = ids[p.code]
    for key, p in zip(w["pos_new"], fresh, strict=True):
        position_ids[key] = p.pk
    # Positions found by their UUID keep it as their code; new ones get the file's.
    PositionKey.objects.bulk_create([
        PositionKey(government=government, position_id=position_ids[k], key=k)
        for k in w["pos_new"]
    ], batch_size=BATCH)  # fmt: skip
    reopened = [position_ids[k] for k in w["pos_changed"] if position_ids[k] in db.closed]
    PositionKey.objects.filter(position_id__in=reopened).update(closed_at=None)
    PositionKey.objects.filter(position_id__in=w["pos_closed"]).update(closed_at=now)
    for key, p in w["positions"].items():
        pid = position_ids[key]
        superior = position_ids[p["superior"]] if p["superior"] else None
        old = db.position_by_id.get(pid)
        if (old["superior_id"] if old else None) != superior:
            changes.setdefault(pid, {})["superior_id"] = superior
    _update_grouped(Position, changes)

    # Roles.
    Role.objects.bulk_create([
        Role(user_id=user_ids[nip], kind=kind, agency=agency_by_code[code] if code else None)
        for nip, kind, code in w["role_new"]
    ], batch_size=BATCH)  # fmt: skip
    for user_id, kind, agency_id in w["role_closed"]:
        Role.objects.filter(user_id=user_id, kind=kind, agency_id=agency_id).delete()

    # Acting appointments; those left out and still running end now.
    Assignment.objects.bulk_create([
        Assignment(position_id=position_ids[key], user_id=user_ids[nip], kind=kind,
                   starts_at=starts, ends_at=ends, note=note)
        for key, nip, kind, starts, ends, note in w["act_new"]
    ], batch_size=BATCH)  # fmt: skip
    for pk, ends, note in w["act_changed"]:
        Assignment.objects.filter(pk=pk).update(ends_at=ends, note=note)
    for a in db.acting.values():
        if a["id"] in w["act_closed"]:
            end = max(now, a["starts_at"] + datetime.timedelta(seconds=1))
            Assignment.objects.filter(pk=a["id"]).update(ends_at=end)
    return new_users


def _update_grouped(model, changes: dict[int, dict]) -> None:
    """Set each row's changed fields: one UPDATE per distinct set of values (many positions
    share a superior), far cheaper than bulk_update's CASE per row on thousands of rows."""
    groups = defaultdict(list)
    for pk, values in changes.items():
        if values:
            groups[tuple(sorted(values.items()))].append(pk)
    for values, pks in groups.items():
        for i in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[i : i + BATCH]).update(**dict(values))
