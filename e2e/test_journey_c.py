"""Journey C (DOMAIN.md §3 C): a letter to parties outside e-Surat. Diskominfo writes to a
ministry (by e-mail) and to a contractor (on paper); the Kadis signs it (PAdES, the default
`local` provider); the worker e-mails the signed PDF through a real SMTP server on loopback; the
registry clerk prints the paper copy and records its dispatch; a member of the public scans the
QR code on the PDF, checks the page and the file on a phone; the Kadis revokes the letter, the
ministry is told by e-mail and the public page says so; the drafter prepares the correction.
"""

import re
import subprocess

import zxingcpp
from aiosmtpd.controller import Controller
from PIL import Image

from e2e.conftest import SIGNING_PASSPHRASE, choose_classification, login, t
from esurat.delivery.models import Dispatch
from esurat.delivery.tests.conftest import Inbox, free_port, smtp_settings
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import Letter
from esurat.signing.models import SignedDocument
from esurat.tests.tools import require

SUBJECT = "Permohonan fasilitasi integrasi data kependudukan"
BODY = "Dengan hormat, bersama ini kami mohon fasilitasi integrasi data kependudukan."
MINISTRY, MINISTRY_MAIL = "Direktorat Jenderal Dukcapil", "persuratan@dukcapil.example.go.id"
CONTRACTOR = "PT Banua Data Nusantara"
REASON = "Lampiran data yang dimaksud salah."


def write_to_outside(page, url: str, shoot):
    """The drafter writes to the ministry (a new outside party with an e-mail address)."""
    page.goto(f"{url}/letters/new/")
    choose_classification(page)
    page.get_by_label(t("Letter kind")).select_option("surat-dinas")  # not a nota dinas
    page.get_by_label(t("Subject")).fill(SUBJECT)
    page.locator("trix-editor").click()
    page.keyboard.type(BODY)
    page.get_by_text(t("Add an outside party (a ministry, a company, an agency not yet on "
                       "e-Surat)")).click()  # fmt: skip
    page.get_by_label(t("Outside party: name")).fill(MINISTRY)
    page.get_by_label(t("Outside party: e-mail")).fill(MINISTRY_MAIL)
    shoot(page, "compose-to-ministry")
    page.get_by_role("button", name=t("Save draft")).click()
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))


def add_paper_recipient(page, shoot):
    """Then adds the contractor, who has no e-mail address: the letter goes on paper."""
    page.get_by_role("link", name=t("Edit"), exact=True).click()
    page.wait_for_url("**/edit/")
    page.get_by_text(t("Add an outside party (a ministry, a company, an agency not yet on "
                       "e-Surat)")).click()  # fmt: skip
    page.get_by_label(t("Outside party: name")).fill(CONTRACTOR)
    page.get_by_label(t("Outside party: as")).select_option("cc")
    page.get_by_role("button", name=t("Save draft")).click()
    page.get_by_text(t("The changes were saved.")).wait_for()
    shoot(page, "draft-with-two-outside-parties")


def qr_urls(pdf: bytes, tmp_path) -> list[str]:
    """Read the QR code from an image of the first page, as a phone camera would."""
    path = tmp_path / "received.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1",
                    str(path), str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    image = Image.open(tmp_path / "page.png")
    return [r.text for r in zxingcpp.read_barcodes(image)
            if r.format == zxingcpp.BarcodeFormat.QRCode]  # fmt: skip


def test_journey_c(city, open_page, live_server, shoot, settings, tmp_path):
    require("pdftoppm")
    url = live_server.url
    settings.SITE_URL = url
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    smtp_settings(settings, smtp.port)
    try:
        _journey(city, open_page, url, shoot, tmp_path, inbox)
    finally:
        smtp.stop()


