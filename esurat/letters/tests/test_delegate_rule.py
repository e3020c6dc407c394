"""The delegate rule, pinned once: a delegate (sekretaris) reads their leader's B/T letters and
never an R/SR one, in every list and count that applies it (esurat.letters.access.seat_filter
and seat_filters), the letter page and the search scope alike."""

import pytest
from django.urls import reverse

from esurat.letters import incoming
from esurat.letters.access import can_view, letters_visible_to, seat_filter, seat_filters
from esurat.letters.models import InboxEntry
from esurat.letters.selectors import unread_count
from esurat.letters.tests.incoming_factories import register

# persona → the security classes of the head's letters they see
SEES = {"kadis.kominfo": {"B", "R"}, "sekdis.kominfo": {"B"}, "kabid.aptika": set()}


@pytest.fixture
def letters(city):
    clerk = city.users["agendaris.kominfo"]
    plain = register(city, subject="Surat biasa", sender_number="005/1/X/2026")
    incoming.do_send_to_head(letter=plain, user=clerk)
    secret = register(city, subject="Surat rahasia", security="R", sender_number="005/2/X/2026")
    return {"B": plain, "R": secret}


@pytest.mark.django_db
def test_it_applies_one_delegate_rule_everywhere(client, city, letters):
    mismatches = []
    for persona, sees in SEES.items():
        user = city.users[persona]
        client.force_login(user)
        page = client.get(reverse("letters:inbox")).content.decode()
        entries = InboxEntry.objects.filter(seat_filter(user, "position_id"))
        pieces = seat_filters(user, "position_id")
        by_piece = {e.letter_id for q in pieces for e in InboxEntry.objects.filter(q)}
        for security, letter in letters.items():
            want = security in sees
            got = {
                "inbox page": str(letter.code) in page,
                "seat_filter": entries.filter(letter=letter).exists(),
                "seat_filters": letter.pk in by_piece,
                "can_view": can_view(user, letter),
                "letters_visible_to": letters_visible_to(user).filter(pk=letter.pk).exists(),
            }
            mismatches += [(persona, security, k) for k, v in got.items() if v != want]
        if unread_count(user) != len(sees):
            mismatches.append((persona, "unread_count", unread_count(user)))
        client.logout()
    assert mismatches == []
