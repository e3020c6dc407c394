"""A joint letter (co-signatories): Diskominfo writes a nota dinas to the Sekda that the head of
Dinas PUPR co-signs. The drafter names the co-signatory in the compose form; after review the
Kadis Kominfo signs (the letter gets its number but waits); the Kadis PUPR finds it under "Needs
my action", co-signs with his own new passphrase, and only then is the letter delivered, one PDF
carrying both PAdES signatures (the default `local` provider).
"""

import io
import re

from pyhanko.pdf_utils.reader import PdfFileReader

from e2e.conftest import SIGNING_PASSPHRASE, choose_classification, login, pick, starts, t
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import CoSignatory, InboxEntry, Letter
from esurat.signing.models import Signature

SUBJECT = "Permohonan bersama penataan jaringan serat optik di ruang milik jalan"
BODY = "Dengan hormat, bersama ini kami mohon arahan penataan kabel serat optik di ruas jalan kota."
PUPR = ("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
PUPR_PASSPHRASE = "kunci-pupr-2024"  # the co-signatory chooses his own at his first signature


def to_bottom(page):
    """Scrolled to the end, the compose form's sticky save bar sits where it belongs in a
    full-page screenshot instead of over the fields at the first screen's bottom edge."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


def compose_joint_letter(page, url: str, shoot):
    page.goto(f"{url}/letters/new/")
    choose_classification(page)
    page.get_by_label(t("Subject")).fill(SUBJECT)
    # The editor's toolbar speaks the UI's language (Trix's own strings are English).
    bold = page.locator('trix-toolbar button[data-trix-attribute="bold"]')
    assert bold.get_attribute("title") == "Tebal"
    assert page.locator('trix-toolbar button[data-trix-action="undo"]').inner_text() == "Urungkan"
    page.locator("trix-editor").click()
    page.keyboard.type(BODY)
    to = page.get_by_role("group", name=t("To"), exact=True)
    pick(page, to, "Sekretaris Daerah", starts("Sekretaris Daerah"))

    # The joint-letter section is folded away; the drafter opens it and picks the co-signatory.
    page.get_by_text(t("Joint letter: add co-signatories")).click()
    first = page.get_by_label(t("Co-signatory %(n)s", n=1), exact=True)
    first.select_option(label=f"{PUPR[0]} · {PUPR[1]}")
    to_bottom(page)
    shoot(page, "compose-cosignatory")
    page.get_by_role("button", name=t("Save draft")).click()
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))
    shoot(page, "draft-saved")


def test_joint_letter(city, open_page, live_server, shoot):
    url = live_server.url
    head_pupr = city.position(*PUPR)
    sekda = city.position("Setda", "Sekretaris Daerah")

    # 1. The drafter composes the letter with a co-signatory and saves it.
    staff = open_page()
    login(staff, url, "staf.aptika")
    compose_joint_letter(staff, url, shoot)
    letter = Letter.objects.get(subject=SUBJECT)
    assert [c.position_id for c in letter.cosignatories.all()] == [head_pupr.pk]
    # The same form on a phone: the saved draft's edit page opens the section by itself.
    phone = open_page(phone=True, session_of=staff)
    phone.goto(f"{url}/letters/{letter.code}/edit/")
    chosen = phone.get_by_label(t("Co-signatory %(n)s", n=1), exact=True)
    assert chosen.is_visible() and chosen.input_value() == str(head_pupr.code)
    to_bottom(phone)
    shoot(phone, "phone-edit-cosignatory")

    # 2. Submitted and approved (not what this test is about), then signed by the Kadis Kominfo.
    drafter, kabid = city.users["staf.aptika"], city.users["kabid.aptika"]
    letter = actions.do_submit(letter=letter, user=drafter,
                               seat=seat_for_action(drafter, letter, Action.SUBMIT))  # fmt: skip
    letter = actions.do_review(letter=letter, user=kabid, approve=True,
                               seat=seat_for_action(kabid, letter, Action.REVIEW))  # fmt: skip
    assert letter.state == Letter.State.AWAITING_SIGNATURE
    kadis = open_page()
    login(kadis, url, "kadis.kominfo")
    kadis.goto(f"{url}/letters/{letter.code}/sign/")
    kadis.get_by_label(t("Your password")).fill("pw")
    kadis.get_by_label(t("Signing passphrase")).fill(SIGNING_PASSPHRASE)
    # Told that a co-signatory signs after them, so "Sign" (not "Sign and send") makes sense.
    order = kadis.locator("[data-signing-order] li")
    assert order.count() == 2 and t("you, now") in order.nth(0).inner_text()
    assert t("after you") in order.nth(1).inner_text()
    assert kadis.locator("[data-not-last]").is_visible()
    shoot(kadis, "main-signatory-signs")
    kadis.get_by_role("button", name=t("Sign"), exact=True).click()
    kadis.get_by_text(
        t("Signed. The letter is sent once every co-signatory has signed.")
    ).wait_for()
    shoot(kadis, "main-signed-waiting")
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and letter.number
    assert not InboxEntry.objects.filter(letter=letter).exists()  # not delivered yet

    # 3. The head of Dinas PUPR finds it under "Needs my action" and co-signs.
    pupr = open_page()
    login(pupr, url, "kadis.pupr")
    pupr.get_by_role("link", name=starts(t("Needs my action"))).first.click()
    row = pupr.locator("#to-sign ~ ul a.letter-row", has_text=SUBJECT)
    row.wait_for()
    shoot(pupr, "pupr-needs-action")
    row.click()
    pupr.get_by_role("link", name=t("Read and sign")).wait_for()
    shoot(pupr, "pupr-letter")
    pupr.get_by_role("link", name=t("Read and sign")).click()
    pupr.wait_for_url("**/sign/")
    page_text = pupr.locator("main").inner_text()
    assert letter.number in page_text  # told that the signatory signed it already
    assert pupr.locator("[data-first-certificate]").is_visible()
    assert pupr.get_by_role("button", name=t("Sign and send")).is_visible()
    order = pupr.locator("[data-signing-order] li")
    assert city.users["kadis.kominfo"].get_full_name() in order.nth(0).inner_text()
    assert t("you, now") in order.nth(1).inner_text()
    assert pupr.locator("[data-not-last]").count() == 0  # the last signature sends it
    shoot(pupr, "pupr-cosign-page")
    pupr_phone = open_page(phone=True, session_of=pupr)
    pupr_phone.goto(pupr.url)
    pupr_phone.get_by_label(t("Your password")).wait_for()
    shoot(pupr_phone, "phone-pupr-cosign-page")
    pupr.get_by_label(t("Your password")).fill("pw")
    pupr.get_by_label(t("Signing passphrase")).fill(PUPR_PASSPHRASE)
    pupr.get_by_role("button", name=t("Sign and send")).click()
    pupr.get_by_text(t("The letter was signed and sent.")).wait_for()
    shoot(pupr, "pupr-cosigned-sent")

    # The record: delivered once, one registered PDF with both signatures.
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT
    assert list(letter.cosignatories.values_list("state", flat=True)) == [CoSignatory.State.SIGNED]
    signers = Signature.objects.filter(letter=letter).order_by("pk")
    assert [s.user.username for s in signers] == ["kadis.kominfo", "kadis.pupr"]
    entries = InboxEntry.objects.filter(letter=letter)
    assert {e.position_id for e in entries} == {sekda.pk}
    document = letter.signed_documents.first()  # the newest: the official document
    reader = PdfFileReader(io.BytesIO(document.file.read()))
    assert len(reader.embedded_signatures) == 2
    assert open_page.script_errors == []
