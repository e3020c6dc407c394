"""The access matrix: every persona × letter state × security class × action, generated.

The expected answers come from the declarative table below (DOMAIN.md §4), written independently of
esurat/letters/access.py, so a change to the rules fails here until the table agrees.
"""

import itertools

import pytest

from esurat.letters import actions
from esurat.letters.access import Action, allowed_actions, can_view, letters_visible_to
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.access import seats_of

PERSONAS = [
    "staf.aptika", "kabid.aptika", "kadis.kominfo", "sekdis.kominfo", "agendaris.kominfo",
    "kadis.pupr", "agendaris.pupr", "staf.pupr", "sekda", "walikota", "admin",
]  # fmt: skip
STATES = ["draft", "in_review", "returned", "awaiting_signature", "sent", "withdrawn"]
SECURITIES = ["B", "R"]
ACTIONS = list(Action)

AFTER_SUBMIT = {"in_review", "returned", "awaiting_signature", "sent"}

# persona → (the states in which they see the letter, for B / for R)
SEES = {
    "staf.aptika": (set(STATES), set(STATES)),  # drafter
    "kabid.aptika": (AFTER_SUBMIT, AFTER_SUBMIT),  # reviewer
    "kadis.kominfo": (AFTER_SUBMIT, AFTER_SUBMIT),  # signatory
    "sekdis.kominfo": (AFTER_SUBMIT, set()),  # delegate of the signatory: never R
    "agendaris.kominfo": ({"sent"}, set()),  # clerk of the sending agency
    "kadis.pupr": ({"sent"}, {"sent"}),  # addressee (head of Dinas PUPR)
    "agendaris.pupr": ({"sent"}, set()),  # clerk of the receiving agency
    "sekda": ({"sent"}, {"sent"}),  # tembusan
    "staf.pupr": (set(), set()),
    "walikota": (set(), set()),
    "admin": (set(), set()),
}
# (persona, action) → states in which the action is allowed (only where the persona sees it)
MAY = {
    ("staf.aptika", Action.EDIT): {"draft", "returned"},
    ("staf.aptika", Action.SUBMIT): {"draft", "returned"},
    ("staf.aptika", Action.WITHDRAW): {"draft", "returned"},
    ("staf.aptika", Action.VIEW_RECEIPTS): set(STATES),
    ("kabid.aptika", Action.REVIEW): {"in_review"},
    ("kadis.kominfo", Action.SIGN): {"awaiting_signature"},
    ("kadis.kominfo", Action.VIEW_RECEIPTS): AFTER_SUBMIT,
    ("sekdis.kominfo", Action.VIEW_RECEIPTS): AFTER_SUBMIT,
}


def expected(persona: str, state: str, security: str, action: Action) -> bool:
    sees = SEES[persona][0 if security == "B" else 1]
    if state not in sees:
        return False
    if action == Action.VIEW:
        return True
    return state in MAY.get((persona, action), set())


def make_letter(city, state: str, security: str) -> Letter:
    letter = draft_nota_dinas(city, security=security)
    staff = city.users["staf.aptika"]
    seat = seats_of(staff)[0]
    if state == "draft":
        return letter
    if state == "withdrawn":
        return actions.do_withdraw_draft(letter=letter, seat=seat, user=staff)
    if state == "sent":
        return send_through(city, letter)
    letter = actions.do_submit(letter=letter, seat=seat, user=staff)
    if state == "in_review":
        return letter
    kabid = city.users["kabid.aptika"]
    kabid_seat = seats_of(kabid)[0]
    if state == "returned":
        return actions.do_review(letter=letter, seat=kabid_seat, user=kabid, approve=False,
                                 note="Perbaiki tanggal rapat")  # fmt: skip
    return actions.do_review(letter=letter, seat=kabid_seat, user=kabid, approve=True)


@pytest.mark.django_db
@pytest.mark.parametrize("state,security", list(itertools.product(STATES, SECURITIES)))
def test_it_allows_exactly_what_the_rules_say(city, state, security):
    letter = make_letter(city, state, security)
    assert letter.state == state
    mismatches = []
    for persona in PERSONAS:
        user = city.users[persona]
        for attr in ("_seats_cache", "_clerk_agencies"):
            user.__dict__.pop(attr, None)
        got = allowed_actions(user, letter)
        visible = letters_visible_to(user).filter(pk=letter.pk).exists()
        for action in ACTIONS:
            want = expected(persona, state, security, action)
            if (action in got) != want:
                mismatches.append((persona, action.value, "allowed" if want else "refused"))
        if visible != expected(persona, state, security, Action.VIEW):
            mismatches.append((persona, "letters_visible_to", visible))
        if can_view(user, letter) != expected(persona, state, security, Action.VIEW):
            mismatches.append((persona, "can_view", "mismatch"))
    assert mismatches == []
