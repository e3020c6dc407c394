"""My dispositions for a user with two seats, across page boundaries.

A Sekretaris who is also her head's delegate, and a Kabid who is Plt. of a vacant Kabid post,
each see the rows of both seats in one list. The lists are read per seat and merged (see
selectors._first_of): these tests pin the rows, their order, the cursors and the delegate's
R/SR rule on pages of two rows, and that a later page costs the queries of the first.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from esurat.accounts.models import User
from esurat.dispositions import selectors
from esurat.dispositions.access import receiving_seats
from esurat.dispositions.actions import do_dispose
from esurat.dispositions.models import Disposition, Instruction
from esurat.dispositions.tests.conftest import (
    BINA_MARGA,
    KADIS,
    PUPR,
    SEKDIS,
    TEKNIK_JALAN,
    Pupr,
    give,
    letter_to_pupr,
)
from esurat.organisations.models import Assignment, Position

PENATAAN = "Kepala Bidang Penataan Ruang"
STAF_PENATAAN = "Penata Ruang"
PENGADMINISTRASI = "Pengadministrasi Umum"

# Who disposes to whom on every letter, in this order. The delegate (Sekretaris Dinas) sees
# her own seat's rows and, on B/T letters only, the Kadis's; the Plt. (Kabid Bina Marga, Plt.
# Kabid Penataan Ruang) sees both seats' rows on every letter.
PATHS = ("sekda>kadis", "kadis>sekdis", "kadis>bm", "kadis>pr", "sekdis>staf", "bm>tj", "pr>staf")
EXPECTED = {
    "sekdis.pupr": {
        "received": lambda path, secret: (
            path == "kadis>sekdis" or (path == "sekda>kadis" and not secret)
        ),
        "given": lambda path, secret: (
            path == "sekdis>staf" or (path.startswith("kadis>") and not secret)
        ),
    },
    "kabid.binamarga": {
        "received": lambda path, secret: path in ("kadis>bm", "kadis>pr"),
        "given": lambda path, secret: path in ("bm>tj", "pr>staf"),
    },
}


@dataclass
class Row:
    path: str
    secret: bool
    pk: int


def _give_from(pupr: Pupr, username: str, seat_title: str, titles: list[str], letter):
    """Set-up only: dispose from the user's seat at `seat_title` (give() takes the first seat)."""
    user = User.objects.get(username=username)
    seat = next(s for s in receiving_seats(user, letter) if s.position.title == seat_title)
    targets = [Position.objects.get(agency__short_name=PUPR, title=t) for t in titles]
    chosen = [Instruction.objects.get(name="Untuk ditindaklanjuti")]
    return do_dispose(letter=letter, seat=seat, user=user, to_positions=targets,
                      instructions=chosen)  # fmt: skip


@pytest.fixture
def two_seats(pupr) -> list[Row]:
    """Three letters (the last one R), each disposed along PATHS; some rows past their due
    date, with ties, so that the overdue box has several rows per date."""
    penataan = pupr.position(PENATAAN)
    Position.objects.create(agency=penataan.agency, unit=penataan.unit, title=STAF_PENATAAN,
                            superior=penataan)  # fmt: skip
    Assignment.objects.create(position=penataan, user=pupr.user("kabid.binamarga"),
                              kind=Assignment.Kind.PLT)  # fmt: skip
    letters = [
        pupr.letter,
        letter_to_pupr(pupr.city, subject="Surat kedua"),
        letter_to_pupr(pupr.city, security="R", subject="Surat rahasia"),
    ]
    rows = []
    for letter in letters:
        secret = letter.security == "R"
        (made,) = give(pupr, "sekda", [KADIS], letter=letter)
        rows.append(Row("sekda>kadis", secret, made.pk))
        batch = give(pupr, "kadis.pupr", [SEKDIS, BINA_MARGA, PENATAAN], letter=letter)
        for path, title in (("kadis>sekdis", SEKDIS), ("kadis>bm", BINA_MARGA),
                            ("kadis>pr", PENATAAN)):  # fmt: skip
            rows += [Row(path, secret, d.pk) for d in batch if d.to_position.title == title]
        for path, made in (
            ("sekdis>staf", give(pupr, "sekdis.pupr", [PENGADMINISTRASI], letter=letter)),
            ("bm>tj", give(pupr, "kabid.binamarga", [TEKNIK_JALAN], letter=letter)),
            ("pr>staf", _give_from(pupr, "kabid.binamarga", PENATAAN, [STAF_PENATAAN], letter)),
        ):
            rows += [Row(path, secret, d.pk) for d in made]
    today = pupr.letter.government.today()
    for i, row in enumerate(rows):
        if i % 4 != 3:  # every fourth row keeps its due date in the future
            due = today - datetime.timedelta(days=1 + i % 3)
            Disposition.objects.filter(pk=row.pk).update(due_date=due)
    return rows


