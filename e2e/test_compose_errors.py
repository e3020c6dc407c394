"""Issue 9, item 1: the paraf chain survives a refused save, and the autosave never forces an
old copy into a form. The drafter (staf.aptika) picks a chain of two reviewers and a
co-signatory, saves with the subject empty, sees the error page still showing the chain, fixes
the subject, saves and submits: the letter waits for the Kabid's paraf. A new compose page then
shows the agency's default chain, not the old one; an unsaved copy is offered, not imposed, and
comes back with every line in its place."""

import re

from e2e.conftest import choose_classification, login, pick, starts, t
from esurat.letters.models import Letter, ReviewStep

SUBJECT = "Permohonan data pengguna aplikasi SIJALAN"
BODY = "Dengan hormat, kami mohon data pengguna aplikasi SIJALAN."
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}


def _codes(city):
    return {
        "kabid": str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code),
        "sekdis": str(city.position("Diskominfo", "Sekretaris Dinas").code),
        "kadis_pupr": str(
            city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang").code
        ),
    }


def _chain(page) -> list[str]:
    return page.eval_on_selector_all("select[name=reviewers]", "els => els.map(e => e.value)")


def _cosignatories(page) -> list[str]:
    return page.eval_on_selector_all("select[name=cosignatories]", "els => els.map(e => e.value)")


def _both_sizes(page, shoot, name):
    shoot(page, name)
    page.set_viewport_size(PHONE)
    shoot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _settled(page):
    """The autosave runs at DOMContentLoaded and saves 400 ms after a change: let it."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(700)


def test_compose_errors(city, open_page, live_server, shoot):
    url, codes = live_server.url, _codes(city)
    page = open_page()
    login(page, url, "staf.aptika")

    # 1. Compose: the default chain is the Kabid; the drafter adds the Sekretaris Dinas and a
    #    co-signatory, fills everything but the subject.
    page.goto(f"{url}/letters/new/")
    assert _chain(page)[0] == codes["kabid"]
    choose_classification(page)
    page.locator("trix-editor").click()
    page.keyboard.type(BODY)
    to = page.get_by_role("group", name=t("To"), exact=True)
    pick(page, to, "PUPR", starts(t("Head of %(agency)s", agency="Dinas PUPR")))
    page.locator("#reviewer-2").select_option(codes["sekdis"])
    page.get_by_text(t("Joint letter: add co-signatories")).click()
    page.locator("#cosignatory-1").select_option(codes["kadis_pupr"])
    _settled(page)
    shoot(page, "compose")

    # 2. Saved with the subject empty: the error page still shows the chosen chain, and no
    #    older copy is offered over it.
    page.get_by_role("button", name=t("Save draft")).click()
    page.locator("#form-errors").wait_for()
    _settled(page)
    assert _chain(page)[:3] == [codes["kabid"], codes["sekdis"], ""]
    assert _cosignatories(page)[0] == codes["kadis_pupr"]
    assert page.locator(".autosave-note").count() == 0
    kabid_line = page.locator("#reviewer-1 option:checked").inner_text()
    assert "Kepala Bidang Aplikasi Informatika" in kabid_line
    assert page.locator("#reviewer-1 option:checked").inner_text() != t("(no reviewer)")
    _both_sizes(page, shoot, "refused")

    # 3. The subject fixed, saved and submitted: the letter waits for the Kabid's paraf.
    page.get_by_label(t("Subject")).fill(SUBJECT)
    page.get_by_role("button", name=t("Save draft")).click()
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))
    page.get_by_role("button", name=t("Submit"), exact=True).click()
    page.get_by_text(t("The draft was submitted.")).wait_for()
    _both_sizes(page, shoot, "submitted")
    letter = Letter.objects.get(subject=SUBJECT)
    assert letter.state == Letter.State.IN_REVIEW
    steps = letter.review_steps.filter(round=1).order_by("order")
    assert [(str(s.position.code), s.state) for s in steps] == [
        (codes["kabid"], ReviewStep.State.PENDING),
        (codes["sekdis"], ReviewStep.State.WAITING),
    ]
    assert [str(c.position.code) for c in letter.cosignatories.all()] == [codes["kadis_pupr"]]
    timeline = page.locator("#timeline").inner_text()
    assert t("%(who)s submitted the draft for review.", who="").strip() in timeline

    # 4. A new letter: the agency's default chain, nothing of the old one, no copy kept.
    page.goto(f"{url}/letters/new/")
    _settled(page)
    assert _chain(page) == [codes["kabid"], ""]
    assert page.get_by_label(t("Subject")).input_value() == ""
    assert page.locator(".autosave-note").count() == 0
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('esurat:autosave:'))")
    assert kept == []
    _both_sizes(page, shoot, "new-letter")

    # 5. A copy never saved (refused, then a third reviewer chosen, then the drafter went
    #    away) is offered on the next new letter, not forced; restored, every line comes back
    #    in its place, on a page that showed two lines only.
    persandian = str(city.position("Diskominfo", "Kepala Bidang Persandian dan Statistik").code)
    page.locator("#reviewer-2").select_option(codes["sekdis"])
    page.get_by_role("button", name=t("Save draft")).click()
    page.locator("#form-errors").wait_for()
    page.get_by_label(t("Subject")).fill("Konsep yang belum disimpan")
    page.locator("#reviewer-3").select_option(persandian)
    _settled(page)
    page.goto(f"{url}/letters/drafts/")
    page.goto(f"{url}/letters/new/")
    _settled(page)
    offer = page.locator(".autosave-note")
    offer.wait_for()
    assert page.get_by_label(t("Subject")).input_value() == ""
    assert _chain(page) == [codes["kabid"], ""]
    _both_sizes(page, shoot, "offered")
    offer.get_by_role("button", name=t("Restore it")).click()
    assert page.get_by_label(t("Subject")).input_value() == "Konsep yang belum disimpan"
    assert _chain(page)[:3] == [codes["kabid"], codes["sekdis"], persandian]
    assert page.locator("#reviewer-3").count() == 1
    _both_sizes(page, shoot, "restored")
    assert open_page.script_errors == []
