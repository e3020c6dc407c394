"""GET /api/v1/search: the page's search for API clients, as scoped, with its refusals."""

import pytest

from esurat.api.tests.helpers import API
from esurat.letters.tests.incoming_factories import register

pytestmark = pytest.mark.django_db
URL = f"{API}/search"


def test_it_requires_a_session_or_a_token(client):
    assert client.get(URL, {"q": "rapat"}).status_code == 401


def test_it_refuses_a_filter_that_does_not_parse(client, city):
    client.force_login(city.users["agendaris.kominfo"])
    response = client.get(URL, {"q": "rapat", "date_from": "kemarin", "direction": "up"})
    assert response.status_code == 422
    fields = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("query", "date_from") in fields and ("query", "direction") in fields


def test_it_answers_the_letters_found_with_facets_and_a_cursor(client, city):
    letter = register(city, subject="Undangan Rapat Evaluasi", sender_number="005/1187/BAPPEDA")
    client.force_login(city.users["agendaris.kominfo"])
    body = client.get(URL, {"q": "1187 bappeda", "order": "relevant"}).json()
    assert body["total"] == 1 and body["next_cursor"] is None
    item = body["items"][0]
    assert item["code"] == str(letter.code) and item["sender_number"] == "005/1187/BAPPEDA"
    assert body["facets"]["direction"] == [{"value": "in", "label": "Incoming (registered)",
                                            "count": 1}]  # fmt: skip
    client.force_login(city.users["agendaris.pupr"])  # another agency's clerk
    assert client.get(URL, {"q": "1187 bappeda"}).json() == {
        "total": 0, "total_capped": False, "items": [], "next_cursor": None,
        "similar_names": False,
        "facets": {"kind": [], "agency": [], "direction": [], "state": [], "read": []},
    }  # fmt: skip