def _expected(rows: list[Row], username: str, box: str) -> list[int]:
    """The pks the box must list, in its order, from the membership rules above."""
    by_pk = {d.pk: d for d in Disposition.objects.filter(pk__in=[r.pk for r in rows])}
    if box == "overdue":
        today = by_pk[rows[0].pk].letter.government.today()
        rules = EXPECTED[username]
        mine = [r for r in rows if rules["received"](r.path, r.secret)
                or rules["given"](r.path, r.secret)]  # fmt: skip
        due = [by_pk[r.pk] for r in mine if by_pk[r.pk].due_date < today and by_pk[r.pk].is_open]
        return [d.pk for d in sorted(due, key=lambda d: (d.due_date, d.pk))]
    mine = [by_pk[r.pk] for r in rows if EXPECTED[username][box](r.path, r.secret)]
    return [d.pk for d in sorted(mine, key=lambda d: (d.created_at, d.pk), reverse=True)]


def _walk(username: str, box: str) -> list[list[int]]:
    """Every page of the box, following the cursors, each read by a fresh user object."""
    pages, cursor = [], None
    while True:
        user = User.objects.get(username=username)
        page = selectors.my_dispositions(user, box=box, cursor=cursor)
        pages.append([d.pk for d in page.items])
        if page.next_cursor is None:
            return pages
        assert len(pages) < 20, "the cursor does not advance"
        cursor = page.next_cursor


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["sekdis.pupr", "kabid.binamarga"])
@pytest.mark.parametrize("box", selectors.BOXES)
def test_two_seats_list_exactly_their_rows_in_order_across_pages(
    two_seats, username, box, monkeypatch
):
    expected = _expected(two_seats, username, box)
    assert len(expected) >= 5  # several pages of two, both seats in each box
    assert _walk(username, box) == [expected]
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    pages = _walk(username, box)
    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)


@pytest.mark.django_db
def test_the_delegate_sees_no_rows_of_her_heads_secret_letters(two_seats):
    secret = {r.pk for r in two_seats if r.secret}
    own = {r.pk for r in two_seats if r.path in ("kadis>sekdis", "sekdis>staf")}
    for box in selectors.BOXES:
        listed = {pk for page in _walk("sekdis.pupr", box) for pk in page}
        assert listed & secret <= own, box
    # The Plt. is not a delegate: the secret letter's rows of both seats are hers.
    received = {pk for page in _walk("kabid.binamarga", "received") for pk in page}
    assert {r.pk for r in two_seats if r.secret and r.path in ("kadis>bm", "kadis>pr")} <= received


@pytest.mark.django_db
def test_the_page_view_follows_the_cursor(client, two_seats, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client.force_login(User.objects.get(username="sekdis.pupr"))
    for box in selectors.BOXES:
        listed, params = [], {"box": box}
        while True:
            response = client.get(reverse("dispositions:mine"), params)
            listed += [d.pk for d, _status in response.context["rows"]]
            cursor = response.context["page"].next_cursor
            if cursor is None:
                break
            params = {"box": box, "after": cursor}
        assert listed == _expected(two_seats, "sekdis.pupr", box), box


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["sekdis.pupr", "kabid.binamarga"])
def test_a_later_page_costs_the_queries_of_the_first(
    two_seats, username, monkeypatch, django_assert_num_queries
):
    """Seats, the page, its instructions: three queries, whatever the page and the seats."""
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for box in selectors.BOXES:
        cursor, pages = None, 0
        while pages == 0 or (cursor and pages < 3):
            user = User.objects.get(username=username)
            today = user.government.today()
            with django_assert_num_queries(3):
                page = selectors.my_dispositions(user, box=box, cursor=cursor, today=today)
                [list(d.instructions.all()) for d in page.items]
            assert page.items
            cursor, pages = page.next_cursor, pages + 1
        assert pages == 3, box
