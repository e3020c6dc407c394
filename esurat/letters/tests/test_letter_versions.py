import pytest
from django.urls import reverse

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas


def _edited(city):
    letter = draft_nota_dinas(city)
    user = city.users["staf.aptika"]
    return actions.do_update_draft(
        letter=letter,
        seat=seat_for_action(user, letter, Action.EDIT),
        user=user,
        body="<p>Dengan hormat, kami mengundang Bapak/Ibu besok pagi.</p>",
    )


@pytest.mark.django_db
def test_it_lists_versions_and_compares_the_last_two(client, city):
    letter = _edited(city)
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:versions", args=[letter.code]))
    assert response.status_code == 200
    assert [v.number for v in response.context["rows"]] == [1, 2]
    body = response.content.decode()
    assert "Bapak/Ibu<ins> besok pagi</ins>." in body


@pytest.mark.django_db
def test_it_compares_the_versions_asked_for(client, city):
    letter = _edited(city)
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:versions", args=[letter.code]), {"a": 2, "b": 1})
    compare = response.context["compare"]
    assert (compare["a"].number, compare["b"].number) == (2, 1)
    assert ("-", " besok pagi") in compare["body"]


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = _edited(city)
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:versions", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    letter = _edited(city)
    url = reverse("letters:versions", args=[letter.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.post(url).status_code == 405
