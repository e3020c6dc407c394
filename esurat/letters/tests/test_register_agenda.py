import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_lists_letters_registered_in_and_out(client, city):
    out = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["agendaris.pupr"])
    response = client.get(reverse("letters:agenda"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [(r.letter_id, r.direction, r.agenda_number[:5]) for r in rows] == [
        (out.pk, "in", "00001")
    ]
    client.force_login(city.users["agendaris.kominfo"])
    response = client.get(reverse("letters:agenda"), {"direction": "in"})
    assert list(response.context["page"]) == []
    response = client.get(reverse("letters:agenda"), {"direction": "out"})
    assert [r.letter_id for r in response.context["page"]] == [out.pk]
    assert out.subject in response.content.decode()


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(client, city, django_assert_max_num_queries):
    for _ in range(3):
        send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["agendaris.kominfo"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("letters:agenda"))
    assert len(response.context["page"]) == 3


@pytest.mark.django_db
def test_it_answers_not_found_to_anyone_but_a_clerk(client, city):
    send_through(city, draft_nota_dinas(city))
    for name in ("staf.pupr", "kadis.pupr", "sekdis.kominfo"):
        client.force_login(city.users[name])
        assert client.get(reverse("letters:agenda")).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    assert "/accounts/login/" in client.get(reverse("letters:agenda"))["Location"]
    client.force_login(city.users["agendaris.kominfo"])
    assert client.post(reverse("letters:agenda")).status_code == 405
