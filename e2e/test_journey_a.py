"""Journey A (DOMAIN.md §3 A): a nota dinas from Diskominfo to the head of Dinas PUPR, tembusan
Sekda — drafted, returned, revised, approved, signed on a phone, delivered and read. Every step
happens in the browser; the database is checked at the end.
"""

import re

from django.utils import timezone

from e2e.conftest import SIGNING_PASSPHRASE, choose_classification, login, pick, starts, t
from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.letters.models import Attachment, InboxEntry, Letter, Registration
from esurat.tests.tools import ONE_PAGE_PDF

SUBJECT = "Permohonan dukungan data jaringan jalan untuk aplikasi SIJALAN"
BODY = "Dengan hormat, kami mohon dukungan data ruas jalan kota untuk aplikasi SIJALAN."
REVISION = " Data diharapkan kami terima paling lambat akhir bulan ini."
RETURN_NOTE = "Mohon cantumkan batas waktu penyampaian data."
PDF = ONE_PAGE_PDF


def open_letter_from(page, nav_text: str, subject: str):
    """Click a letter box in the menu, then the letter's row in it."""
    page.get_by_role("link", name=starts(nav_text)).first.click()
    page.get_by_role("link", name=re.compile(re.escape(subject))).first.click()
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))


def write_the_letter(page, shoot):
    page.get_by_role("link", name=re.compile(re.escape(t("Write a letter")))).click()
    page.wait_for_url("**/letters/new/")
    choose_classification(page)
    page.get_by_label(t("Subject")).fill(SUBJECT)
    page.locator("trix-editor").click()
    page.keyboard.type(BODY)

    # To: the head of Dinas PUPR, found by typing in the picker's search box.
    to = page.get_by_role("group", name=t("To"), exact=True)
    pick(page, to, "PUPR", starts(t("Head of %(agency)s", agency="Dinas PUPR")))
    # Tembusan: the Sekda's position, found by the server's search.
    cc = page.get_by_role("group", name=t("Copy to (tembusan)"), exact=True)
    pick(page, cc, "Sekretaris Daerah", starts("Sekretaris Daerah"))
    shoot(page, "compose")
    page.get_by_role("button", name=t("Save draft")).click()
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))
    shoot(page, "saved")


