"""The search page (GET /search/) and the search box of every page."""

import pytest
from django.urls import reverse

from esurat.letters.tests.incoming_factories import register as register_incoming

pytestmark = pytest.mark.django_db
URL = reverse("search:results")


def register(city, **fields):
    return register_incoming(city, allow_duplicate=True, **fields)


@pytest.fixture
def clerk(client, city):
    client.force_login(city.users["agendaris.kominfo"])
    return client


def test_it_requires_a_login(client):
    response = client.get(URL, {"q": "rapat"})
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_refuses_a_post(clerk):
    assert clerk.post(URL, {"q": "rapat"}).status_code == 405


def test_it_shows_the_letters_found_with_their_words_marked(clerk, city):
    letter = register(city, subject="Undangan Rapat Evaluasi", summary="Evaluasi program kerja.")
    register(city, subject="Laporan keuangan")
    response = clerk.get(URL, {"q": "evaluasi"})
    html = response.content.decode()
    assert reverse("letters:detail", args=[letter.code]) in html
    assert "Laporan keuangan" not in html
    assert "<mark>Evaluasi</mark>" in html
    assert 'data-total="1"' in html


def test_it_filters_by_facet_and_date(clerk, city):
    register(city, subject="Rapat A", security="T")
    register(city, subject="Rapat B")
    response = clerk.get(URL, {"q": "rapat", "state": "registered", "direction": "in"})
    assert response.context["results"].total == 2
    kinds = response.context["results"].facets["kind"]
    assert [(f.value, f.count) for f in kinds] == [("surat-undangan", 2)]
    today = city.government.today()
    later = today.replace(year=today.year + 1)
    response = clerk.get(URL, {"q": "rapat", "date_from": later.isoformat()})
    assert response.context["results"].total == 0
    assert 'data-empty="no-results"' in response.content.decode()


def test_it_ignores_a_filter_that_does_not_parse(clerk, city):
    register(city, subject="Rapat A")
    response = clerk.get(URL, {"q": "rapat", "date_from": "kemarin", "agency": "nope"})
    assert response.status_code == 200
    assert response.context["results"].total == 1


def test_it_explains_itself_before_a_search(clerk):
    assert 'data-empty="start"' in clerk.get(URL).content.decode()


@pytest.mark.indonesian
def test_it_speaks_indonesian_when_nothing_is_found(clerk, settings):
    settings.LANGUAGE_CODE = "id"
    html = clerk.get(URL, {"q": "zzzyyx"}, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Tidak ada surat" in html


def test_it_puts_a_search_box_in_the_top_bar_and_the_phone_bar(clerk):
    html = clerk.get(reverse("letters:inbox")).content.decode()
    assert 'id="nav-q"' in html and 'id="phone-q"' in html
    assert f'action="{URL}"' in html


def test_it_pages_with_a_fixed_number_of_queries(clerk, city, django_assert_max_num_queries):
    register(city, subject="Rapat awal")
    # PostgreSQL: 16 (its transaction's BEGIN, settings and COMMIT, and the planner's estimate
    # that picks how to read the matches newest first); SQLite: fewer.
    with django_assert_max_num_queries(16) as few:
        clerk.get(URL, {"q": "rapat"})
    for i in range(25):
        register(city, subject=f"Rapat ke-{i}", summary=f"Rapat bulanan ke-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = clerk.get(URL, {"q": "rapat"})
    assert len(response.context["results"].hits) == 20
    after = response.context["results"].next_cursor
    older = clerk.get(URL, {"q": "rapat", "after": after})
    assert len(older.context["results"].hits) == 6
