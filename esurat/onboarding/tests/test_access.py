"""Who may onboard: the government admin everything, an agency admin their agency, others 404."""

import pytest
from django.urls import reverse

from esurat.onboarding.models import Import
from esurat.onboarding.tests.conftest import last_import, sheets, upload, xlsx
from esurat.organisations.models import Agency, Position

pytestmark = pytest.mark.django_db

PAGES = ["onboarding:overview", "onboarding:imports", "onboarding:template", "onboarding:export"]


@pytest.mark.parametrize("username", ["agendaris.kominfo", "staf.aptika", "kadis.pupr"])
def test_it_answers_not_found_to_everyone_else(client, city, username):
    client.force_login(city.users[username])
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    agency = city.agencies["Diskominfo"]
    assert client.get(reverse("onboarding:agency", kwargs={"code": agency.code})).status_code == 404
    assert upload(client, xlsx()).status_code == 404 and not Import.objects.exists()


def test_it_sends_anonymous_users_to_the_login_page(client, city):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lets_the_government_admin_see_every_agency(client, admin, city):
    response = client.get(reverse("onboarding:overview"))
    assert response.status_code == 200
    assert response.content.count(b'href="/onboarding/agency/') == Agency.objects.count()


def test_it_refuses_an_agency_admin_the_rows_of_another_agency(client, city, agency_admin):
    client.force_login(agency_admin)
    upload(client, xlsx())  # DISPAR and DISHUB are not theirs
    row = last_import()
    messages = {(p["sheet"], p["row"]) for p in row.report["problems"]}
    assert ("Perangkat Daerah", 2) in messages and ("Perangkat Daerah", 3) in messages
    # Every row of those agencies, on every sheet, says why.
    assert ("Unit", 2) in messages and ("Jabatan", 5) in messages
    assert all("not one of them" in p["message"] for p in row.report["problems"]
               if p["sheet"] in ("Perangkat Daerah", "Unit", "Jabatan"))  # fmt: skip
    assert not Agency.objects.filter(unit_code="DISPAR").exists()


def test_it_lets_an_agency_admin_import_their_own_agency(client, city, agency_admin):
    client.force_login(agency_admin)
    exported = client.get(reverse("onboarding:export")).content
    from esurat.onboarding import workbook

    read = workbook.read(exported)
    assert [r["Kode"] for r in read["Perangkat Daerah"]] == ["DISKOMINFO"]
    data = {title: [[r[h] for h in workbook.SHEETS[title]] for r in rows]
            for title, rows in read.items()}  # fmt: skip
    data["Jabatan"].append(["DISKOMINFO", "KOMINFO-NEW", "Pranata Humas", "", "", "Tidak", "Tidak"])
    upload(client, workbook.write(data))
    row = last_import()
    assert row.report["problem_total"] == 0, row.report
    assert row.report["counts"]["Jabatan"] == {"new": 1, "unchanged": 7}
    client.post(reverse("onboarding:import_run", kwargs={"code": row.code}))
    assert Position.objects.filter(import_key__key="KOMINFO-NEW",
                                   agency=city.agencies["Diskominfo"]).exists()  # fmt: skip
    # Another agency's page and the government admin's imports stay hidden.
    pupr = city.agencies["Dinas PUPR"]
    assert client.get(reverse("onboarding:agency", kwargs={"code": pupr.code})).status_code == 404
    client.force_login(city.users["admin"])
    upload(client, xlsx(sheets()))
    theirs = last_import()
    client.force_login(agency_admin)
    url = reverse("onboarding:import_detail", kwargs={"code": theirs.code})
    assert client.get(url).status_code == 404


def test_it_shows_the_onboarding_link_to_administrators_only(client, city, agency_admin):
    for username, shown in (("admin", True), ("kabid.aptika", True), ("staf.aptika", False)):
        client.force_login(city.users[username])
        page = client.get(reverse("letters:inbox")).content
        assert (b'href="/onboarding/"' in page) is shown, username


@pytest.mark.parametrize("role", ["admin_pemda", "pimpinan"])
def test_it_refuses_an_agency_admin_a_role_over_the_whole_city(client, city, agency_admin, role):
    client.force_login(agency_admin)
    exported = client.get(reverse("onboarding:export")).content
    from esurat.onboarding import workbook

    read = workbook.read(exported)
    data = {title: [[r[h] for h in workbook.SHEETS[title]] for r in rows]
            for title, rows in read.items()}  # fmt: skip
    data["Peran"].append([agency_admin.nip, role, ""])
    upload(client, workbook.write(data))
    problems = last_import().report["problems"]
    assert [(p["sheet"], p["message"]) for p in problems] == [
        ("Peran", "Only a government administrator may grant a role over the whole city.")
    ]
