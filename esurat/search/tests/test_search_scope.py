"""Search is scoped by construction: each persona of the demo city finds exactly the letters they
may read — drafted letters in every state, B and R, incoming letters B and R (straight to the
head), with the signatory's delegate and the registry clerks — and never a forbidden one, in the
results, the total or a facet count, on the page and in the API alike."""

import itertools
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from esurat.letters.access import letters_visible_to, visible_letter_exists, visible_letter_ids
from esurat.letters.models import Letter
from esurat.letters.tests.incoming_factories import register
from esurat.letters.tests.test_access_matrix import (
    PERSONAS,
    SECURITIES,
    SEES,
    STATES,
    make_letter,
)
from esurat.search import backends
from esurat.search.backends import index_letters, postgres, search
from esurat.search.tests.test_search_newest import walk_only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["readers", "rule", "walk"])
def scope_form(request, monkeypatch):
    """Every test runs with each of the two layers of the scope alone, so each must be exact by
    itself: "readers" the fast form a search starts from (PostgreSQL: the `readers` keys; SQLite:
    `IN (the ids one may read)`) with the rule's check on results turned off; "rule" the check
    (correlated EXISTS) on every letter of the government, the fast form turned off (and with
    it PostgreSQL's walk over the user's keys). "walk" (PostgreSQL): the fast form alone, the
    newest matches always read by walking the letters of the user's keys (search_reader), as a
    search whose words are common among them is."""
    if request.param == "walk" and connection.vendor != "postgresql":
        pytest.skip("SQLite reads the newest matches one way")
    if request.param in ("readers", "walk"):
        monkeypatch.setattr(backends, "_rule", lambda user, among=None: Q())
    else:
        monkeypatch.setattr(backends, "_readable", lambda user: Q())
        monkeypatch.setattr(postgres, "FEW", float("inf"))
    if request.param == "walk":
        for name, value in {"FEW": 0, "WINDOW": 10**6}.items():
            monkeypatch.setattr(postgres, name, value)
        walk_only(monkeypatch)
    return request.param


WORD = "matriks"
# Incoming letters registered by Diskominfo's clerk, not yet sent on: the clerk sees the B one;
# the R one goes straight to the head's inbox, unseen by the clerk and the head's delegate.
INCOMING_SEEN_BY = {"B": {"agendaris.kominfo"}, "R": {"kadis.kominfo"}}


@pytest.fixture
def letters(city):
    """(letter, the personas who may read it) for every state × security, and incoming ones."""
    made = []
    for state, security in itertools.product(STATES, SECURITIES):
        letter = make_letter(city, state, security)
        letter.subject = f"{WORD} {state} {security}"
        made.append(letter)
    for letter in made:  # a distinct subject each, so a wrong hit says which letter leaked
        Letter.objects.filter(pk=letter.pk).update(subject=letter.subject)
    index_letters([letter.pk for letter in made])
    rows = [
        (letter, {p for p in PERSONAS if state in SEES[p][0 if security == "B" else 1]})
        for letter, (state, security) in zip(
            made, itertools.product(STATES, SECURITIES), strict=True
        )
    ]
    for security in ("B", "R"):
        letter = register(city, security=security, subject=f"{WORD} masuk {security}",
                          sender_number=f"005/{security}/X/2026")  # fmt: skip
        rows.append((letter, INCOMING_SEEN_BY[security]))
    return rows


def _fresh(user):
    for attr in ("_seats_cache", "_clerk_agencies"):
        user.__dict__.pop(attr, None)
    return user


def _all_hits(user, query):
    results = search(user, query)
    hits, cursor = list(results.hits), results.next_cursor
    while cursor:
        page = search(user, query, after=cursor)
        hits, cursor = hits + page.hits, page.next_cursor
    return results, {letter.pk for letter in hits}


