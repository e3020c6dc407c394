"""Delivery on signing: one inbox row per recipient position, one agenda entry per agency."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esurat.letters.models import InboxEntry, Registration
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.letters.tests.incoming_factories import register
from esurat.organisations.models import Position

EVERYONE = [{"kind": "to", "target": "government_all"}]


def _inboxes(letter) -> dict[str, str]:
    return dict(InboxEntry.objects.filter(letter=letter).values_list("position__title", "kind"))


def _books(letter) -> dict[tuple[str, str], int]:
    return {
        (r.agency.short_name, r.direction): r.seq
        for r in Registration.objects.filter(letter=letter).select_related("agency")
    }


@pytest.mark.django_db
def test_it_delivers_a_letter_to_everyone_once_per_position(city):
    sekda = city.position("Setda", "Sekretaris Daerah")
    copy = [{"kind": "cc", "target": "position", "position": sekda}]
    letter = send_through(city, draft_nota_dinas(city, to=EVERYONE, cc=copy))
    rows = InboxEntry.objects.filter(letter=letter)
    assert rows.count() == Position.objects.filter(agency__government=city.government).count()
    assert _inboxes(letter)["Sekretaris Daerah"] == "to"  # the addressee wins over the copy
    entry = rows.get(position=sekda)
    assert (entry.from_agency, entry.letter_kind, entry.urgency, entry.security) == (
        letter.agency, letter.kind, letter.urgency, letter.security,
    )  # fmt: skip
    assert (entry.delivered_at, entry.read_at, entry.read_as) == (letter.sent_at, None, "")


@pytest.mark.django_db
def test_it_marks_the_rest_of_an_agency_as_copies_beside_its_head(city):
    pupr = city.agencies["Dinas PUPR"]
    letter = send_through(city, draft_nota_dinas(
        city, to=[{"kind": "to", "target": "agency", "agency": pupr}],
        cc=[{"kind": "cc", "target": "agency_all", "agency": pupr}],
    ))  # fmt: skip
    titles = Position.objects.filter(agency=pupr).values_list("title", flat=True)
    head = "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"
    assert _inboxes(letter) == {t: "to" if t == head else "cc" for t in titles}


@pytest.mark.django_db
def test_it_numbers_each_agency_book_after_what_it_already_holds(city):
    register(city, clerk="agendaris.pupr", agency="Dinas PUPR")  # PUPR's incoming agenda: 1
    first = send_through(city, draft_nota_dinas(city))
    assert _books(first) == {("Diskominfo", "out"): 1, ("Dinas PUPR", "in"): 2, ("Setda", "in"): 1}
    everyone = send_through(city, draft_nota_dinas(city, to=EVERYONE, cc=[]))
    books = _books(everyone)
    assert books.pop(("Diskominfo", "out")) == 2
    assert books.pop(("Dinas PUPR", "in")) == 3 and books.pop(("Setda", "in")) == 2
    others = set(Position.objects.values_list("agency__short_name", flat=True))
    others -= {"Diskominfo", "Dinas PUPR", "Setda"}
    assert books == {(name, "in"): 1 for name in others}


@pytest.mark.django_db
def test_it_delivers_to_one_position_or_to_everyone_in_the_same_number_of_queries(city):
    def signing_queries(**recipients) -> int:
        letter = draft_nota_dinas(city, reviewers=[], **recipients)
        with CaptureQueriesContext(connection) as ctx:
            send_through(city, letter, reviewers=())
        return len(ctx.captured_queries)

    sekda = city.position("Setda", "Sekretaris Daerah")
    one = signing_queries(to=[{"kind": "to", "target": "position", "position": sekda}], cc=[])
    assert signing_queries(to=EVERYONE, cc=[]) == one
