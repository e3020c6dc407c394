"""The city IT administrator onboards two agencies from a workbook: template, errors, import."""

from e2e.conftest import login, t
from esurat.onboarding.tests.conftest import sheets, xlsx


def test_the_admin_imports_the_organisation_from_a_workbook(city, open_page, live_server, shoot):
    from esurat.organisations.models import Agency, Position

    page = open_page()
    page.set_default_timeout(60000)
    login(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/onboarding/import/")
    shoot(page, "import-page")
    with page.expect_download() as download:
        page.locator("[data-template]").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    broken = sheets()
    broken["Pegawai"][0][0] = "19800101"  # a NIP too short
    broken["Jabatan"][1][4] = "DISPAR-404"  # an unknown superior
    page.set_input_files("#id_file", files=[{"name": "organisasi.xlsx", "buffer": xlsx(broken),
                                             "mimeType": "application/octet-stream"}])  # fmt: skip
    page.get_by_role("button", name=t("Check the workbook")).click()
    page.locator("[data-problems]").wait_for()
    shoot(page, "dry-run-problems")
    assert page.locator("tr[data-problem]").count() >= 2
    assert page.get_by_role("button", name=t("Import now")).count() == 0
    assert not Agency.objects.filter(unit_code="DISPAR").exists()

    page.goto(f"{live_server.url}/onboarding/import/")
    page.set_input_files("#id_file", files=[{"name": "organisasi.xlsx", "buffer": xlsx(),
                                             "mimeType": "application/octet-stream"}])  # fmt: skip
    page.get_by_role("button", name=t("Check the workbook")).click()
    page.locator("[data-counts]").wait_for()
    shoot(page, "dry-run-clean")
    page.get_by_role("button", name=t("Import now")).click()
    page.locator("[data-done]").wait_for()
    shoot(page, "imported")
    assert Position.objects.filter(agency__unit_code="DISPAR").count() == 3

    page.goto(f"{live_server.url}/onboarding/")
    shoot(page, "overview")
    page.get_by_role("link", name="Dispar").click()
    page.select_option("#id_state", "trial")
    page.fill("#id_on", "2026-11-02")
    page.get_by_role("button", name=t("Change")).click()
    page.get_by_text(t("The onboarding state was changed.")).wait_for()
    shoot(page, "agency-trial")
    assert Agency.objects.get(unit_code="DISPAR").onboarding.state == "trial"
    phone = open_page(phone=True, session_of=page)
    phone.goto(f"{live_server.url}/onboarding/")
    shoot(phone, "overview-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
