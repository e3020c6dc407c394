"""In the browser: an outsider who types a letter's address gets "not found", and a double click
on "Save draft" makes one letter."""

import re

import pytest
from django.db import connection

from e2e.conftest import login, pick, t
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through


def test_it_shows_the_not_found_page_to_an_outsider_who_types_the_address(
    city, open_page, live_server, shoot
):
    letter = send_through(city, draft_nota_dinas(city, subject="Rapat koordinasi jaringan"))
    page = open_page()
    # staf.pupr works in Dinas PUPR, the addressee's agency, but the letter went to the head.
    login(page, live_server.url, "staf.pupr")
    for path in ("", "versions/", "timeline/", "receipts/"):
        response = page.goto(f"{live_server.url}/letters/{letter.code}/{path}")
        assert response.status == 404, path
        content = page.content()
        assert letter.subject not in content and letter.number not in content
    shoot(page, "outsider-404")
    # The same address works for the addressee: the 404 is about access, not a wrong address.
    head = open_page()
    login(head, live_server.url, "kadis.pupr")
    assert head.goto(f"{live_server.url}/letters/{letter.code}/").status == 200


def _fill_minimal_letter(page, subject):
    field = page.get_by_label(t("Classification code"))
    field.fill("000.1.2.3")
    page.get_by_label(t("Subject")).fill(subject)
    to = page.get_by_role("group", name=t("To"), exact=True)
    pick(
        page, to, "PUPR", re.compile("^" + re.escape(t("Head of %(agency)s", agency="Dinas PUPR")))
    )


def test_it_saves_one_draft_when_save_is_double_clicked(city, open_page, live_server, shoot):
    page = open_page()
    login(page, live_server.url, "staf.aptika")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/letters/new/")
    _fill_minimal_letter(page, "Klik dua kali")
    page.get_by_role("button", name=t("Save draft")).dblclick()
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))
    shoot(page, "double-click-saved")
    assert len(posts) == 1
    assert Letter.objects.filter(subject="Klik dua kali").count() == 1

    # Chromium itself drops a second submit that comes in the same instant; the page's own
    # guard (data-once) is what stops a second tap that comes a moment later. Both taps here
    # run in one task, so the second sees exactly what the first left behind.
    page.goto(f"{live_server.url}/letters/new/")
    _fill_minimal_letter(page, "Ketuk dua kali")
    locked = page.locator("#compose-form button[type=submit]").evaluate(
        "button => { button.click(); const locked = button.disabled; button.click(); return locked; }"
    )
    page.wait_for_url(re.compile(r"/letters/[0-9a-f-]{36}/$"))
    assert locked, "the Save button stays clickable after the first tap"
    assert len(posts) == 2
    assert Letter.objects.filter(subject="Ketuk dua kali").count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the live server shares one SQLite connection between its threads",
)
def test_it_saves_one_draft_when_the_same_form_is_posted_several_times_at_once(
    city, open_page, live_server
):
    """The server's own guard (the form's client_token), for a browser without the script: the
    same filled form posted several times at the same moment."""
    page = open_page()
    login(page, live_server.url, "staf.aptika")
    page.goto(f"{live_server.url}/letters/new/")
    _fill_minimal_letter(page, "Dikirim dua kali")
    statuses = page.locator("#compose-form").evaluate(
        """form => {
            const post = () => fetch(form.action || location.href,
                                     {method: "POST", body: new FormData(form)});
            return Promise.all([1, 2, 3, 4, 5, 6].map(post)).then(rs => rs.map(r => r.status));
        }"""
    )
    assert Letter.objects.filter(subject="Dikirim dua kali").count() == 1
    assert statuses == [200] * 6, statuses  # each followed the redirect to the letter page
