"""Changes to the organisation, made by the city IT administrator in the admin: the government,
its agencies and their units, positions and who holds them, acting officials and delegates.

Each do_* runs in one transaction with its audit event, which names the row and records each
changed field, old → new. A replaced or removed letterhead logo's file is deleted once the change
is committed (the signed PDFs carry their own copy; nothing else reads an old logo); a rolled-back
change keeps it.
"""

import datetime

from django.db import transaction

from esurat.audit.actions import Actor, delete_audited, record_event, save_audited
from esurat.organisations.holidays import add_national_days, national_calendar
from esurat.organisations.models import Agency, Assignment, Government, Holiday, Position, Unit

GOVERNMENT_FIELDS = ["name", "short_name", "time_zone", "address", "logo"]
AGENCY_FIELDS = ["government", "name", "short_name", "unit_code", "kind", "address", "email",
                 "website", "phone", "is_onboarded", "logo"]  # fmt: skip
UNIT_FIELDS = ["agency", "parent", "name", "short_code"]
POSITION_FIELDS = ["agency", "unit", "title", "superior", "holder", "is_head", "can_sign"]
ASSIGNMENT_FIELDS = ["position", "user", "kind", "starts_at", "ends_at", "note"]


def _logo_before(obj) -> str:
    if obj.pk is None:
        return ""
    return type(obj).objects.filter(pk=obj.pk).values_list("logo", flat=True).first() or ""


def _delete_logo_on_commit(obj, name: str) -> None:
    storage = obj.logo.storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def do_save_government(*, government: Government, user, ip_address=None) -> Government:
    """Create or change a government (name, time zone, emblem). Records `government.created` or
    `government.changed`; a replaced or removed emblem file is deleted once committed."""
    old_logo = _logo_before(government)
    save_audited(government, fields=GOVERNMENT_FIELDS, kind="government", government=government,
                 user=user, ip_address=ip_address)  # fmt: skip
    if old_logo and old_logo != government.logo.name:
        _delete_logo_on_commit(government, old_logo)
    return government


@transaction.atomic
def do_delete_government(*, government: Government, user, ip_address=None) -> None:
    """Delete a government that has no audit trail yet (the database protects one that has); its
    emblem file is deleted once committed. Nothing is recorded: there is no chain to record in."""
    name = government.logo.name
    government.delete()
    if name:
        _delete_logo_on_commit(government, name)


@transaction.atomic
def do_save_agency(*, agency: Agency, user, ip_address=None) -> Agency:
    """Create or change an agency (its names, code in letter numbers, contact, logo). Records
    `agency.created` or `agency.changed`; a replaced or removed logo file is deleted once
    committed."""
    old_logo = _logo_before(agency)
    save_audited(agency, fields=AGENCY_FIELDS, kind="agency", government=agency.government,
                 user=user, ip_address=ip_address)  # fmt: skip
    if old_logo and old_logo != agency.logo.name:
        _delete_logo_on_commit(agency, old_logo)
    return agency


@transaction.atomic
def do_delete_agency(*, agency: Agency, user, ip_address=None) -> None:
    """Delete an agency with its units and positions (refused by the database once letters or
    audit events refer to them). Records `agency.deleted`; its logo file is deleted once
    committed."""
    name = agency.logo.name
    delete_audited(agency, kind="agency", government=agency.government, user=user,
                   ip_address=ip_address)  # fmt: skip
    if name:
        _delete_logo_on_commit(agency, name)


@transaction.atomic
def do_save_unit(*, unit: Unit, user, ip_address=None) -> Unit:
    """Create or change a unit of an agency's tree. Records `unit.created` or `unit.changed`."""
    save_audited(unit, fields=UNIT_FIELDS, kind="unit", government=unit.agency.government,
                 user=user, ip_address=ip_address)  # fmt: skip
    return unit


@transaction.atomic
def do_delete_unit(*, unit: Unit, user, ip_address=None) -> None:
    """Delete a unit and its sub-units (positions stay, without a unit). Records `unit.deleted`."""
    delete_audited(unit, kind="unit", government=unit.agency.government, user=user,
                   ip_address=ip_address)  # fmt: skip


