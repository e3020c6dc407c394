"""The newest matches are the same whichever way the backend reads them: on PostgreSQL, walking
the date index window by window (stopping at the limit), or every match from the GIN index then
sorted (bench/README.md, issue 12), with ties on the date, filters that join other tables, and a
cursor to read on from."""

import datetime

import pytest
from django.db import connection

from esurat.letters.models import Letter
from esurat.search import backends
from esurat.search.backends import Filters, postgres, search
from esurat.search.models import SearchEntry
from esurat.search.tests.test_search_words import register
from esurat.search.text import terms

pytestmark = pytest.mark.django_db

# How the PostgreSQL backend is told to read: as it decides; only by walking (one window holds
# every letter, and the GIN index may not answer); a first window of 3 letters, then walking on;
# a first window, then the GIN index.
MODES = {
    "as decided": {},
    "walk": {"FEW": 0, "WINDOW": 10**6},
    "window, then walk on": {"FEW": 0, "WINDOW": 3, "WALK_COST": 0.0},
    "window, then index": {"FEW": 0, "WINDOW": 3, "WALK_COST": 1e9},
}


def walk_only(monkeypatch):
    """The GIN index may not answer a search that could walk (the walk must)."""
    answer = postgres._from_index

    def from_index(rows, limit, *, walked_first):
        assert not walked_first, "answered by the GIN index after a walk"
        return answer(rows, limit, walked_first=walked_first)

    monkeypatch.setattr(postgres, "_from_index", from_index)


@pytest.fixture(params=list(MODES))
def mode(request, monkeypatch):
    if request.param != "as decided" and connection.vendor != "postgresql":
        pytest.skip("SQLite reads one way")
    for name, value in MODES[request.param].items():
        monkeypatch.setattr(postgres, name, value)
    if request.param == "walk":
        walk_only(monkeypatch)
    return request.param


@pytest.fixture
def letters(city):
    """16 incoming letters, every other one about "sosialisasi", four by four at the same time (two of each)."""
    made = []
    base = datetime.datetime(2026, 11, 2, 8, tzinfo=datetime.UTC)
    for i in range(16):
        subject = f"Sosialisasi program {i}" if i % 2 == 0 else f"Penertiban reklame {i}"
        letter = register(city, subject=subject)
        Letter.objects.filter(pk=letter.pk).update(sent_at=base + datetime.timedelta(hours=i // 4))
        made.append(letter)
    backends.index_letters([letter.pk for letter in made])  # the entries' date: sent_at
    assert SearchEntry.objects.filter(sort_at=base).count() == 4
    return made


def _matched(user, word, filters=None):
    entries = backends._filtered(
        SearchEntry.objects.filter(backends._readable(user), government_id=user.government_id),
        user,
        filters or Filters(),
    )
    return backends._backend().match(entries, terms(word), "", fuzzy=False,
                                      government_id=user.government_id)  # fmt: skip


def _expected(matched, limit, after=None):
    rows = list(matched.order_by("-sort_at", "-letter_id").values_list("letter_id", "sort_at"))
    if after is not None:
        rows = [r for r in rows if (r[1], r[0]) < (after[1], after[0])]
    return rows[:limit]


@pytest.mark.parametrize("word", ["sosialisasi", "reklame", "program", "tidakada"])
def test_the_newest_matches_are_the_same_however_read(city, letters, mode, word):
    clerk = city.users["agendaris.kominfo"]
    matched = _matched(clerk, word)
    everything = _expected(matched, 100)
    assert len(everything) == {"sosialisasi": 8, "reklame": 8, "program": 8, "tidakada": 0}[word]
    newest = backends._backend().newest
    for limit in (1, 3, 5, 20):
        assert newest(matched, limit, clerk) == everything[:limit]
        for after in everything[:4]:
            older = backends._after_row(matched, after)  # as the facade narrows them
            assert newest(older, limit, clerk, after=after) == _expected(matched, limit, after)


def test_filters_that_join_other_tables_are_kept_when_walking(city, letters, mode):
    clerk = city.users["agendaris.kominfo"]
    Letter.objects.filter(pk__in=[letters[0].pk, letters[6].pk]).update(state="filed")
    SearchEntry.objects.filter(letter_id__in=[letters[0].pk, letters[6].pk]).update(state="filed")
    kind = letters[2].kind
    for filters in (Filters(kind=kind.code), Filters(state="filed"), Filters(direction="in")):
        matched = _matched(clerk, "sosialisasi", filters)
        assert backends._backend().newest(matched, 20, clerk) == _expected(matched, 20)
    only_filed = _matched(clerk, "sosialisasi", Filters(state="filed"))
    assert [pk for pk, _at in backends._backend().newest(only_filed, 20, clerk)] == [
        letters[6].pk,
        letters[0].pk,
    ]


def test_a_search_pages_the_same_however_read(city, letters, mode, monkeypatch):
    clerk = city.users["agendaris.kominfo"]
    monkeypatch.setattr(backends, "PAGE_SIZE", 3)
    seen, cursor = [], ""
    while True:
        results = search(clerk, "sosialisasi", after=cursor)
        assert results.total == 8
        seen += [hit.pk for hit in results.hits]
        cursor = results.next_cursor
        if not cursor:
            break
    assert seen == [pk for pk, _at in _expected(_matched(clerk, "sosialisasi"), 20)]
