"""Who sees a registered incoming letter, and who may route or correct it: the matrix.

Written from DOMAIN.md §4 independently of access.py: the registering agency's clerks see B/T
incoming letters from registration on; the positions it was sent to (with their acting officials,
and delegates for B/T only) see it once sent; nobody else does. R/SR letters go straight to the
head and only the head's position sees them.
"""

import pytest

from esurat.letters import incoming
from esurat.letters.access import Action, allowed_actions, can_view, letters_visible_to
from esurat.letters.tests.incoming_factories import register
from esurat.letters.tests.test_access_matrix import PERSONAS

ROUTES = ["registered", "to_head", "to_unit", "filed"]

CLERK = "agendaris.kominfo"
# persona → the routes after which they see the letter, for B / for R
SEES = {
    CLERK: (set(ROUTES), set()),
    "kadis.kominfo": ({"to_head"}, {"to_head"}),
    "sekdis.kominfo": ({"to_head"}, set()),  # the head's delegate: never R
    "kabid.aptika": ({"to_unit"}, set()),
}
MAY = {
    (CLERK, Action.ROUTE): {"registered"},
    (CLERK, Action.CORRECT): {"registered", "to_head", "to_unit"},
}


def expected(persona, route, security, action) -> bool:
    sees = SEES.get(persona, (set(), set()))[0 if security == "B" else 1]
    if route not in sees:
        return False
    return action == Action.VIEW or route in MAY.get((persona, action), set())


def make(city, route, security):
    clerk = city.users[CLERK]
    letter = register(city, security=security)
    if security != "B":
        return letter  # a secret letter is sent to the head on registration
    if route == "to_head":
        incoming.do_send_to_head(letter=letter, user=clerk)
    elif route == "to_unit":
        position = city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika")
        incoming.do_send_to_unit(letter=letter, user=clerk, position=position)
    elif route == "filed":
        incoming.do_file_without_disposition(letter=letter, user=clerk)
    letter.refresh_from_db()
    return letter


CASES = [(r, "B") for r in ROUTES] + [("to_head", "R")]


@pytest.mark.django_db
@pytest.mark.parametrize("route,security", CASES)
def test_it_allows_exactly_what_the_rules_say(city, route, security):
    letter = make(city, route, security)
    mismatches = []
    for persona in PERSONAS:
        user = city.users[persona]
        for attr in ("_seats_cache", "_clerk_agencies"):
            user.__dict__.pop(attr, None)
        got = allowed_actions(user, letter)
        for action in Action:
            if (action in got) != expected(persona, route, security, action):
                mismatches.append((persona, action.value))
        want = expected(persona, route, security, Action.VIEW)
        if can_view(user, letter) != want:
            mismatches.append((persona, "can_view"))
        if letters_visible_to(user).filter(pk=letter.pk).exists() != want:
            mismatches.append((persona, "letters_visible_to"))
    assert mismatches == []
