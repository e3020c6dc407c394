"""The bell (issue 10): the clerk sends two letters on to the head of Dinas PUPR; the Kadis sees
the bell's count in the top bar, opens the list, follows one entry to its letter, marks the rest
read; on a 360px phone the bell is the tab bar's last tab, and the settings page fits; the
digest's one-tap link opens the letter after the login, on a phone not logged in."""

import datetime
import re
from urllib.parse import urlsplit

from e2e.conftest import login, t
from esurat.letters.incoming import do_register_incoming, do_send_to_head
from esurat.letters.models import Classification, LetterKind
from esurat.notifications.links import one_tap_url

PUPR = "Dinas PUPR"


def _sent_to_head(city, subject: str, number: str, urgency="biasa"):
    clerk = city.users["agendaris.pupr"]
    today = city.government.today()
    letter = do_register_incoming(
        user=clerk, agency=city.agencies[PUPR], sender_name="Kementerian Pekerjaan Umum",
        sender_number=number, sender_date=today - datetime.timedelta(days=2), received_on=today,
        channel="paper", kind=LetterKind.objects.get(code="surat-dinas"),
        classification=Classification.objects.get(code="000.1.2.3"), security="B",
        urgency=urgency, subject=subject, scan=None,
    )  # fmt: skip
    return do_send_to_head(letter=letter, user=clerk)


def test_notifications(city, open_page, live_server, shoot):
    url = live_server.url
    first = _sent_to_head(city, "Permohonan data jembatan rawan banjir", "PR.02.01/77/2026",
                          urgency="segera")  # fmt: skip
    _sent_to_head(city, "Undangan rapat evaluasi jalan kota", "PR.01.01/123/2026")

    kadis = open_page()
    login(kadis, url, "kadis.pupr")
    bell = kadis.locator("a.bell-btn")
    assert bell.get_attribute("aria-label") == "Pemberitahuan, 2 belum dibaca"
    shoot(kadis, "desktop-bell")
    bell.click()
    kadis.wait_for_url(re.compile(r"/notifications/$"))
    entries = kadis.locator(".notification-list li")
    assert entries.count() == 2
    assert entries.first.get_by_text("Surat baru: Undangan rapat evaluasi jalan kota").is_visible()
    shoot(kadis, "desktop-list")
    kadis.get_by_text("Surat baru: Permohonan data jembatan rawan banjir").click()
    kadis.wait_for_url(re.compile(rf"/letters/{first.code}/"))
    kadis.goto(f"{url}/notifications/")
    assert kadis.locator(".notification-unread").count() == 1
    kadis.get_by_role("button", name=t("Mark read")).click()  # htmx: the entry is replaced
    kadis.wait_for_function("document.querySelectorAll('.notification-unread').length === 0")
    # The bell follows at once (swapped out of band), without a reload.
    kadis.wait_for_function(
        f"document.querySelector('#bell-top').getAttribute('aria-label') === {t('Notifications')!r}"
    )
    kadis.reload()
    assert kadis.locator("a.bell-btn").get_attribute("aria-label") == t("Notifications")

    phone = open_page(phone=True, session_of=kadis)
    _sent_to_head(city, "Pemberitahuan pemeliharaan drainase", "PR.03.01/5/2026")
    phone.goto(f"{url}/letters/inbox/")
    tab = phone.locator(".tabbar a.bell-tab")
    assert tab.is_visible() and tab.get_attribute("aria-label") == "Pemberitahuan, 1 belum dibaca"
    assert not phone.locator("a.bell-btn").is_visible()
    box = tab.bounding_box()
    assert box["x"] + box["width"] <= 360
    shoot(phone, "phone-inbox-bell")
    tab.click()
    phone.wait_for_url(re.compile(r"/notifications/$"))
    shoot(phone, "phone-list")
    phone.get_by_role("link", name=t("Settings")).click()
    phone.wait_for_url(re.compile(r"/notifications/settings/$"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the settings page scrolls sideways ({width}px)"
    shoot(phone, "phone-settings")

    # The morning digest's one-tap link, opened on a phone that is not logged in: the login
    # page first (the link logs nobody in), then the letter itself.
    link = one_tap_url(user=city.users["kadis.pupr"], path=f"/letters/{first.code}/",
                       purpose="digest")  # fmt: skip
    fresh = open_page(phone=True)
    fresh.goto(url + urlsplit(link).path)
    fresh.wait_for_url(re.compile(r"/accounts/login/"))
    shoot(fresh, "phone-digest-link-login")
    fresh.fill("input[name=username]", "kadis.pupr")
    fresh.fill("input[name=password]", "pw")
    fresh.click("button[type=submit]")
    fresh.wait_for_url(re.compile(rf"/letters/{first.code}/"))
    assert fresh.get_by_text("Permohonan data jembatan rawan banjir").first.is_visible()
    shoot(fresh, "phone-digest-link-letter")
