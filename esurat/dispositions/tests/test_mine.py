import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, TEKNIK_JALAN, give, letter_to_pupr


def _age(d, *, due):
    """Set-up only: pretend the disposition was given long ago with this due date."""
    Disposition.objects.filter(pk=d.pk).update(due_date=due)


@pytest.mark.django_db
def test_it_lists_received_given_and_overdue_with_counters(client, pupr):
    today = pupr.letter.government.today()
    bina_marga, sda = give(pupr, "kadis.pupr", [BINA_MARGA, SDA])
    (staff,) = give(pupr, "kabid.binamarga", [TEKNIK_JALAN])
    _age(sda, due=today - datetime.timedelta(days=3))

    client.force_login(pupr.user("kabid.binamarga"))
    received = client.get(reverse("dispositions:mine"))
    assert received.status_code == 200
    assert [d.code for d, _status in received.context["rows"]] == [bina_marga.code]
    assert received.context["counts"] == {
        "received": 1, "unread": 0, "given": 1, "prepared": 0, "overdue": 0
    }  # fmt: skip
    given = client.get(reverse("dispositions:mine") + "?box=given")
    assert [d.code for d, _status in given.context["rows"]] == [staff.code]

    client.force_login(pupr.user("kadis.pupr"))
    overdue = client.get(reverse("dispositions:mine") + "?box=overdue")
    assert [(d.code, status) for d, status in overdue.context["rows"]] == [(sda.code, "overdue")]
    assert overdue.context["counts"]["overdue"] == 1 and overdue.context["counts"]["given"] == 2
    assert "text-bg-danger" in overdue.content.decode()

    client.force_login(pupr.user("kabid.sda"))
    received = client.get(reverse("dispositions:mine"))
    assert received.context["counts"]["unread"] == 1
    assert [status for _d, status in received.context["rows"]] == ["overdue"]


@pytest.mark.django_db
def test_it_colours_a_disposition_due_by_the_next_working_day(client, pupr):
    from esurat.lib.workdays import add_working_days

    gov = pupr.letter.government
    give(pupr, "kadis.pupr", [SDA], due_date=add_working_days(gov, gov.today(), 1))
    client.force_login(pupr.user("kabid.sda"))
    response = client.get(reverse("dispositions:mine"))
    assert [status for _d, status in response.context["rows"]] == ["due_soon"]
    assert "Due soon" in response.content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _chain(pupr, letter):
    """Kadis → Kabid Bina Marga (overdue) → Teknik Jalan, on one letter."""
    (received,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=letter)
    give(pupr, "kabid.binamarga", [TEKNIK_JALAN], letter=letter, instruction="Koordinasikan")
    _age(received, due=letter.government.today() - datetime.timedelta(days=2))


@pytest.mark.django_db
def test_it_runs_a_fixed_number_of_queries(client, pupr, django_assert_num_queries):
    """The page costs the same for one row or many; its own reads are pinned exactly: the
    user's seats (1), the rows, their instructions, and the counters."""
    from esurat.dispositions import selectors

    client.force_login(pupr.user("kabid.binamarga"))
    _chain(pupr, pupr.letter)
    boxes = ("received", "given", "overdue")
    urls = [reverse("dispositions:mine") + f"?box={box}" for box in boxes]
    small = [_count_queries(client, url) for url in urls]
    for i in range(4):
        _chain(pupr, letter_to_pupr(pupr.city, subject=f"Surat {i}"))
    assert [_count_queries(client, url) for url in urls] == small
    response = client.get(urls[2])
    assert len(response.context["rows"]) == 5

    today = pupr.letter.government.today()
    for box in boxes:
        user = type(pupr.user("kabid.binamarga")).objects.get(pk=pupr.user("kabid.binamarga").pk)
        with django_assert_num_queries(3):
            page = selectors.my_dispositions(user, box=box, today=today)
            [list(d.instructions.all()) for d in page.items]
        assert len(page.items) == 5
        with django_assert_num_queries(1):
            selectors.counters(user, today=today)


@pytest.mark.django_db
def test_it_pages_with_a_cursor(client, pupr, monkeypatch):
    from esurat.dispositions import selectors

    for i in range(3):
        letter = letter_to_pupr(pupr.city, subject=f"Surat {i}")
        give(pupr, "kadis.pupr", [BINA_MARGA], letter=letter)
    user = pupr.user("kabid.binamarga")
    first = selectors.my_dispositions(user, box="received")
    assert len(first.items) == 3 and first.next_cursor is None
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    page = selectors.my_dispositions(user, box="received")
    rest = selectors.my_dispositions(user, box="received", cursor=page.next_cursor)
    assert len(page.items) == 2 and page.next_cursor
    assert [d.pk for d in page.items + rest.items] == [d.pk for d in first.items]


@pytest.mark.django_db
def test_it_requires_login_and_get(client, pupr):
    assert client.get(reverse("dispositions:mine")).status_code == 302
    client.force_login(pupr.user("kadis.pupr"))
    assert client.post(reverse("dispositions:mine")).status_code == 405
