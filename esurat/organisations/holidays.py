"""The national calendar shipped with e-Surat: data/holidays.csv, read into every government.

National holidays and cuti bersama are the same for every government; each government holds its
own rows (esurat.organisations.models.Holiday) so that its admin can add local holidays beside
them and correct a provisional date when the year's SKB is published.
"""

import csv
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CALENDAR = Path(__file__).parent / "data" / "holidays.csv"


@dataclass(frozen=True)
class NationalDay:
    date: datetime.date
    name: str
    kind: str  # Holiday.Kind: national or collective_leave
    status: str  # skb, fixed, computed or provisional (see the file's header)


@cache
def national_calendar() -> tuple[NationalDay, ...]:
    """Every row of data/holidays.csv, in date order."""
    with CALENDAR.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        days = [
            NationalDay(datetime.date.fromisoformat(r["date"]), r["name"], r["kind"], r["status"])
            for r in rows
        ]
    return tuple(sorted(days, key=lambda d: d.date))


def add_national_days(government, holiday_model=None) -> int:
    """Create the government's rows for the national days it lacks. Returns how many.

    Idempotent: a date the government already has (a national day loaded before, or a local
    holiday the admin entered) is left as it is. Callers that act for a person use
    esurat.organisations.actions.do_load_national_holidays, which also records the event.
    """
    if holiday_model is None:
        from esurat.organisations.models import Holiday as holiday_model
    have = set(holiday_model.objects.filter(government=government).values_list("date", flat=True))
    rows = [
        holiday_model(government=government, date=d.date, name=d.name, kind=d.kind)
        for d in national_calendar()
        if d.date not in have
    ]
    holiday_model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
