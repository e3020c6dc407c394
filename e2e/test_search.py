"""Search (issue 12): the registry clerk of Diskominfo is asked for "the letter from Bappeda" and
remembers only a word of its letterhead — "Sudirman", the street, which appears nowhere but in
the scan that the worker read. She types it in the top bar's search box, finds the letter with
the word marked in an extract of the scan, and opens it. The same search on a 360 px phone,
from the phone bar's search box. A letter she may not read (secret, straight to the head) is
never shown."""

import re

from e2e.conftest import login, t
from esurat.letters.tests.incoming_factories import image_only_pdf, register, text_pdf
from esurat.search.models import LetterText

WORD = "Sudirman"  # only in the scan's letterhead: "Jl. Jenderal Sudirman No. 1"


def test_search(city, open_page, live_server, shoot):
    url = live_server.url
    bappeda = register(city, subject="Permintaan data rencana kerja", scan_bytes=text_pdf(),
                       sender_name="Badan Perencanaan Pembangunan Daerah",
                       sender_number="050/77/BAPPEDA/X/2026")  # fmt: skip
    assert LetterText.objects.get(letter=bappeda).state == "done"  # read by the worker
    assert WORD.lower() not in (bappeda.subject + bappeda.summary + bappeda.sender.name).lower()
    secret = register(city, subject="Data rahasia kepegawaian", security="R",
                      scan_bytes=text_pdf(), sender_number="050/78/BAPPEDA/X/2026")  # fmt: skip
    register(
        city,
        subject="Undangan rapat koordinasi",
        sender_number="005/9/DINKES/XI/2026",
        scan_bytes=image_only_pdf(dpi=150),
    )  # another letterhead: Jl. Basuki Rahmat

    clerk = open_page()
    login(clerk, url, "agendaris.kominfo")
    box = clerk.get_by_role("searchbox", name=t("Search letters"))
    box.fill(WORD)
    box.press("Enter")
    clerk.wait_for_url(re.compile(r"/search/\?q=Sudirman$"))
    results = clerk.locator(".search-results")
    assert results.locator("li").count() == 1
    assert t("Permintaan data rencana kerja") in results.inner_text()
    assert results.locator("mark").first.inner_text() == WORD
    assert str(secret.code) not in clerk.content()
    height = clerk.locator(".navbar-esurat").bounding_box()["height"]
    assert height < 70, f"the top bar is {height}px high: its links wrap"
    shoot(clerk, "found-by-a-word-of-the-scan")

    results.get_by_role("link").first.click()
    clerk.wait_for_url(re.compile(rf"/letters/(incoming/)?{bappeda.code}/$"))
    shoot(clerk, "the-letter")

    # By number, typed as the caller reads it out, and narrowed by a facet.
    clerk.goto(f"{url}/search/?q=77+bappeda")
    assert clerk.locator(".search-results li").count() == 1
    clerk.locator(".search-facets").get_by_role("link", name=re.compile(t("Registered"))).click()
    clerk.wait_for_url(re.compile(r"state=registered"))
    assert clerk.locator(".search-results li").count() == 1
    shoot(clerk, "by-number-narrowed")
    clerk.goto(f"{url}/search/?q=tidakadasamasekali")
    clerk.locator("[data-empty=no-results]").wait_for()
    shoot(clerk, "nothing-found")

    phone = open_page(phone=True, session_of=clerk)
    phone.goto(f"{url}/letters/inbox/")
    phone.get_by_role("button", name=t("Search letters")).click()
    phone_box = phone.locator("#phone-q")
    phone_box.wait_for()
    shoot(phone, "phone-search-box")
    phone_box.fill(WORD.lower())
    phone_box.press("Enter")
    phone.wait_for_url(re.compile(r"/search/\?q=sudirman$"))
    assert phone.locator(".search-results li").count() == 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"
    shoot(phone, "phone-found")
