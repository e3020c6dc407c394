"""Who may find a letter is kept by the actions themselves, with no reindex: after each step of a
letter's life, searching with the fast form alone (PostgreSQL's `readers` keys, the rule's check
on results turned off) finds the letter for exactly the people the access rule lets read it."""

import pytest
from django.db import connection
from django.db.models import Q

from esurat.dispositions.actions import do_withdraw
from esurat.dispositions.tests.conftest import (  # noqa: F401 (fixtures)
    BINA_MARGA,
    give,
    instructions,
    pupr,
)
from esurat.letters import actions
from esurat.letters.access import Action, letters_visible_to, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.access import seats_of
from esurat.search import backends
from esurat.search.backends import search

pytestmark = pytest.mark.django_db
WORD = "kalibrasi"


@pytest.fixture(autouse=True)
def readers_only(monkeypatch):
    monkeypatch.setattr(backends, "_rule", lambda user, among=None: Q())


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _walk_rows_follow(letter, step):
    """PostgreSQL: the walk's rows (search_reader) are the entry's keys at its current date."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT readers, sort_at FROM search_searchentry WHERE letter_id = %s",
                       [letter.pk])  # fmt: skip
        readers, sort_at = cursor.fetchone()
        cursor.execute("SELECT key, sort_at FROM search_reader WHERE letter_id = %s ORDER BY key",
                       [letter.pk])  # fmt: skip
        assert cursor.fetchall() == [(key, sort_at) for key in sorted(readers)], step
        assert readers, step


def _check(city, letter, step):
    _walk_rows_follow(letter, step)
    for name, user in city.users.items():
        user = _fresh(user)
        found = letter.pk in {hit.pk for hit in search(user, WORD).hits}
        may = letters_visible_to(user).filter(pk=letter.pk).exists()
        assert found == may, f"{step}: {name} {'finds' if found else 'does not find'} it"


def test_it_keeps_who_finds_a_letter_through_its_whole_life(city, pupr):  # noqa: F811
    letter = draft_nota_dinas(city, subject=f"{WORD} jembatan")
    _check(city, letter, "drafted")
    drafter = letter.drafter
    letter = actions.do_submit(
        letter=letter, seat=seat_for_action(drafter, letter, Action.SUBMIT), user=drafter
    )
    _check(city, letter, "submitted")  # the reviewer and the signatory find it now
    reviewer = city.users["kabid.aptika"]
    letter = actions.do_review(letter=letter, seat=seat_for_action(reviewer, letter, Action.REVIEW),
                               user=reviewer, approve=True)  # fmt: skip
    _check(city, letter, "reviewed")
    signer = city.users["kadis.kominfo"]
    letter = actions.do_sign(letter=letter, seat=seat_for_action(signer, letter, Action.SIGN),
                             user=signer, password="pw", secret="kunci-tanda-tangan")  # fmt: skip
    _check(city, letter, "sent")  # its recipients and the registries that booked it
    (disposition,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=letter)
    _check(city, letter, "disposed")
    giver = _fresh(city.users["kadis.pupr"])
    seat = next(s for s in seats_of(giver) if s.position.pk == disposition.from_position_id)
    do_withdraw(disposition=disposition, seat=seat, user=giver)
    _check(city, letter, "disposition withdrawn")