def test_journey_a(city, open_page, live_server, shoot):
    url = live_server.url

    # 1. The drafter writes the nota dinas, attaches a PDF and submits it.
    staff = open_page()
    login(staff, url, "staf.aptika")
    assert staff.locator("html").get_attribute("lang") == "id"
    write_the_letter(staff, shoot)
    letter = Letter.objects.get(subject=SUBJECT)
    assert letter.state == Letter.State.DRAFT and letter.classification.code == "000.1.2.3"
    assert BODY in letter.body
    letter_url = f"{url}/letters/{letter.code}/"
    staff.get_by_label(t("File to attach")).set_input_files(
        files=[{"name": "data-ruas-jalan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    staff.get_by_role("button", name=t("Attach"), exact=True).click()
    staff.get_by_role("link", name="data-ruas-jalan.pdf").wait_for()
    shoot(staff, "attached")
    staff.get_by_role("button", name=t("Submit"), exact=True).click()
    staff.get_by_text(t("The draft was submitted.")).wait_for()
    shoot(staff, "submitted")
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW

    # 2. The Kabid finds it under "Needs my action" and returns it with a note.
    kabid = open_page()
    login(kabid, url, "kabid.aptika")
    kabid.get_by_role("link", name=starts(t("Needs my action"))).first.click()
    shoot(kabid, "kabid-needs-action")
    open_letter_from(kabid, t("Needs my action"), SUBJECT)
    kabid.get_by_label(t("Note (required when returning)")).fill(RETURN_NOTE)
    shoot(kabid, "kabid-returning")
    kabid.get_by_role("button", name=t("Return to the drafter")).click()
    kabid.get_by_text(t("Returned to the drafter.")).wait_for()
    shoot(kabid, "kabid-returned")
    letter.refresh_from_db()
    assert letter.state == Letter.State.RETURNED

    # 3. The drafter reads the note, edits (a new version) and submits again.
    open_letter_from(staff, t("Drafts"), SUBJECT)
    staff.locator(".action-panel").get_by_text(RETURN_NOTE).wait_for()
    shoot(staff, "returned-with-note")
    staff.get_by_role("link", name=t("Edit"), exact=True).click()
    staff.wait_for_url("**/edit/")
    editor = staff.locator("trix-editor")
    editor.click()
    staff.keyboard.press("Control+End")
    staff.keyboard.type(REVISION)
    shoot(staff, "editing")
    staff.get_by_role("button", name=t("Save draft")).click()
    staff.get_by_text(t("The changes were saved.")).wait_for()
    letter.refresh_from_db()
    assert letter.version == 2 and REVISION.strip() in letter.body
    assert letter.versions.count() == 2
    staff.get_by_role("button", name=t("Submit"), exact=True).click()
    staff.get_by_text(t("The draft was submitted.")).wait_for()
    shoot(staff, "resubmitted")

    # 4. The Kabid approves (paraf).
    open_letter_from(kabid, t("Needs my action"), SUBJECT)
    kabid.get_by_text(REVISION.strip()).first.wait_for()
    kabid.get_by_role("button", name=t("Approve (paraf)")).click()
    kabid.get_by_text(t("Approved.")).first.wait_for()
    shoot(kabid, "kabid-approved")
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE

    # 5. The Kadis signs on a phone: first a wrong password, then the right one.
    kadis = open_page(phone=True)
    login(kadis, url, "kadis.kominfo")
    shoot(kadis, "kadis-phone-inbox")
    open_letter_from(kadis, t("My action"), SUBJECT)
    shoot(kadis, "kadis-phone-letter")
    kadis.get_by_role("link", name=t("Read and sign")).click()
    kadis.wait_for_url("**/sign/")
    assert kadis.locator("html").get_attribute("lang") == "id"
    kadis.get_by_label(t("Your password")).fill("bukan-sandinya")
    kadis.get_by_label(t("Signing passphrase")).fill(SIGNING_PASSPHRASE)
    kadis.get_by_role("button", name=t("Sign and send")).click()
    kadis.get_by_role("alert").first.wait_for()
    shoot(kadis, "kadis-phone-wrong-password")
    assert "sign" in kadis.url
    alert = kadis.get_by_role("alert").first.inner_text()
    assert "password" in alert.lower() or "sandi" in alert.lower(), alert
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and letter.number == ""
    assert kadis.locator("[data-first-certificate]").is_visible()  # chooses a passphrase now
    kadis.get_by_label(t("Your password")).fill("pw")
    kadis.get_by_label(t("Signing passphrase")).fill(SIGNING_PASSPHRASE)
    kadis.get_by_role("button", name=t("Sign and send")).click()
    kadis.get_by_text(t("The letter was signed and sent.")).wait_for()
    shoot(kadis, "kadis-phone-signed")
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT and letter.number
    assert letter.signed_documents.get().level.startswith("PAdES")  # the default provider
    number = letter.number
    assert kadis.locator(".letter-number").inner_text().endswith(number)
    assert re.fullmatch(r"000\.1\.2\.3/\d+/DISKOMINFO/[IVX]+/\d{4}", number), number

    # 6. The head of Dinas PUPR finds it unread in the inbox, with its number, and opens it.
    pupr = open_page()
    login(pupr, url, "kadis.pupr")
    row = pupr.locator("a.letter-row", has_text=SUBJECT)
    assert "unread" in row.get_attribute("class")
    assert number in row.inner_text()
    shoot(pupr, "pupr-inbox-unread")
    row.click()
    pupr.get_by_text(number).first.wait_for()
    shoot(pupr, "pupr-letter")

    # 7. The drafter sees the read receipt on the letter page.
    staff.goto(letter_url)
    receipts = staff.locator("#receipts")
    receipts.get_by_text(city.users["kadis.pupr"].get_full_name()).wait_for()
    shoot(staff, "read-receipt")

    # The record.
    kominfo, pupr_agency, setda = (city.agencies[a] for a in ("Diskominfo", "Dinas PUPR", "Setda"))
    head_pupr = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    entries = {e.position_id: e for e in InboxEntry.objects.filter(letter=letter)}
    sekda = city.position("Setda", "Sekretaris Daerah")
    assert set(entries) == {head_pupr.pk, sekda.pk}
    assert entries[head_pupr.pk].read_by == city.users["kadis.pupr"]
    assert entries[head_pupr.pk].read_at is not None and entries[head_pupr.pk].kind == "to"
    assert entries[sekda.pk].read_at is None and entries[sekda.pk].kind == "cc"
    year = timezone.localdate(letter.signed_at, city.government.zone).year
    books = {(r.agency_id, r.direction): r for r in Registration.objects.filter(letter=letter)}
    assert set(books) == {(kominfo.pk, "out"), (pupr_agency.pk, "in"), (setda.pk, "in")}
    assert all(r.year == year and r.seq == 1 for r in books.values())
    assert (
        Attachment.objects.filter(letter=letter, original_name="data-ruas-jalan.pdf").count() == 1
    )
    actions = list(AuditEvent.objects.filter(letter=letter).order_by("seq")
                   .values_list("action", flat=True))  # fmt: skip
    for expected in ("letter.created", "letter.attachment_added", "letter.submitted",
                     "letter.returned", "letter.updated", "letter.approved", "letter.signed",
                     "letter.delivered", "letter.opened"):  # fmt: skip
        assert expected in actions, (expected, actions)
    assert verify_chain(city.government) == (True, None)
    assert open_page.server_errors == []
    assert open_page.script_errors == []
