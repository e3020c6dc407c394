import datetime

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import IssuedNumber
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.fixture
def issued(city):
    letter = send_through(city, draft_nota_dinas(city))
    return IssuedNumber.objects.get(letter=letter)


@pytest.mark.django_db
def test_it_issues_an_insert_number(client, city, issued):
    client.force_login(city.users["agendaris.kominfo"])
    url = reverse("letters:insert_number", args=[issued.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"date": issued.letter_date.isoformat(), "subject": "Susulan"})
    assert response.status_code == 302
    inserted = IssuedNumber.objects.get(insert=1)
    assert inserted.seq == issued.seq and "/0001.1/" in inserted.number
    event = AuditEvent.objects.get(action="number.insert_issued")
    assert event.data == {"number": inserted.number, "after": issued.number}


@pytest.mark.django_db
def test_it_refuses_a_future_date(client, city, issued):
    client.force_login(city.users["agendaris.kominfo"])
    tomorrow = city.government.today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("letters:insert_number", args=[issued.code]),
        {"date": tomorrow.isoformat(), "subject": "Susulan"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert IssuedNumber.objects.count() == 1
    assert not AuditEvent.objects.filter(action="number.insert_issued").exists()


@pytest.mark.django_db
def test_it_answers_not_found_to_anyone_but_the_agencys_clerk(client, city, issued):
    for name in ("agendaris.pupr", "staf.pupr", "staf.aptika"):
        client.force_login(city.users[name])
        response = client.post(
            reverse("letters:insert_number", args=[issued.code]),
            {"date": issued.letter_date.isoformat(), "subject": "x"},
        )
        assert response.status_code == 404
    assert IssuedNumber.objects.count() == 1


@pytest.mark.django_db
def test_it_requires_login_and_refuses_other_methods(client, city, issued):
    url = reverse("letters:insert_number", args=[issued.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["agendaris.kominfo"])
    assert client.delete(url).status_code == 405