def test_it_finds_exactly_the_letters_each_persona_may_read(city, letters):
    mismatches = []
    for persona in PERSONAS:
        user = _fresh(city.users[persona])
        want = {letter.pk for letter, seen_by in letters if persona in seen_by}
        results, got = _all_hits(user, WORD)
        if got != want:
            mismatches.append((persona, "hits", sorted(got - want), sorted(want - got)))
        if results.total != len(want):
            mismatches.append((persona, "total", results.total, len(want)))
        for name, facets in results.facets.items():
            counted = sum(f.count for f in facets)
            if name != "read" and counted != len(want):
                mismatches.append((persona, f"facet {name}", counted, len(want)))
            if name == "read" and counted > len(want):
                mismatches.append((persona, "facet read", counted, len(want)))
    assert mismatches == []


def test_it_scopes_by_the_same_rule_as_every_other_list(city, letters):
    for persona in PERSONAS:
        user = _fresh(city.users[persona])
        ids = set(letters_visible_to(user).values_list("pk", flat=True))
        found = Letter.objects.filter(pk__in=visible_letter_ids(user))
        assert set(found.values_list("pk", flat=True)) == ids, persona
        found = Letter.objects.filter(visible_letter_exists(user, "pk"))
        assert set(found.values_list("pk", flat=True)) == ids, persona


def test_it_never_finds_a_secret_letter_for_a_delegate_or_a_clerk(city, letters):
    secret = [letter for letter, _seen in letters if letter.security == "R"]
    for persona in ("sekdis.kominfo", "agendaris.kominfo", "agendaris.pupr", "admin"):
        user = _fresh(city.users[persona])
        for letter in secret:
            for query in (letter.subject, letter.sender_number or letter.subject):
                results = search(user, query)
                assert letter.pk not in {h.pk for h in results.hits}, (persona, query)
                assert results.total == len(results.hits), (persona, query)


def _codes(html: str) -> set[str]:
    return set(re.findall(r"/letters/([0-9a-f-]{36})/", html))


def test_it_shows_and_counts_only_readable_letters_on_the_page_and_in_the_api(
    client, city, letters
):
    for persona in PERSONAS:
        user = _fresh(city.users[persona])
        want = {str(letter.code) for letter, seen_by in letters if persona in seen_by}
        client.force_login(user)
        page = client.get(reverse("search:results"), {"q": WORD})
        assert page.status_code == 200
        html = page.content.decode()
        assert _codes(html) == want, persona
        if want:
            assert f'data-total="{len(want)}"' in html, persona
        api = client.get("/api/v1/search", {"q": WORD})
        assert api.status_code == 200
        body = api.json()
        assert {item["code"] for item in body["items"]} == want, persona
        assert body["total"] == len(want), persona
        assert all(sum(f["count"] for f in body["facets"][n]) == len(want)
                   for n in ("kind", "agency", "direction", "state")), persona  # fmt: skip


def test_it_counts_up_to_the_cap_and_then_shows_no_facets(client, city, letters, monkeypatch):
    monkeypatch.setattr(backends, "COUNT_CAP", 2)
    user = _fresh(city.users["kadis.kominfo"])
    want = {letter.pk for letter, seen_by in letters if "kadis.kominfo" in seen_by}
    assert len(want) > 2
    results, got = _all_hits(user, WORD)
    assert got == want  # every readable letter is still listed, page by page
    assert results.total == 3 and results.capped
    assert all(facets == [] for facets in results.facets.values())
    client.force_login(user)
    html = client.get(reverse("search:results"), {"q": WORD}).content.decode()
    assert "More than 2 letters found" in html
    assert "most relevant among the newest" not in html
    html = client.get(reverse("search:results"), {"q": WORD, "order": "relevant"}).content
    assert "most relevant among the newest 2" in html.decode()
    body = client.get("/api/v1/search", {"q": WORD}).json()
    assert body["total"] == 2 and body["total_capped"] is True
    assert body["facets"] == {"kind": [], "agency": [], "direction": [], "state": [], "read": []}
