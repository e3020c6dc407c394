"""Working days skip weekends and the government's holiday table (the shipped national calendar,
esurat/organisations/data/holidays.csv, loaded by the demo city)."""

import datetime

import pytest
from django.utils import timezone

from esurat.lib.workdays import add_working_days, default_due_date, due_days
from esurat.organisations.models import Government, Holiday

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize("start,n,expected", [
    (D(2026, 1, 9), 1, D(2026, 1, 12)),     # Friday → Monday
    (D(2026, 1, 10), 0, D(2026, 1, 12)),    # Saturday, zero days → the next working day
    (D(2026, 1, 12), 0, D(2026, 1, 12)),    # a working day itself
    (D(2026, 2, 2), 5, D(2026, 2, 9)),      # a full week
    (D(2026, 1, 12), 5, D(2026, 1, 20)),    # a week with Isra Mikraj in it
    (D(2026, 1, 15), 1, D(2026, 1, 19)),    # Isra Mikraj on Friday, then the weekend
    (D(2026, 2, 13), 1, D(2026, 2, 18)),    # cuti bersama Imlek (Mon 16) + Imlek (Tue 17)
    (D(2026, 3, 17), 1, D(2026, 3, 25)),    # Nyepi, Idulfitri and cuti bersama: 18–24 March
    (D(2026, 3, 16), 5, D(2026, 3, 30)),
    (D(2026, 5, 13), 2, D(2026, 5, 19)),    # Kenaikan (Thu 14) + cuti bersama (Fri 15)
    (D(2026, 12, 23), 2, D(2026, 12, 29)),  # cuti bersama 24, Christmas 25, weekend
])  # fmt: skip
def test_it_adds_working_days_across_weekends_and_holidays(city, start, n, expected):
    assert add_working_days(city.government, start, n) == expected


@pytest.mark.django_db
def test_it_crosses_the_year_end_with_next_years_table(city):
    # 1 January 2027 comes with the shipped calendar, not from the admin.
    assert Holiday.objects.get(government=city.government, date=D(2027, 1, 1)).kind == "national"
    assert add_working_days(city.government, D(2026, 12, 29), 3) == D(2027, 1, 4)
    assert add_working_days(city.government, D(2026, 12, 31), 1) == D(2027, 1, 4)


@pytest.mark.django_db
def test_it_reads_a_holiday_run_longer_than_its_window(city):
    start = D(2030, 6, 1)  # beyond the shipped calendar
    for i in range(1, 80):
        Holiday.objects.create(government=city.government, date=start + datetime.timedelta(days=i),
                               name="Libur panjang", kind="local")  # fmt: skip
    assert add_working_days(city.government, start, 1) == D(2030, 8, 20)  # Tuesday after the run


@pytest.mark.django_db
def test_it_ignores_another_governments_holidays(city):
    other = Government.objects.create(name="Kabupaten Lain", short_name="Lain")
    Holiday.objects.create(government=other, date=D(2026, 2, 5), name="Hari jadi")
    assert add_working_days(city.government, D(2026, 2, 4), 1) == D(2026, 2, 5)
    assert add_working_days(other, D(2026, 2, 4), 1) == D(2026, 2, 6)


@pytest.mark.django_db
def test_it_refuses_a_negative_count(city):
    with pytest.raises(ValueError):
        add_working_days(city.government, D(2026, 2, 4), -1)


def test_it_takes_due_days_from_settings(settings):
    assert (due_days("sangat_segera"), due_days("segera"), due_days("biasa")) == (1, 2, 5)
    settings.DISPOSITION_DUE_DAYS = {"biasa": 7}
    assert (due_days("segera"), due_days("biasa"), due_days("unknown")) == (2, 7, 7)


@pytest.mark.django_db
def test_it_counts_from_today_in_the_governments_zone(city, monkeypatch):
    # 17:00 UTC on Wednesday 4 February is already Thursday 01:00 in Asia/Makassar (WITA).
    now = datetime.datetime(2026, 2, 4, 17, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    gov = city.government
    assert gov.today() == D(2026, 2, 5)
    assert default_due_date(gov, "sangat_segera") == D(2026, 2, 6)
    assert default_due_date(gov, "segera") == D(2026, 2, 9)
    assert default_due_date(gov, "biasa") == D(2026, 2, 12)
    # Friday 13 March WITA: 5 working days reach into the Nyepi/Idulfitri break and beyond it.
    assert default_due_date(gov, "biasa", today=D(2026, 3, 13)) == D(2026, 3, 27)
