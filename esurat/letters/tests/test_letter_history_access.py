"""How a letter was drafted (its return notes, paraf and earlier drafts) is for its drafting chain
only: one rule in esurat/letters/access.py (timeline_visible_to, versions_visible_to), used by the
letter page, its timeline and versions pages, and the API. Checked as a matrix of who reads."""

import pytest
from django.urls import reverse

from esurat.api.tests.helpers import caller
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas, send_through

pytestmark = pytest.mark.django_db
NOTE = "Paragraf dua belum jelas"
DRAFTING = {"letter.created", "letter.updated", "letter.submitted", "letter.approved",
            "letter.returned"}  # fmt: skip
# who: (sees the drafting history, may read the letter at all)
READERS = {
    "staf.aptika": (True, True),  # drafter
    "kabid.aptika": (True, True),  # reviewer
    "kadis.kominfo": (True, True),  # signatory
    "kadis.pupr": (False, True),  # recipient (the agency's head)
    "sekda": (False, True),  # carbon copy
    "agendaris.pupr": (False, True),  # clerk of the receiving agency
    "agendaris.kominfo": (False, True),  # clerk of the sending agency
    "staf.pupr": (False, False),  # outsider
}


@pytest.fixture
def letter(city):
    """Returned once by the reviewer with a note, changed by the drafter (version 2), sent."""
    letter = draft_nota_dinas(city)
    drafter, kabid = city.users["staf.aptika"], city.users["kabid.aptika"]
    letter = actions.do_submit(letter=letter, seat=seat_for_action(drafter, letter, Action.SUBMIT),
                               user=drafter)  # fmt: skip
    letter = actions.do_review(letter=letter, seat=seat_for_action(kabid, letter, Action.REVIEW),
                               user=kabid, approve=False, note=NOTE)  # fmt: skip
    letter = actions.do_update_draft(letter=letter, user=drafter, subject="Undangan rapat (ubah)",
                                     seat=seat_for_action(drafter, letter, Action.EDIT))  # fmt: skip
    letter = send_through(city, letter)
    assert letter.version == 2
    return letter


@pytest.mark.parametrize("username", list(READERS))
def test_it_shows_the_drafting_history_to_the_drafting_chain_only_in_the_api(
    client, city, letter, username
):
    insider, reader = READERS[username]
    who = caller(client, city, username)
    timeline = who.get(f"/letters/{letter.code}/timeline")
    versions = who.get(f"/letters/{letter.code}/versions")
    detail = who.get(f"/letters/{letter.code}")
    if not reader:
        assert (timeline.status_code, versions.status_code, detail.status_code) == (404,) * 3
        return
    assert timeline.status_code == versions.status_code == detail.status_code == 200
    actions_seen = {e["action"] for e in timeline.json()}
    assert "letter.signed" in actions_seen
    notes = [e["data"].get("note") for e in timeline.json()]
    numbers = [v["number"] for v in versions.json()]
    steps = detail.json()["review_steps"]
    if insider:
        assert DRAFTING <= actions_seen and NOTE in notes
        assert numbers == [1, 2]
        assert NOTE in [s["note"] for s in steps]
    else:
        assert not actions_seen & DRAFTING and NOTE not in notes
        assert numbers == [2]
        assert steps == [] and detail.json()["reviewers"] == []
        assert NOTE not in detail.content.decode()


@pytest.mark.parametrize("username", list(READERS))
def test_it_shows_the_same_history_on_the_letter_pages(client, city, letter, username):
    insider, reader = READERS[username]
    client.force_login(city.users[username])
    pages = [reverse(f"letters:{n}", kwargs={"code": letter.code})
             for n in ("detail", "timeline", "versions")]  # fmt: skip
    responses = [client.get(p) for p in pages]
    if not reader:
        assert [r.status_code for r in responses] == [404, 404, 404]
        return
    assert [r.status_code for r in responses] == [200, 200, 200]
    for response in responses[:2]:
        assert (NOTE in response.content.decode()) is insider
    rows = responses[2].context["rows"]
    assert [v.number for v in rows] == ([1, 2] if insider else [2])


def test_it_shows_a_recipient_no_version_of_a_letter_not_yet_sent(client, city):
    from esurat.letters.access import versions_visible_to

    letter = draft_nota_dinas(city)
    assert [v.number for v in versions_visible_to(city.users["staf.aptika"], letter)] == [1]
    assert list(versions_visible_to(city.users["kadis.pupr"], letter)) == []
