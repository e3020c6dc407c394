"""Changes to a government's organisation made by its administrator, each with its audit event."""

import datetime

from django.db import transaction

from esurat.audit.actions import Actor, record_event
from esurat.organisations.holidays import add_national_days, national_calendar
from esurat.organisations.models import Government, Holiday

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
