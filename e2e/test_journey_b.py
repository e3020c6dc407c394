"""Journey B (DOMAIN.md §3 B): a paper letter from a ministry arrives at Dinas PUPR. The clerk
registers its scan and sends it to the head; the head, on a phone, opens it and disposes it to a
Kabid "Untuk ditindaklanjuti"; the Kabid reports the follow-up; the head sees the branch done.
Every step happens in the browser; the database is checked at the end.
"""

import re

from e2e.conftest import login, t
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition, FollowUp
from esurat.dispositions.tests.conftest import add_holder
from esurat.letters.models import InboxEntry, Letter, Registration
from esurat.letters.tests.incoming_factories import text_pdf

PUPR = "Dinas PUPR"
BINA_MARGA = "Kepala Bidang Bina Marga"
MINISTRY = "Kementerian Pekerjaan Umum Republik Indonesia"
NUMBER = "PR.01.01/123/2026"
SUBJECT = "Penanganan ruas jalan nasional di wilayah kota"
REPORT = "Data ruas jalan sudah dikirim ke kementerian."


def test_journey_b(city, open_page, live_server, shoot):
    url = live_server.url
    add_holder(city, "kabid.binamarga", PUPR, BINA_MARGA)  # vacant in the demo city
    bina_marga = city.position(PUPR, BINA_MARGA)

    # 1. The clerk registers the scanned letter and sends it to the head.
    clerk = open_page()
    login(clerk, url, "agendaris.pupr")
    clerk.goto(f"{url}/letters/incoming/new/")
    clerk.locator("#id_scan").set_input_files(
        files=[
            {"name": "surat-kementerian.pdf", "mimeType": "application/pdf", "buffer": text_pdf()}
        ]  # fmt: skip
    )
    clerk.locator("#id_sender_name").fill(MINISTRY)
    clerk.locator("#id_sender_number").fill(NUMBER)
    clerk.locator("#id_subject").fill(SUBJECT)
    clerk.locator("#id_classification").fill("000.1.2.3")
    shoot(clerk, "clerk-registers")
    clerk.get_by_role("button", name=t("Register and issue agenda number")).click()
    clerk.wait_for_url(re.compile(r"/letters/incoming/[0-9a-f-]{36}/$"))
    letter = Letter.objects.get(subject=SUBJECT)
    agenda = Registration.objects.get(letter=letter, direction="in").agenda_number
    assert agenda in clerk.content()
    shoot(clerk, "registered")
    head_title = letter.agency.head_position().title
    clerk.get_by_role("button", name=t("Send to the head: %(head)s", head=head_title)).click()
    clerk.wait_for_url(re.compile(r"/letters/incoming/[0-9a-f-]{36}/$"))
    shoot(clerk, "sent-to-head")

    # 2. The head, on a phone, opens the letter and disposes it to Kabid Bina Marga.
    head = open_page(phone=True)
    login(head, url, "kadis.pupr")
    head.goto(f"{url}/letters/incoming/{letter.code}/")
    assert SUBJECT in head.content()
    shoot(head, "head-opens-on-phone")
    head.goto(f"{url}/dispositions/letter/{letter.code}/dispose/")
    head.locator(f"#to-{bina_marga.code}").check()
    head.locator("label.btn", has_text="Untuk ditindaklanjuti").click()
    shoot(head, "head-disposes")
    head.get_by_role("button", name=t("Send disposition")).click()
    head.wait_for_load_state()
    disposition = Disposition.objects.get(letter=letter, to_position=bina_marga)
    assert disposition.state == Disposition.State.SENT
    shoot(head, "disposed")

    # 3. The Kabid reports the follow-up.
    kabid = open_page()
    login(kabid, url, "kabid.binamarga")
    kabid.goto(f"{url}/dispositions/")
    assert SUBJECT in kabid.content()
    shoot(kabid, "kabid-receives")
    kabid.goto(f"{url}/dispositions/{disposition.code}/report/")
    kabid.locator("#id_text").fill(REPORT)
    shoot(kabid, "kabid-reports")
    kabid.get_by_role("button", name=t("Report and close")).click()
    kabid.wait_for_load_state()
    shoot(kabid, "reported")

    # 4. The head sees the tree with the branch done.
    head.goto(f"{url}/dispositions/letter/{letter.code}/tree/")
    done = head.locator(".badge.text-bg-success", has_text=t("Done"))
    done.first.wait_for()
    assert BINA_MARGA in head.content()
    shoot(head, "head-sees-done")

    # The database: registered, sent to the head, disposed once, followed up, all audited.
    letter.refresh_from_db()
    disposition.refresh_from_db()
    assert letter.origin == Letter.Origin.REGISTERED and letter.state == Letter.State.SENT
    assert letter.sender.name == MINISTRY and letter.sender_number == NUMBER
    assert InboxEntry.objects.filter(letter=letter, position__is_head=True).count() == 1
    assert disposition.state == Disposition.State.DONE and disposition.read_at is not None
    assert [i.name for i in disposition.instructions.all()] == ["Untuk ditindaklanjuti"]
    assert FollowUp.objects.get(disposition=disposition).text == REPORT
    actions = set(AuditEvent.objects.filter(letter=letter).values_list("action", flat=True))
    assert {"letter.registered", "letter.sent_to_head", "disposition.sent"} <= actions
    assert open_page.script_errors == []
