"""The registry clerk's books over the API (esurat/api/registers.py): the number register and the
agenda book, read-only, for the clerks of the agency as on the screens; filters by year and date;
R/SR subjects left out as in the books; a fixed number of queries per page."""

import datetime

import pytest

from esurat.api.tests.helpers import caller
from esurat.letters.models import IssuedNumber, Registration
from esurat.letters.tests.factories import draft_nota_dinas, send_through

pytestmark = pytest.mark.django_db
SECRET_SUBJECT = "Rencana pengamanan data"
# Token, clerk roles, the clerk's agencies, the count, the page (letters and issuers joined).
QUERIES_NUMBERS = 5
# The same, and the agency's government for its time zone.
QUERIES_AGENDA = 6


@pytest.fixture
def sent(city):
    """Two letters sent by Diskominfo to Dinas PUPR, the second one secret (R)."""
    first = send_through(city, draft_nota_dinas(city))
    secret = send_through(city, draft_nota_dinas(city, security="R", subject=SECRET_SUBJECT))
    return first, secret


@pytest.mark.parametrize("username,status", [("agendaris.kominfo", 200), ("agendaris.pupr", 200),
                                             ("staf.aptika", 404), ("kadis.kominfo", 404),
                                             ("staf.pupr", 404)])  # fmt: skip
def test_it_shows_the_books_to_the_agencys_clerks_only(client, city, sent, username, status):
    who = caller(client, city, username)
    for path in ("/number-register", "/agenda-book"):
        response = who.get(path)
        assert response.status_code == status, path
        if status == 404:
            assert response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/number-register").status_code == 401
    assert client.get("/api/v1/agenda-book").status_code == 401
    assert who.post("/number-register").status_code == 405
    assert who.post("/agenda-book").status_code == 405


def test_it_lists_the_number_register_of_the_clerks_agency(client, city, sent):
    first, secret = sent
    clerk = caller(client, city, "agendaris.kominfo")
    body = clerk.get("/number-register").json()
    assert body["agency"]["short_name"] == "Diskominfo" and body["count"] == 2
    newest, oldest = body["items"]
    assert (newest["number"], newest["letter"]) == (secret.number, str(secret.code))
    assert newest["subject"] is None and newest["security"] == "R"
    assert (oldest["number"], oldest["subject"]) == (first.number, first.subject)
    assert oldest["state"] == "issued" and oldest["issued_by"]
    assert SECRET_SUBJECT not in str(body)
    # Dinas PUPR issued no number: its clerk sees an empty register of its own.
    pupr = caller(client, city, "agendaris.pupr").get("/number-register").json()
    assert pupr["agency"]["short_name"] == "Dinas PUPR" and pupr["items"] == []


def test_it_filters_the_number_register_by_year_and_date(client, city, sent):
    first, _secret = sent
    clerk = caller(client, city, "agendaris.kominfo")
    day = first.letter_date
    assert clerk.get("/number-register", year=day.year).json()["count"] == 2
    assert clerk.get("/number-register", year=day.year - 1).json()["count"] == 0
    assert clerk.get("/number-register", date_from=day, date_to=day).json()["count"] == 2
    after = day + datetime.timedelta(days=1)
    assert clerk.get("/number-register", date_from=after).json()["count"] == 0
    assert clerk.get("/number-register", year="x").status_code == 422
    IssuedNumber.objects.filter(letter=first).update(letter_date=day - datetime.timedelta(days=3))
    (only,) = clerk.get("/number-register", date_to=day - datetime.timedelta(days=1)).json()[
        "items"
    ]
    assert only["letter"] == str(first.code)


def test_it_lists_the_agenda_book_in_and_out(client, city, sent):
    first, secret = sent
    sender = caller(client, city, "agendaris.kominfo").get("/agenda-book").json()
    assert {(x["direction"], x["letter"]["code"]) for x in sender["items"]} == {
        ("out", str(first.code)), ("out", str(secret.code))
    }  # fmt: skip
    receiver = caller(client, city, "agendaris.pupr")
    body = receiver.get("/agenda-book", direction="in").json()
    entries = {x["letter"]["code"]: x for x in body["items"]}
    registration = Registration.objects.get(letter=first, agency=city.agencies["Dinas PUPR"])
    assert entries[str(first.code)]["agenda_number"] == registration.agenda_number
    assert entries[str(first.code)]["letter"]["sender"] == "Diskominfo"
    assert entries[str(first.code)]["letter"]["subject"] == first.subject
    assert entries[str(secret.code)]["letter"]["subject"] is None
    assert receiver.get("/agenda-book", direction="out").json()["items"] == []
    assert receiver.get("/agenda-book", direction="sideways").status_code == 422


def test_it_filters_the_agenda_book_by_the_day_of_registration(client, city, sent):
    first, secret = sent
    receiver = caller(client, city, "agendaris.pupr")
    today = city.government.today()
    assert receiver.get("/agenda-book", date_from=today, date_to=today).json()["count"] == 2
    earlier = Registration.objects.get(letter=first, agency=city.agencies["Dinas PUPR"])
    earlier.registered_at -= datetime.timedelta(days=2)
    earlier.save(update_fields=["registered_at"])
    (only,) = receiver.get("/agenda-book", date_from=today).json()["items"]
    assert only["letter"]["code"] == str(secret.code)
    yesterday = today - datetime.timedelta(days=1)
    (only,) = receiver.get("/agenda-book", date_to=yesterday).json()["items"]
    assert only["letter"]["code"] == str(first.code)
    assert receiver.get("/agenda-book", year=today.year + 1).json()["count"] == 0


def test_it_reads_each_book_in_a_fixed_number_of_queries(client, city, sent,
                                                         django_assert_num_queries):  # fmt: skip
    for _ in range(3):
        send_through(city, draft_nota_dinas(city))
    clerk = caller(client, city, "agendaris.kominfo")
    clerk.get("/me")  # the token's last use is noted once a minute, not in the measured calls
    with django_assert_num_queries(QUERIES_NUMBERS):
        assert clerk.get("/number-register").json()["count"] == 5
    with django_assert_num_queries(QUERIES_AGENDA):
        assert clerk.get("/agenda-book").json()["count"] == 5
