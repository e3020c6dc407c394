"""The working-day calendar: the shipped national holidays and cuti bersama, loaded into every
government idempotently, and the city's own holidays maintained in the admin with audit events."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.lib.workdays import add_working_days, holidays_between, is_working_day
from esurat.organisations.holidays import national_calendar
from esurat.organisations.models import Government, Holiday

D = datetime.date


def test_it_ships_2027_and_2028_with_every_fixed_holiday():
    days = national_calendar()
    assert len({d.date for d in days}) == len(days)  # one row a date
    assert {d.kind for d in days} == {"national", "collective_leave"}
    assert {d.status for d in days} == {"skb", "fixed", "computed", "provisional"}
    dates = {d.date for d in days}
    for year in (2026, 2027, 2028):
        for month, day in ((1, 1), (5, 1), (6, 1), (8, 17), (12, 25)):
            assert D(year, month, day) in dates, (year, month, day)
        in_year = [d for d in days if d.date.year == year]
        assert sum(d.kind == "national" for d in in_year) >= 15
        assert any(d.kind == "collective_leave" for d in in_year)
        assert sum("Idulfitri" in d.name and d.kind == "national" for d in in_year) == 2
    # Easter-based dates are certain, Islamic ones are estimates until the SKB.
    by_date = {d.date: d for d in days}
    assert by_date[D(2027, 3, 26)].status == "computed"  # Wafat Yesus Kristus
    assert by_date[D(2027, 3, 10)].status == "provisional"  # Idulfitri 1448 H


@pytest.mark.django_db
def test_it_makes_1_january_2027_a_holiday(city):
    government = city.government
    assert not is_working_day(D(2027, 1, 1), holidays_between(government, D(2027, 1, 1),
                                                              D(2027, 1, 1)))  # fmt: skip
    # Thursday 31 December 2026 + 1 working day: Friday 1 January is skipped, then the weekend.
    assert add_working_days(government, D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert add_working_days(government, D(2027, 1, 1), 0) == D(2027, 1, 4)
    # Idulfitri 1448 H and its cuti bersama (provisional) and Nyepi before it.
    assert add_working_days(government, D(2027, 3, 8), 1) == D(2027, 3, 17)


@pytest.mark.django_db
def test_it_loads_the_national_calendar_once(city):
    government = Government.objects.create(name="Pemerintah Kabupaten Hulu Raya",
                                           short_name="Kab. Hulu Raya")  # fmt: skip
    local = Holiday.objects.create(government=government, date=D(2027, 8, 17), kind="local",
                                   name="Hari Jadi Kabupaten (entered by the admin)")  # fmt: skip
    out = io.StringIO()
    call_command("load_holidays", stdout=out)
    expected = len(national_calendar()) - 1  # all but the date the admin holds already
    assert f"Pemerintah Kabupaten Hulu Raya: {expected} added." in out.getvalue()
    assert f"{city.government.name}: 0 added." in out.getvalue()  # the demo city has them
    assert Holiday.objects.filter(government=government).count() == expected + 1
    local.refresh_from_db()
    assert local.kind == "local" and local.name.startswith("Hari Jadi")
    event = AuditEvent.objects.get(government=government, action="holiday.national_loaded")
    assert event.data == {"added": expected, "years": [2026, 2027, 2028]}
    assert event.actor is None

    out = io.StringIO()
    call_command("load_holidays", stdout=out)  # again: nothing changes
    assert "Pemerintah Kabupaten Hulu Raya: 0 added." in out.getvalue()
    assert Holiday.objects.filter(government=government).count() == expected + 1
    assert AuditEvent.objects.filter(action="holiday.national_loaded").count() == 1
    assert verify_chain(government) == (True, None)


@pytest.fixture
def it_admin(client, city):
    client.force_login(city.users["admin"])
    return client


@pytest.mark.django_db
def test_it_adds_a_local_holiday_in_the_admin_with_an_audit_event(it_admin, city):
    government = city.government
    assert add_working_days(government, D(2027, 4, 5), 1) == D(2027, 4, 6)
    response = it_admin.post(reverse("admin:organisations_holiday_add"), {
        "government": government.pk, "date": "2027-04-06", "kind": "local",
        "name": "Hari Jadi Kota Banua Raya",
    })  # fmt: skip
    assert response.status_code == 302, response.content
    holiday = Holiday.objects.get(government=government, date=D(2027, 4, 6))
    assert (holiday.name, holiday.kind) == ("Hari Jadi Kota Banua Raya", "local")
    event = AuditEvent.objects.get(action="holiday.created")
    assert event.actor == city.users["admin"] and event.government == government
    assert event.data == {"date": "2027-04-06", "name": "Hari Jadi Kota Banua Raya",
                          "kind": "local"}  # fmt: skip
    # The calendar counts it at once.
    assert add_working_days(government, D(2027, 4, 5), 1) == D(2027, 4, 7)
    assert verify_chain(government) == (True, None)


@pytest.mark.django_db
def test_it_changes_a_provisional_date_in_the_admin_with_an_audit_event(it_admin, city):
    holiday = Holiday.objects.get(government=city.government, date=D(2027, 3, 10))
    response = it_admin.post(reverse("admin:organisations_holiday_change", args=[holiday.pk]), {
        "date": "2027-03-09", "kind": "national", "name": "Idulfitri 1448 Hijriah",
    })  # fmt: skip
    # 9 March holds Nyepi already: the database refuses a second holiday that day.
    assert response.status_code == 200
    assert "has a holiday on that date already: Hari Suci Nyepi" in response.text
    holiday.refresh_from_db()
    assert holiday.date == D(2027, 3, 10)
    assert not AuditEvent.objects.filter(action="holiday.changed").exists()

    response = it_admin.post(reverse("admin:organisations_holiday_change", args=[holiday.pk]), {
        "date": "2027-03-10", "kind": "national", "name": "Hari Raya Idulfitri 1448 H (SKB)",
    })  # fmt: skip
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.name == "Hari Raya Idulfitri 1448 H (SKB)"
    event = AuditEvent.objects.get(action="holiday.changed")
    assert event.data["before"]["name"] == "Idulfitri 1448 Hijriah"
    assert event.data["after"] == {"date": "2027-03-10", "kind": "national",
                                   "name": "Hari Raya Idulfitri 1448 H (SKB)"}  # fmt: skip


@pytest.mark.django_db
def test_it_deletes_holidays_in_the_admin_with_an_audit_event_each(it_admin, city):
    government = city.government
    one, two, three = Holiday.objects.filter(
        government=government, date__in=[D(2028, 3, 1), D(2028, 3, 2), D(2028, 3, 3)]
    )
    response = it_admin.post(reverse("admin:organisations_holiday_delete", args=[one.pk]),
                             {"post": "yes"})  # fmt: skip
    assert response.status_code == 302
    response = it_admin.post(reverse("admin:organisations_holiday_changelist"), {
        "action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes",
    })  # fmt: skip
    assert response.status_code == 302
    assert not Holiday.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()
    deleted = AuditEvent.objects.filter(action="holiday.deleted").order_by("seq")
    assert [e.data["date"] for e in deleted] == ["2028-03-01", "2028-03-02", "2028-03-03"]
    assert all(e.actor == city.users["admin"] for e in deleted)
    assert add_working_days(government, D(2028, 2, 29), 1) == D(2028, 3, 1)
    assert verify_chain(government) == (True, None)


@pytest.mark.django_db
def test_it_keeps_other_users_out_of_the_holiday_admin(client, city):
    count = Holiday.objects.count()
    response = client.post(reverse("admin:organisations_holiday_add"), {
        "government": city.government.pk, "date": "2027-04-06", "kind": "local", "name": "X",
    })  # fmt: skip
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(city.users["kadis.pupr"])
    response = client.post(reverse("admin:organisations_holiday_add"), {
        "government": city.government.pk, "date": "2027-04-06", "kind": "local", "name": "X",
    })  # fmt: skip
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Holiday.objects.count() == count
    assert not AuditEvent.objects.filter(action__startswith="holiday.").exists()
