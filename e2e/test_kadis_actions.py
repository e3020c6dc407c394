"""The Kadis's action list on a phone (issue 9, item 3): the clerk sends two letters from outside
to the head of Dinas PUPR; the Sekretaris Dinas, the head's delegate, prepares a disposition of
one. The Kadis, on a 360px phone, finds both in "Perlu tindakan saya" - the letter to dispose and
the prepared disposition to approve - and the Disposisi tab one tap away with its count; she
approves the proposal from there."""

import datetime
import re

from e2e.conftest import login, starts, t
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import add_holder
from esurat.letters.incoming import do_register_incoming, do_send_to_head
from esurat.letters.models import Classification, LetterKind
from esurat.organisations.models import Assignment

PUPR = "Dinas PUPR"
KADIS = "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"
BINA_MARGA = "Kepala Bidang Bina Marga"
TO_DISPOSE = "Permohonan data jembatan rawan banjir"
PREPARED = "Penanganan ruas jalan nasional di wilayah kota"


def _sent_to_head(city, subject: str, number: str):
    """Set-up through the real actions: the PUPR clerk registers a letter and sends it on."""
    clerk = city.users["agendaris.pupr"]
    today = city.government.today()
    letter = do_register_incoming(
        user=clerk, agency=city.agencies[PUPR], sender_name="Kementerian Pekerjaan Umum",
        sender_number=number, sender_date=today - datetime.timedelta(days=2), received_on=today,
        channel="paper", kind=LetterKind.objects.get(code="surat-dinas"),
        classification=Classification.objects.get(code="000.1.2.3"), security="B",
        urgency="segera", subject=subject, scan=None,
    )  # fmt: skip
    return do_send_to_head(letter=letter, user=clerk)


def test_kadis_actions(city, open_page, live_server, shoot):
    url = live_server.url
    add_holder(city, "kabid.binamarga", PUPR, BINA_MARGA)
    sekdis = add_holder(city, "sekdis.pupr", PUPR, "Sekretaris Dinas")
    Assignment.objects.create(position=city.position(PUPR, KADIS), user=sekdis,
                              kind=Assignment.Kind.DELEGATE)  # fmt: skip
    waiting = _sent_to_head(city, TO_DISPOSE, "PR.02.01/77/2026")
    letter = _sent_to_head(city, PREPARED, "PR.01.01/123/2026")

    # 1. The Sekdis (delegate) sees both letters in her action list and prepares one disposition.
    delegate = open_page()
    login(delegate, url, "sekdis.pupr")
    delegate.goto(f"{url}/letters/action/")
    section = delegate.locator("#to-dispose + ul")
    assert section.locator("[data-entry=to-dispose]").count() == 2
    shoot(delegate, "delegate-action-list")
    section.locator("[data-entry=to-dispose]", has_text=PREPARED).get_by_role(
        "link", name=t("Dispose")
    ).click()
    delegate.wait_for_url(re.compile(r"/dispose/"))
    delegate.locator(f"#to-{city.position(PUPR, BINA_MARGA).code}").check()
    delegate.locator("label.btn", has_text="Untuk ditindaklanjuti").click()
    delegate.locator("form button[type=submit]").last.click()
    delegate.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))
    prepared = Disposition.objects.get(letter=letter)
    assert prepared.state == Disposition.State.PREPARED and prepared.created_by == sekdis
    shoot(delegate, "delegate-prepared")

    # 2. The Kadis on a phone: the Disposisi tab is in the bar with its count, and her action
    # list holds the letter to dispose and the disposition to approve.
    head = open_page(phone=True)
    login(head, url, "kadis.pupr")
    tabs = head.get_by_role("navigation", name=t("Letter boxes"))
    dispositions_tab = tabs.get_by_role("link", name=starts(t("Dispositions")))
    assert dispositions_tab.is_visible()
    assert dispositions_tab.locator(".nav-count").inner_text().startswith("1")
    action_tab = tabs.get_by_role("link", name=starts(t("My action")))
    assert action_tab.locator(".nav-count").inner_text().startswith("2")
    box = dispositions_tab.bounding_box()
    assert box["x"] + box["width"] <= 360  # on the screen, no sideways scrolling
    shoot(head, "head-phone-tabs")
    action_tab.click()
    head.wait_for_url(re.compile(r"/letters/action/$"))
    to_dispose = head.locator("[data-entry=to-dispose]")
    to_approve = head.locator("[data-entry=to-approve]")
    assert to_dispose.count() == 1 and TO_DISPOSE in to_dispose.inner_text()
    assert to_approve.count() == 1 and PREPARED in to_approve.inner_text()
    assert t("Prepared by %(name)s", name=sekdis.get_full_name()) in to_approve.inner_text()
    assert head.locator("#to-dispose .badge").inner_text() == "1"
    assert head.locator("#to-approve .badge").inner_text() == "1"
    assert head.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(head, "head-phone-action-list")

    # The letter's entry leads to the letter; the proposal's to the disposition, approved there.
    to_dispose.locator("a.letter-row").click()
    head.wait_for_url(re.compile(rf"/letters/{waiting.code}/$"))
    head.go_back()
    head.locator("[data-entry=to-approve] a.letter-row").click()
    head.wait_for_url(re.compile(rf"/dispositions/{prepared.code}/$"))
    shoot(head, "head-phone-proposal")
    head.get_by_role("button", name=t("Approve and send")).click()
    head.wait_for_load_state()
    prepared.refresh_from_db()
    assert prepared.state == Disposition.State.SENT and prepared.sent_by == city.users["kadis.pupr"]
    head.goto(f"{url}/letters/action/")
    assert head.locator("[data-entry=to-approve]").count() == 0
    assert head.locator("[data-entry=to-dispose]").count() == 1
    tabs = head.get_by_role("navigation", name=t("Letter boxes"))
    assert (
        tabs.get_by_role("link", name=starts(t("Dispositions"))).locator(".nav-count").count() == 0
    )
    shoot(head, "head-phone-after-approval")
