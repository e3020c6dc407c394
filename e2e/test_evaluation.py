"""The Sekda reads the evaluation of a trial week, with its charts, on a desktop and a phone."""

from e2e.conftest import login, t
from esurat.reports.tests.conftest import build_week


def test_the_sekda_reads_the_evaluation_on_desktop_and_phone(city, open_page, live_server,
                                                             shoot):  # fmt: skip
    build_week(city)
    page = open_page()
    page.set_default_timeout(60000)  # the live server's first page, on a busy machine
    login(page, live_server.url, "sekda")
    page.get_by_role("link", name=t("Evaluation")).first.click()
    page.fill("input[name=start]", "2026-11-02")
    page.fill("input[name=end]", "2026-11-06")
    page.get_by_role("button", name=t("Show")).click()
    page.wait_for_url("**start=2026-11-02**")
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    assert page.get_by_role("img", name=t("Copies sent per day")).is_visible()
    assert "13 + 3 = 16" in page.locator("body").inner_text()
    shoot(page, "evaluation-desktop")
    phone = open_page(phone=True, session_of=page)
    phone.set_default_timeout(60000)
    phone.goto(page.url)
    shoot(phone, "evaluation-phone")
    wide = phone.evaluate("""[...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > 360.5).map(e => e.tagName + '.' + e.className)""")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, wide
    box = phone.get_by_role("img", name=t("Copies sent per day")).bounding_box()
    assert box["width"] >= 300  # the chart takes the phone's width: its 10-px text stays legible


def test_a_clerk_prints_the_incoming_agenda_book(city, open_page, live_server, shoot):
    build_week(city)
    page = open_page(phone=True)
    page.set_default_timeout(60000)
    login(page, live_server.url, "agendaris.kominfo")
    page.goto(f"{live_server.url}/reports/books/")
    page.fill("input[name=start]", "2026-11-01")
    page.fill("input[name=end]", "2026-11-30")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(page, "books-form-phone")
    with page.expect_download() as download:
        page.get_by_role("button", name=t("Download (XLSX)")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
