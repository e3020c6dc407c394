"""Scan first (issue 9, item 6): the registry clerk of Diskominfo uploads the scan of a paper
letter (a picture-only PDF, so it goes through OCR), sees the form come back filled with what was
read, each proposed field marked "check", corrects the number against the paper, types only what OCR cannot know,
and registers. The same page is looked at on a 360px phone. The database is checked at the end.
"""

import re

from e2e.conftest import login, t
from esurat.audit.models import AuditEvent
from esurat.letters.models import IncomingScan, Letter, Registration
from esurat.letters.tests.incoming_factories import image_only_pdf
from esurat.search.models import LetterText

NUMBER = "005/123/DISKOMINFO/XI/2026"
SUBJECT = "Undangan Rapat Koordinasi"


def test_scan_first(city, open_page, live_server, shoot):
    url = live_server.url
    clerk = open_page()
    login(clerk, url, "agendaris.kominfo")
    clerk.goto(f"{url}/letters/incoming/new/")
    shoot(clerk, "step-1-choose-scan")
    clerk.locator("#id_scan").set_input_files(
        files=[{"name": "undangan-kominfo.pdf", "mimeType": "application/pdf",
                "buffer": image_only_pdf()}]
    )  # fmt: skip
    # The worker reads the scan (tests run tasks at once, after the upload commits): OCR takes
    # a few seconds.
    with clerk.expect_navigation(url=re.compile(r"\?scan=[0-9a-f-]{36}$"), timeout=120_000):
        clerk.get_by_role("button", name=t("Upload and read the scan")).click(timeout=120_000)
    upload = IncomingScan.objects.get()
    assert upload.state == "done" and upload.source == "ocr", upload.error

    status = clerk.locator("#scan-status")
    read = "The scan was read. The marked fields were filled in from it: check each against the "
    status.get_by_text(t(read + "paper, correct it if needed, and fill in the rest.")).wait_for()
    read_number = clerk.locator("#id_sender_number").input_value()
    assert read_number.startswith("005/123/DISKOMINFO"), read_number  # OCR may misread a letter
    assert clerk.locator("#id_subject").input_value() == SUBJECT
    assert clerk.locator("#id_sender_date").input_value() == "2026-11-23"
    read_sender = clerk.locator("#id_sender_name").input_value()
    assert "KOMUNIKASI" in read_sender.upper(), read_sender
    marks = clerk.locator("[data-proposed]")
    assert marks.count() == 4
    assert t("Proposed from the scan — check it against the paper.") in marks.first.inner_text()
    shoot(clerk, "step-2-proposal-filled")

    phone = open_page(phone=True, session_of=clerk)
    phone.goto(clerk.url)
    assert phone.locator("#id_subject").input_value() == SUBJECT
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"
    shoot(phone, "step-2-on-phone")

    # The clerk corrects the number against the paper, types what OCR cannot know (the
    # classification), and registers.
    clerk.locator("#id_sender_number").fill(NUMBER)
    clerk.locator("#id_classification").fill("000.1.5")
    shoot(clerk, "step-2-corrected")
    clerk.get_by_role("button", name=t("Register and issue agenda number")).click()
    clerk.wait_for_url(re.compile(r"/letters/incoming/[0-9a-f-]{36}/$"))
    letter = Letter.objects.get()
    agenda = Registration.objects.get(letter=letter, direction="in").agenda_number
    assert agenda in clerk.content()
    shoot(clerk, "registered")

    assert (letter.sender.name, letter.sender_number) == (read_sender, NUMBER)
    assert letter.subject == SUBJECT
    assert letter.sender_date.isoformat() == "2026-11-23"
    assert letter.classification.code == "000.1.5"
    attachment = letter.attachments.get()
    upload.refresh_from_db()
    assert upload.letter == letter and attachment.sha256 == upload.sha256
    assert LetterText.objects.get(letter=letter).state == "done"
    event = AuditEvent.objects.get(action="letter.registered", letter=letter)
    assert event.data["scan_upload"] == str(upload.code)
    # Opening the step-2 address again (back button, a second tab) leads to the letter.
    clerk.goto(f"{url}/letters/incoming/new/?scan={upload.code}")
    clerk.wait_for_url(re.compile(rf"/letters/incoming/{letter.code}/$"))
    assert Letter.objects.count() == 1


def test_scan_first_fills_only_what_was_not_typed_while_reading(
    city, open_page, live_server, shoot, settings
):
    """The worker is slow: the page says the scan is being read and polls; the clerk types the
    subject meanwhile; once read, only the empty fields are filled in, and the subject stays."""
    from django.tasks import task_backends

    from esurat.letters.tasks import read_incoming_scan
    from esurat.letters.tests.incoming_factories import text_pdf

    url = live_server.url
    clerk = open_page()
    login(clerk, url, "agendaris.kominfo")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    task_backends["default"].clear()
    clerk.goto(f"{url}/letters/incoming/new/")
    clerk.locator("#id_scan").set_input_files(
        files=[{"name": "surat-bappeda.pdf", "mimeType": "application/pdf", "buffer": text_pdf()}]
    )
    clerk.get_by_role("button", name=t("Upload and read the scan")).click()
    clerk.wait_for_url(re.compile(r"\?scan=[0-9a-f-]{36}$"))
    being_read = "The scan is being read. You can fill in the form meanwhile: what you type is "
    clerk.get_by_text(t(being_read + "kept, and only empty fields will be filled in.")).wait_for()
    clerk.locator("#id_subject").fill("Permohonan data (diketik petugas)")
    shoot(clerk, "being-read")
    # The worker reads the scan just after a poll (the page asks every 3 s), so the two never
    # share the test database's one connection at the same moment.
    with clerk.expect_response(lambda r: "/status/" in r.url):
        pass
    assert read_incoming_scan.call(str(IncomingScan.objects.get().code)) == "done"
    clerk.locator("#fld-sender_number [data-proposed]").wait_for(timeout=15_000)
    assert clerk.locator("#id_sender_number").input_value() == "050/77/BAPPEDA/X/2026"
    assert clerk.locator("#id_subject").input_value() == "Permohonan data (diketik petugas)"
    assert clerk.locator("#fld-subject [data-proposed]").count() == 0
    shoot(clerk, "filled-after-reading")
