import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esurat.api.tests.helpers import caller
from esurat.letters import selectors
from esurat.letters.models import InboxEntry
from esurat.letters.tests.factories import draft_nota_dinas, send_through


def _send(city, n, **kwargs):
    return [send_through(city, draft_nota_dinas(city, subject=f"Surat {i}", **kwargs))
            for i in range(n)]  # fmt: skip


@pytest.mark.django_db
def test_it_lists_the_inbox_newest_first_with_filters(client, city):
    ordinary = _send(city, 1)[0]
    urgent = _send(city, 1, urgency="segera")[0]
    head = caller(client, city, "kadis.pupr")
    items = head.get("/letters/inbox").json()["items"]
    assert [x["letter"] for x in items] == [str(urgent.code), str(ordinary.code)]
    assert items[0]["from_agency"] == "Diskominfo" and items[0]["kind"] == "Nota Dinas"
    only = head.get("/letters/inbox", urgency="segera").json()["items"]
    assert [x["letter"] for x in only] == [str(urgent.code)]
    kominfo = str(city.agencies["Diskominfo"].code)
    assert len(head.get("/letters/inbox", agency=kominfo, kind="nota-dinas").json()["items"]) == 2
    setda = str(city.agencies["Setda"].code)
    assert head.get("/letters/inbox", agency=setda).json()["items"] == []
    head.get(f"/letters/{ordinary.code}")
    unread = head.get("/letters/inbox", unread="true").json()["items"]
    assert [x["letter"] for x in unread] == [str(urgent.code)]


@pytest.mark.django_db
def test_it_refuses_unknown_filters_with_422(client, city):
    head = caller(client, city, "kadis.pupr")
    assert head.get("/letters/inbox", kind="no-such-kind").status_code == 422
    assert head.get("/letters/inbox", urgency="kilat").status_code == 422
    response = head.get("/letters/inbox", agency="5b0e7d43-0000-4000-8000-000000000000")
    assert response.status_code == 422 and response.json()["detail"][0]["msg"]


@pytest.mark.django_db
def test_it_pages_with_a_keyset_cursor(client, city, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    letters = _send(city, 3)
    head = caller(client, city, "kadis.pupr")
    first = head.get("/letters/inbox").json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = head.get("/letters/inbox", cursor=first["next_cursor"]).json()
    assert second["next_cursor"] is None
    seen = [x["letter"] for x in first["items"] + second["items"]]
    assert seen == [str(x.code) for x in reversed(letters)]


@pytest.mark.django_db
def test_it_answers_the_inbox_in_a_fixed_number_of_queries(client, city):
    head = caller(client, city, "kadis.pupr")
    _send(city, 1)
    head.get("/letters/inbox")  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as few:
        assert len(head.get("/letters/inbox").json()["items"]) == 1
    _send(city, 4, urgency="segera")
    with CaptureQueriesContext(connection) as many:
        assert len(head.get("/letters/inbox").json()["items"]) == 5
    # token + user, the user's seats (one query), the page: one query for all its rows, and one
    # for the agenda numbers its rows have in the books of the caller's agencies.
    assert len(few) == len(many) == 4, [q["sql"] for q in many.captured_queries]
    assert InboxEntry.objects.filter(position__holder=city.users["kadis.pupr"]).count() == 5
