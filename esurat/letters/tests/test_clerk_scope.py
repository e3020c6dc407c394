"""The clerk-scope rule, pinned once: which registry clerk may see and act on which agency's
registers and incoming letters, on every page and API operation that applies it.

Written from DOMAIN.md §4 independently of esurat/letters/access.py: a clerk (Role CLERK) keeps
the registry of their own agencies of their own government; R/SR incoming letters go to the head
unopened and are in no clerk's list; anyone else gets 404 everywhere, never an empty page.
"""

import pytest
from django.urls import reverse

from esurat.accounts.models import Role, User
from esurat.api.tests.helpers import caller
from esurat.letters.models import IssuedNumber
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.letters.tests.incoming_factories import register
from esurat.organisations.models import Government

# persona → the agencies whose registry they keep
SCOPE = {
    "agendaris.kominfo": {"Diskominfo"},
    "agendaris.pupr": {"Dinas PUPR"},
    "kadis.kominfo": set(),
    "sekdis.kominfo": set(),
    "admin": set(),
    "outsider": set(),  # a clerk of Diskominfo on paper, but a user of another government
}
BOOKS = ["letters:numbers", "letters:agenda", "letters:incoming"]


@pytest.fixture
def world(city):
    other = Government.objects.create(name="Kabupaten Lain", short_name="Lain")
    outsider = User.objects.create(username="outsider", full_name="Orang Luar", government=other)
    Role.objects.create(user=outsider, kind=Role.Kind.CLERK, agency=city.agencies["Diskominfo"])
    city.users["outsider"] = outsider
    plain = register(city, subject="Surat biasa", sender_number="005/1/X/2026")
    secret = register(city, subject="Surat rahasia", security="R", sender_number="005/2/X/2026")
    issued = IssuedNumber.objects.get(letter=send_through(city, draft_nota_dinas(city)))
    return city, plain, secret, issued


@pytest.mark.django_db
def test_it_applies_one_clerk_scope_everywhere(client, world):
    city, plain, secret, issued = world
    mismatches = []
    for persona, scope in SCOPE.items():
        client.force_login(city.users[persona])
        api = caller(client, city, persona)
        keeps_books = 200 if scope else 404
        kominfo = 200 if "Diskominfo" in scope else 404
        seen = {
            **{name: client.get(reverse(name)).status_code for name in BOOKS},
            "cancel_number": client.get(
                reverse("letters:cancel_number", args=[issued.code])
            ).status_code,
            "api_list": api.get("/incoming/").status_code,
            "api_proposal": api.get(f"/incoming/{plain.code}/proposal").status_code,
        }
        want = {
            **dict.fromkeys(BOOKS, keeps_books),
            "cancel_number": kominfo,
            "api_list": keeps_books,
            "api_proposal": kominfo,
        }
        mismatches += [(persona, k, seen[k], want[k]) for k in want if seen[k] != want[k]]
        if scope:
            page = client.get(reverse("letters:incoming")).content.decode()
            body = api.get("/incoming/").json()
            listed = {item["code"] for item in body["waiting"] + body["latest"]}
            for letter, expect in ((plain, "Diskominfo" in scope), (secret, False)):
                if (str(letter.code) in page) != expect:
                    mismatches.append((persona, "page lists", letter.subject))
                if (str(letter.code) in listed) != expect:
                    mismatches.append((persona, "api lists", letter.subject))
        client.logout()
    assert mismatches == []


@pytest.mark.django_db
def test_it_shows_a_clerk_of_two_agencies_both_books(client, world):
    city, plain, _secret, _issued = world
    clerk = city.users["agendaris.pupr"]
    Role.objects.create(user=clerk, kind=Role.Kind.CLERK, agency=city.agencies["Diskominfo"])
    client.force_login(clerk)
    kominfo = city.agencies["Diskominfo"].code
    response = client.get(reverse("letters:numbers"), {"agency": kominfo})
    assert response.status_code == 200 and response.context["agency"].short_name == "Diskominfo"
    assert {a.short_name for a in response.context["agencies"]} == {"Diskominfo", "Dinas PUPR"}
    assert str(plain.code) in client.get(reverse("letters:incoming")).content.decode()
