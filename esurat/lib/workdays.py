"""Working days (hari kerja): Monday to Friday minus the government's holiday table.

The table (esurat.organisations.models.Holiday) holds national holidays, collective leave (cuti
bersama) and local holidays; the admin maintains it each year, so nothing here is hard-coded
beyond the weekend. Dates are calendar dates in the government's own zone.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from esurat.lib.dates import day_date_id

# Working days to the default due date of a disposition, by the letter's urgency.
DEFAULT_DUE_DAYS = {"sangat_segera": 1, "segera": 2, "biasa": 5}


def holidays_between(government, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    """The government's holidays from start to end inclusive, in one query."""
    from esurat.organisations.models import Holiday

    return set(
        Holiday.objects.filter(government=government, date__range=(start, end)).values_list(
            "date", flat=True
        )
    )


def is_working_day(date: datetime.date, holidays: set[datetime.date]) -> bool:
    return date.weekday() < 5 and date not in holidays


def add_working_days(government, start: datetime.date, n: int) -> datetime.date:
    """The date `n` working days after `start` (start itself is not counted).

    With n == 0 the answer is start when it is a working day, else the next working day. Holidays
    are read in windows of at least a month, so a long holiday or a year end costs one query more,
    not one per day.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    one_day = datetime.timedelta(days=1)
    span = datetime.timedelta(days=max(n * 2 + 14, 31))
    holidays: set[datetime.date] = set()
    loaded_to = start - one_day

    def working(day: datetime.date) -> bool:
        nonlocal holidays, loaded_to
        if day > loaded_to:
            holidays |= holidays_between(government, day, day + span)
            loaded_to = day + span
        return is_working_day(day, holidays)

    day = start
    if n == 0:
        while not working(day):
            day += one_day
        return day
    left = n
    while left:
        day += one_day
        if working(day):
            left -= 1
    return day


def due_days(urgency: str) -> int:
    """Working days allowed for a disposition of this urgency (settings.DISPOSITION_DUE_DAYS)."""
    table = {**DEFAULT_DUE_DAYS, **getattr(settings, "DISPOSITION_DUE_DAYS", {})}
    return int(table.get(urgency, table["biasa"]))


def default_due_date(government, urgency: str, *, today: datetime.date | None = None):
    """The default due date of a disposition given today (in the government's zone)."""
    return add_working_days(government, today or government.today(), due_days(urgency))


def non_working_reason(government, date: datetime.date) -> str | None:
    """Why the date is not a working day of the government (the weekend, or the holiday's name),
    or None when it is one. One query."""
    from esurat.organisations.models import Holiday

    holiday = Holiday.objects.filter(government=government, date=date).values_list(
        "name", flat=True
    )
    name = holiday.first()
    if name is not None:
        return name
    return _("weekend") if date.weekday() >= 5 else None


def check_working_day(government, date: datetime.date, *, field: str = "due_date") -> None:
    """Refuse a chosen date that is not a working day, naming the day, why, and the next working
    day to choose instead. Every explicit due date (screens and API) is checked here, so a date
    is never accepted silently on a Saturday or a holiday, nor moved without the user's say."""
    reason = non_working_reason(government, date)
    if reason is None:
        return
    suggestion = add_working_days(government, date, 0)
    raise ValidationError({field: ValidationError(
        _("%(day)s is not a working day (%(reason)s). Choose a working day: the next one is "
          "%(next)s.") % {"day": day_date_id(date), "reason": reason,
                          "next": day_date_id(suggestion)},
        code="not_working_day", params={"next_working_day": suggestion.isoformat()},
    )})  # fmt: skip
