"""Who sees the evaluation and the books: each role × each page and export, refusals included."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.reports.models import PaperPrices

DASHBOARD = ["reports:dashboard", "reports:dashboard_xlsx", "reports:dashboard_pdf"]


def _get(client, name, **query):
    url = reverse(name)
    return client.get(url, query)


@pytest.mark.parametrize("who,expected", [
    ("admin", 200), ("walikota", 200), ("sekda", 200), ("agency_admin", 200),
    ("agendaris.kominfo", 404), ("kadis.kominfo", 404), ("staf.aptika", 404),
])  # fmt: skip
@pytest.mark.parametrize("name", DASHBOARD)
def test_it_shows_the_evaluation_to_admins_and_leaders_only(client, city, agency_admin, who,
                                                             expected, name):  # fmt: skip
    user = agency_admin if who == "agency_admin" else city.users[who]
    client.force_login(user)
    assert _get(client, name).status_code == expected


@pytest.mark.parametrize("who", ["admin", "sekda"])
def test_it_shows_the_city_any_agency(client, city, who):
    client.force_login(city.users[who])
    response = _get(client, "reports:dashboard", agency=city.agencies["Dinas PUPR"].code)
    assert response.status_code == 200 and b"Dinas Pekerjaan Umum" in response.content


def test_it_hides_other_agencies_from_an_agency_admin(client, city, agency_admin):
    client.force_login(agency_admin)
    response = _get(client, "reports:dashboard")
    assert response.status_code == 200
    assert response.context["agency"] == city.agencies["Dinas PUPR"]  # never the whole city
    assert b"Whole city" not in response.content
    for name in DASHBOARD + ["reports:books"]:
        assert _get(client, name, agency=city.agencies["Diskominfo"].code).status_code == 404


@pytest.mark.parametrize("who,expected", [
    ("admin", 200), ("agency_admin", 200), ("agendaris.kominfo", 200),
    ("walikota", 404), ("kadis.kominfo", 404), ("staf.aptika", 404),
])  # fmt: skip
def test_it_lets_clerks_and_admins_print_books(client, city, agency_admin, who, expected):
    user = agency_admin if who == "agency_admin" else city.users[who]
    client.force_login(user)
    assert _get(client, "reports:books").status_code == expected
    query = {"book": "numbers", "start": "2026-11-01", "end": "2026-11-30", "paper": "A4"}
    response = client.get(reverse("reports:book_export", args=["xlsx"]), query)
    assert response.status_code == expected


def test_it_keeps_a_clerk_to_their_own_agency(client, city):
    client.force_login(city.users["agendaris.kominfo"])
    query = {"book": "numbers", "start": "2026-11-01", "end": "2026-11-30", "paper": "A4",
             "agency": city.agencies["Dinas PUPR"].code}  # fmt: skip
    assert client.get(reverse("reports:book_export", args=["pdf"]), query).status_code == 404


def test_it_refuses_anonymous_users_and_wrong_methods(client, city):
    for name in DASHBOARD + ["reports:books", "reports:prices"]:
        response = _get(client, name)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(city.users["admin"])
    assert client.post(reverse("reports:dashboard")).status_code == 405


@pytest.mark.parametrize("who,expected", [
    ("admin", 200), ("sekda", 404), ("agency_admin", 404), ("agendaris.kominfo", 404),
])  # fmt: skip
def test_it_lets_only_the_government_admin_set_prices(client, city, agency_admin, who, expected):
    user = agency_admin if who == "agency_admin" else city.users[who]
    client.force_login(user)
    assert client.get(reverse("reports:prices")).status_code == expected


def test_it_saves_prices_with_an_audit_event(client, city):
    client.force_login(city.users["admin"])
    data = {"per_sheet": "150", "toner_per_page": "175", "per_envelope": "600",
            "sheets_per_ream": "500"}  # fmt: skip
    response = client.post(reverse("reports:prices"), data)
    assert response.status_code == 302
    prices = PaperPrices.objects.get(government=city.government)
    assert (prices.per_sheet, prices.per_envelope) == (150, 600)
    event = AuditEvent.objects.get(action="reports.prices_changed")
    assert event.data["changes"]["per_sheet"] == ["120.00", "150"]
    client.post(reverse("reports:prices"), data)  # the same prices again: nothing recorded
    assert AuditEvent.objects.filter(action="reports.prices_changed").count() == 1
    data["per_sheet"] = "-1"
    assert client.post(reverse("reports:prices"), data).status_code == 200


def test_it_links_the_pages_in_the_navigation_only_for_who_may_see_them(client, city):
    client.force_login(city.users["sekda"])
    page = client.get(reverse("letters:inbox")).content.decode()
    assert reverse("reports:dashboard") in page
    client.force_login(city.users["staf.aptika"])
    page = client.get(reverse("letters:inbox")).content.decode()
    assert reverse("reports:dashboard") not in page and reverse("reports:books") not in page
