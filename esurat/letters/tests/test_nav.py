"""The navigation: counters in one query, registry links only for clerks."""

import pytest
from django.urls import reverse

from esurat.letters.selectors import counters
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_shows_the_registry_only_to_clerks(client, city):
    client.force_login(city.users["agendaris.kominfo"])
    page = client.get(reverse("letters:inbox")).content.decode()
    assert reverse("letters:incoming_register") in page and reverse("letters:numbers") in page
    client.force_login(city.users["staf.aptika"])
    page = client.get(reverse("letters:inbox")).content.decode()
    assert reverse("letters:incoming_register") not in page
    assert reverse("dispositions:mine") in page


@pytest.mark.django_db
def test_it_counts_everything_waiting_in_one_query(city, django_assert_num_queries):
    send_through(city, draft_nota_dinas(city))
    draft_nota_dinas(city, subject="Menunggu paraf")
    user = city.users["kadis.pupr"]
    from esurat.organisations.access import seats_of

    seats_of(user)
    with django_assert_num_queries(1):
        result = counters(user)
    assert result == {"unread": 1, "to_review": 0, "to_sign": 0, "to_dispose": 0, "to_approve": 0,
                      "to_report": 0, "dispositions": 0, "action": 0,
                      "notifications": 0}  # fmt: skip