def _journey(city, open_page, url, shoot, tmp_path, inbox):
    # 1. The drafter writes to the two outside parties and submits; the Kabid approves.
    staff = open_page()
    login(staff, url, "staf.aptika")
    write_to_outside(staff, url, shoot)
    add_paper_recipient(staff, shoot)
    letter = Letter.objects.get(subject=SUBJECT)
    labels = sorted(r.label() for r in letter.recipients.all())
    assert labels == sorted([MINISTRY, CONTRACTOR]), labels
    staff.get_by_role("button", name=t("Submit"), exact=True).click()
    staff.get_by_text(t("The draft was submitted.")).wait_for()
    kabid = city.users["kabid.aptika"]
    letter.refresh_from_db()
    letter = actions.do_review(letter=letter, seat=seat_for_action(kabid, letter, Action.REVIEW),
                               user=kabid, approve=True)  # fmt: skip

    # 2. The reviewers and the signatory see exactly what will be signed: the official PDF.
    kadis = open_page()
    login(kadis, url, "kadis.kominfo")
    kadis.goto(f"{url}/letters/{letter.code}/sign/")
    with kadis.expect_popup() as popup:
        kadis.get_by_role("link", name=t("View the PDF")).first.click()
    preview = popup.value
    assert preview.url.endswith(f"/letters/{letter.code}/pdf/")
    preview.close()

    # 3. The Kadis signs (a PAdES signature with the government's CA).
    kadis.get_by_label(t("Your password")).fill("pw")
    kadis.get_by_label(t("Signing passphrase")).fill(SIGNING_PASSPHRASE)
    shoot(kadis, "kadis-signs")
    kadis.get_by_role("button", name=t("Sign and send")).click()
    kadis.get_by_text(t("The letter was signed and sent.")).wait_for()
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT and letter.number
    document = SignedDocument.objects.get(letter=letter)
    registered = document.file.read()

    # 4. The worker e-mailed the signed PDF to the ministry, byte for byte; the letter page
    #    shows it as sent, and the contractor's copy waits in the dispatch book.
    assert len(inbox.messages) == 1, inbox.messages
    rcpts, message = inbox.messages[0]
    assert rcpts == [MINISTRY_MAIL] and letter.number in message["Subject"]
    attached = [p for p in message.iter_attachments()
                if p.get_content_type() == "application/pdf"]  # fmt: skip
    received = attached[0].get_content()
    assert received == registered
    kadis.reload()
    status = kadis.locator("#delivery, [aria-labelledby=delivery-title]").first
    status.locator("[data-dispatch-state=sent]").wait_for()
    assert status.locator("[data-dispatch-state=to_print]").count() == 1
    shoot(kadis, "letter-delivery-status")

    # 5. The registry clerk prints the contractor's copy and records who carried it.
    clerk = open_page()
    login(clerk, url, "agendaris.kominfo")
    clerk.get_by_role("button", name=t("Registry")).click()
    clerk.get_by_role("link", name=t("Dispatch book")).click()
    clerk.get_by_role("link", name=t("To print and carry")).click()
    shoot(clerk, "dispatch-book-to-print")
    clerk.get_by_role("link", name=CONTRACTOR).click()
    with clerk.expect_download() as download:
        clerk.get_by_role("link", name=t("Download the PDF to print")).click()
    assert open(download.value.path(), "rb").read() == registered  # the signed original
    clerk.get_by_role("button", name=t("Mark as printed")).click()
    clerk.get_by_text(t("Printed")).first.wait_for()
    clerk.get_by_label(t("Carried by")).fill("Rahmat (kurir)")
    clerk.get_by_label(t("Received by")).fill("Sari, resepsionis PT Banua Data Nusantara")
    clerk.get_by_role("button", name=t("Save in the dispatch book")).click()
    clerk.get_by_text(t("The dispatch book was updated.")).wait_for()
    shoot(clerk, "dispatch-recorded")
    paper = Dispatch.objects.get(letter=letter, method=Dispatch.Method.PRINT)
    assert paper.state == Dispatch.State.RECEIVED and paper.carried_by == "Rahmat (kurir)"
    assert paper.printed_at is not None

    # 6. At the ministry, someone scans the QR code with a phone: the public page (no login)
    #    shows the number, date, subject and signer, and checks the file they received.
    urls = qr_urls(received, tmp_path)
    assert urls == [f"{url}/verify/{letter.code}/"], urls
    public = open_page(phone=True)
    public.goto(urls[0])
    public.locator("[data-status=valid]").wait_for()
    page_text = public.locator("main").inner_text()
    for fact in (letter.number, SUBJECT, city.users["kadis.kominfo"].get_full_name()):
        assert fact in page_text, fact
    shoot(public, "public-verification")
    received_path = tmp_path / "surat-diterima.pdf"
    received_path.write_bytes(received)
    public.get_by_label(t("The PDF you received")).set_input_files(str(received_path))
    public.get_by_role("button", name=t("Check the file")).click()
    public.locator("[data-outcome=identical]").wait_for()
    assert public.locator("[data-signatures=valid]").is_visible()
    shoot(public, "public-file-genuine")
    # A copy changed after signing (one byte of the body) is recognised as such.
    tampered = bytearray(received)
    at = len(tampered) // 3
    tampered[at] = (tampered[at] + 1) % 256
    tampered_path = tmp_path / "surat-diubah.pdf"
    tampered_path.write_bytes(bytes(tampered))
    public.get_by_label(t("The PDF you received")).set_input_files(str(tampered_path))
    public.get_by_role("button", name=t("Check the file")).click()
    public.locator("[data-outcome=different]").wait_for()
    assert public.locator("[data-signatures=valid]").count() == 0
    shoot(public, "public-file-changed")

    # 7. The Kadis revokes the letter: the ministry is told by e-mail, the public page says so.
    kadis.goto(f"{url}/letters/{letter.code}/")
    kadis.get_by_role("link", name=t("Revoke…")).click()
    kadis.get_by_label(t("Reason for revoking")).fill(REASON)
    kadis.get_by_label(t("Prepare the correcting letter now")).uncheck()  # the drafter will
    shoot(kadis, "revoking")
    kadis.get_by_role("button", name=t("Revoke the letter")).click()
    kadis.get_by_text(t("REVOKED")).first.wait_for()
    shoot(kadis, "revoked")
    letter.refresh_from_db()
    assert letter.state == Letter.State.REVOKED and letter.revoke_reason == REASON
    assert len(inbox.messages) == 2
    notice_to, notice = inbox.messages[1]
    assert notice_to == [MINISTRY_MAIL] and letter.number in notice["Subject"]
    public.goto(urls[0])
    public.locator("[data-status=revoked]").wait_for()
    assert REASON in public.locator("main").inner_text()
    shoot(public, "public-revoked")
    assert SignedDocument.objects.get(letter=letter).file.read() == registered  # never edited

    # 8. The drafter prepares the correction: a new draft with the same addressees.
    staff.goto(f"{url}/letters/{letter.code}/")
    staff.get_by_role("button", name=t("Prepare the correcting letter")).click()
    staff.wait_for_url(lambda u: str(letter.code) not in u)
    letter.refresh_from_db()
    correction = letter.superseded_by
    assert correction is not None and correction.state == Letter.State.DRAFT
    assert f"/letters/{correction.code}/" in staff.url  # opened for editing
    assert sorted(r.label() for r in correction.recipients.all()) == labels
    shoot(staff, "correction-draft")
