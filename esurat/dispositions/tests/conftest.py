"""Dinas PUPR made ready for dispositions: its Kabid posts held, a delegate for the head, and a
letter delivered to the head's inbox through the real letter actions."""

from dataclasses import dataclass

import pytest

from esurat.accounts.models import User
from esurat.dispositions.models import Instruction
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.demo import DemoCity
from esurat.organisations.models import Assignment

PUPR = "Dinas PUPR"
KADIS = "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"
BINA_MARGA = "Kepala Bidang Bina Marga"
SDA = "Kepala Bidang Sumber Daya Air"
SEKDIS = "Sekretaris Dinas"
TEKNIK_JALAN = "Teknik Jalan"


@dataclass
class Pupr:
    city: DemoCity
    letter: Letter

    def user(self, name: str) -> User:
        return self.city.users[name]

    def position(self, title: str):
        return self.city.position(PUPR, title)


def add_holder(city: DemoCity, username: str, agency: str, title: str) -> User:
    user = User(username=username, full_name=username.replace(".", " ").title(),
                government=city.government, email=f"{username}@banuaraya.go.id")  # fmt: skip
    user.set_password("pw")
    user.save()
    position = city.position(agency, title)
    position.holder = user
    position.save(update_fields=["holder"])
    city.users[username] = user
    return user


def letter_to_pupr(city: DemoCity, **kwargs) -> Letter:
    """A nota dinas from Diskominfo, signed and delivered to the head of Dinas PUPR."""
    return send_through(city, draft_nota_dinas(city, **kwargs))


@pytest.fixture
def pupr(city) -> Pupr:
    add_holder(city, "kabid.binamarga", PUPR, BINA_MARGA)
    add_holder(city, "kabid.sda", PUPR, SDA)
    sekdis = add_holder(city, "sekdis.pupr", PUPR, SEKDIS)
    Assignment.objects.create(
        position=city.position(PUPR, KADIS), user=sekdis, kind=Assignment.Kind.DELEGATE
    )
    return Pupr(city, letter_to_pupr(city))


@pytest.fixture
def instructions() -> dict[str, Instruction]:
    return {i.name: i for i in Instruction.objects.all()}


def give(
    pupr: Pupr,
    giver: str,
    titles: list[str],
    *,
    instruction: str = "Untuk ditindaklanjuti",
    letter: Letter | None = None,
    **kwargs,
) -> list:
    """Set-up only: `giver` disposes the letter to the positions titled, through do_dispose."""
    from esurat.dispositions.access import receiving_seats
    from esurat.dispositions.actions import do_dispose
    from esurat.organisations.models import Position

    letter = letter or pupr.letter
    user = type(pupr.user(giver)).objects.get(pk=pupr.user(giver).pk)  # fresh seat cache
    seat = receiving_seats(user, letter)[0]
    targets = [Position.objects.get(agency__short_name=PUPR, title=t) for t in titles]
    chosen = [Instruction.objects.get(name=instruction)]
    return do_dispose(
        letter=letter, seat=seat, user=user, to_positions=targets, instructions=chosen, **kwargs
    )