@transaction.atomic
def do_save_position(*, position: Position, user, ip_address=None) -> Position:
    """Create or change a position, including who holds it definitively. Records
    `position.created` or `position.changed` (a new holder as `holder`: old → new)."""
    save_audited(position, fields=POSITION_FIELDS, kind="position",
                 government=position.agency.government, user=user,
                 ip_address=ip_address)  # fmt: skip
    return position


@transaction.atomic
def do_delete_position(*, position: Position, user, ip_address=None) -> None:
    """Delete a position (refused by the database once letters refer to it). Records
    `position.deleted`."""
    delete_audited(position, kind="position", government=position.agency.government, user=user,
                   ip_address=ip_address)  # fmt: skip


@transaction.atomic
def do_save_assignment(*, assignment: Assignment, user, ip_address=None) -> Assignment:
    """Appoint or change an acting official (Plt/Plh/Pj) or a delegate of a position, from when
    until when. Records `assignment.created` or `assignment.changed`."""
    save_audited(assignment, fields=ASSIGNMENT_FIELDS, kind="assignment",
                 government=assignment.position.agency.government, user=user,
                 ip_address=ip_address)  # fmt: skip
    return assignment


@transaction.atomic
def do_delete_assignment(*, assignment: Assignment, user, ip_address=None) -> None:
    """Remove an acting official or delegate (to end one, set its end instead: the trail then
    says until when they acted). Records `assignment.deleted`."""
    delete_audited(assignment, kind="assignment",
                   government=assignment.position.agency.government, user=user,
                   ip_address=ip_address)  # fmt: skip


# --- holidays ---
# Holidays (hari libur): the national calendar and the city's own local holidays. The Django
# admin's HolidayAdmin and `manage.py load_holidays` call these; nothing else writes Holiday.


def _holiday_data(holiday: Holiday) -> dict:
    return {"date": holiday.date.isoformat(), "name": holiday.name, "kind": holiday.kind}


@transaction.atomic
def do_load_national_holidays(*, government: Government, user=None) -> int:
    """Add the shipped national holidays and cuti bersama (data/holidays.csv) that the
    government's calendar lacks. Idempotent: rows it has (local ones included) stay untouched.
    Records one event when anything was added. Returns how many rows were added."""
    added = add_national_days(government)
    if added:
        years = sorted({d.date.year for d in national_calendar()})
        record_event(
            government=government, actor=Actor(user) if user else None,
            action="holiday.national_loaded", data={"added": added, "years": years},
        )  # fmt: skip
    return added


@transaction.atomic
def do_create_holiday(
    *, government: Government, date: datetime.date, name: str, kind: str, user,
    ip_address: str | None = None,
) -> Holiday:  # fmt: skip
    """Add a non-working day to the government's calendar (typically a local holiday).

    The database refuses a second holiday on the same date (holiday_once_a_day)."""
    holiday = Holiday.objects.create(government=government, date=date, name=name.strip(),
                                     kind=kind)  # fmt: skip
    record_event(
        government=government, actor=Actor(user, ip_address=ip_address),
        action="holiday.created", data=_holiday_data(holiday),
    )  # fmt: skip
    return holiday


@transaction.atomic
def do_change_holiday(
    *, holiday: Holiday, date: datetime.date, name: str, kind: str, user,
    ip_address: str | None = None,
) -> Holiday:  # fmt: skip
    """Change a holiday's date, name or kind (e.g. a provisional date the SKB moved).

    The row is locked and re-read first; the event records the values before and after. A
    change that changes nothing records nothing."""
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    before = _holiday_data(holiday)
    holiday.date, holiday.name, holiday.kind = date, name.strip(), kind
    after = _holiday_data(holiday)
    if after == before:
        return holiday
    holiday.save(update_fields=["date", "name", "kind"])
    record_event(
        government=holiday.government, actor=Actor(user, ip_address=ip_address),
        action="holiday.changed", data={"before": before, "after": after},
    )  # fmt: skip
    return holiday


@transaction.atomic
def do_delete_holiday(*, holiday: Holiday, user, ip_address: str | None = None) -> None:
    """Remove a day from the government's calendar: it becomes a working day again (unless a
    weekend). Due dates already set are not moved."""
    holiday = Holiday.objects.select_for_update().select_related("government").get(pk=holiday.pk)
    data = _holiday_data(holiday)
    government = holiday.government
    holiday.delete()
    record_event(
        government=government, actor=Actor(user, ip_address=ip_address),
        action="holiday.deleted", data=data,
    )  # fmt: skip
