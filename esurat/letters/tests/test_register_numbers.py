import pytest
from django.urls import reverse

from esurat.letters.models import IssuedNumber
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_lists_the_agencys_numbers(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["agendaris.kominfo"])
    response = client.get(reverse("letters:numbers"))
    assert response.status_code == 200
    assert [n.number for n in response.context["page"]] == [letter.number]
    assert letter.subject in response.content.decode()


@pytest.mark.django_db
def test_it_masks_the_subject_of_a_secret_letter(client, city):
    letter = send_through(city, draft_nota_dinas(city, security="R", subject="Rencana rahasia"))
    client.force_login(city.users["agendaris.kominfo"])
    body = client.get(reverse("letters:numbers")).content.decode()
    assert letter.number in body and "Rencana rahasia" not in body


@pytest.mark.django_db
def test_it_shows_only_the_clerks_own_agency(client, city):
    send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["agendaris.pupr"])
    response = client.get(reverse("letters:numbers"))
    assert list(response.context["page"]) == []


@pytest.mark.django_db
def test_it_answers_not_found_to_anyone_but_a_clerk(client, city):
    send_through(city, draft_nota_dinas(city))
    for name in ("staf.pupr", "kadis.kominfo", "admin"):
        client.force_login(city.users[name])
        assert client.get(reverse("letters:numbers")).status_code == 404
    assert IssuedNumber.objects.count() == 1


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    assert "/accounts/login/" in client.get(reverse("letters:numbers"))["Location"]
    client.force_login(city.users["agendaris.kominfo"])
    assert client.post(reverse("letters:numbers")).status_code == 405
