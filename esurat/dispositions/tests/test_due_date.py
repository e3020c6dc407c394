"""An explicit due date on a weekend or a holiday is refused, naming the day, why, and the next
working day (which the screen fills in for one tap), on the screen and through the API alike."""

import datetime

import pytest

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA
from esurat.dispositions.tests.test_dispose import dispose
from esurat.lib.dates import day_date_id
from esurat.lib.workdays import add_working_days
from esurat.organisations.models import Holiday


def next_weekday(after: datetime.date, weekday: int) -> datetime.date:
    return after + datetime.timedelta(days=(weekday - after.weekday()) % 7 or 7)


def a_local_holiday(government) -> Holiday:
    """A local holiday on a Wednesday that is a working day otherwise (a week from today)."""
    day = next_weekday(government.today(), 2)
    while Holiday.objects.filter(government=government, date__in=[day, day
                                 + datetime.timedelta(days=1)]).exists():  # fmt: skip
        day += datetime.timedelta(days=7)
    return Holiday.objects.create(government=government, date=day, kind="local",
                                  name="Hari Jadi Kota Banua Raya")  # fmt: skip


@pytest.mark.django_db
def test_it_refuses_a_saturday_and_offers_the_next_working_day(client, pupr, instructions):
    government = pupr.letter.government
    saturday = next_weekday(government.today(), 5)
    monday = add_working_days(government, saturday, 0)
    client.force_login(pupr.user("kadis.pupr"))
    response = dispose(client, pupr.letter, [pupr.position(BINA_MARGA)],
                       [instructions["Untuk ditindaklanjuti"]], due=saturday)  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    message = (f"{day_date_id(saturday)} is not a working day (weekend). Choose a working day: "
               f"the next one is {day_date_id(monday)}.")  # fmt: skip
    assert message in body
    assert f'name="due_date" id="id_due_date" value="{monday.isoformat()}"' in body
    assert not Disposition.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="disposition.").exists()

    # Sent again with the date offered: accepted.
    response = dispose(client, pupr.letter, [pupr.position(BINA_MARGA)],
                       [instructions["Untuk ditindaklanjuti"]], due=monday)  # fmt: skip
    assert response.status_code == 302
    assert Disposition.objects.get().due_date == monday
    event = AuditEvent.objects.get(action="disposition.sent")
    assert event.data["due_date"] == monday.isoformat()


@pytest.mark.django_db
def test_it_refuses_a_holiday_naming_it(client, pupr, instructions):
    government = pupr.letter.government
    holiday = a_local_holiday(government)
    client.force_login(pupr.user("kadis.pupr"))
    response = dispose(client, pupr.letter, [pupr.position(BINA_MARGA)],
                       [instructions["Untuk ditindaklanjuti"]], due=holiday.date)  # fmt: skip
    assert response.status_code == 200
    thursday = holiday.date + datetime.timedelta(days=1)
    assert (f"{day_date_id(holiday.date)} is not a working day (Hari Jadi Kota Banua Raya). "
            f"Choose a working day: the next one is {day_date_id(thursday)}."
            in response.content.decode())  # fmt: skip
    assert not Disposition.objects.exists()


@pytest.mark.django_db
@pytest.mark.indonesian
def test_it_says_so_in_indonesian(client, pupr, instructions):
    government = pupr.letter.government
    sunday = next_weekday(government.today(), 6)
    client.force_login(pupr.user("kadis.pupr"))
    response = dispose(client, pupr.letter, [pupr.position(BINA_MARGA)],
                       [instructions["Untuk ditindaklanjuti"]], due=sunday)  # fmt: skip
    assert response.status_code == 200
    monday = sunday + datetime.timedelta(days=1)
    monday = add_working_days(government, monday, 0)
    assert (f"Minggu, {day_date_id(sunday).split(', ')[1]} bukan hari kerja (akhir pekan). "
            f"Pilih hari kerja: hari kerja berikutnya {day_date_id(monday)}."
            in response.content.decode())  # fmt: skip


@pytest.mark.django_db
def test_the_api_refuses_a_weekend_or_holiday_due_date(client, pupr, instructions):
    government = pupr.letter.government
    kadis = caller(client, pupr.city, "kadis.pupr")
    url = f"/dispositions/letters/{pupr.letter.code}"
    payload = {"to": [str(pupr.position(BINA_MARGA).code)],
               "instructions": [str(instructions["Untuk ditindaklanjuti"].code)]}  # fmt: skip
    sunday = next_weekday(government.today(), 6)
    response = kadis.post(url, {**payload, "due_date": sunday.isoformat()})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    monday = add_working_days(government, sunday, 0)
    assert error == {
        "type": "not_working_day", "loc": ["body", "due_date"],
        "msg": f"{day_date_id(sunday)} is not a working day (weekend). Choose a working day: "
               f"the next one is {day_date_id(monday)}.",
    }  # fmt: skip
    holiday = a_local_holiday(government)
    response = kadis.post(url, {**payload, "due_date": holiday.date.isoformat()})
    assert response.status_code == 422
    assert "(Hari Jadi Kota Banua Raya)" in response.json()["detail"][0]["msg"]
    assert not Disposition.objects.exists()
    response = kadis.post(url, {**payload, "due_date": monday.isoformat()})
    assert response.status_code == 201
    assert response.json()[0]["due_date"] == monday.isoformat()
