"""The clock of the reminder tests: frozen (time-machine) in the week of Christmas 2026 in
Banua Raya (Asia/Makassar), where the shipped calendar has a weekend and two holidays in a row:

    Mon 21  Tue 22  Wed 23  Thu 24 (cuti bersama)  Fri 25 (Christmas)  Sat 26  Sun 27  Mon 28 …

Every action, audit event and scheduler pass of a test happens at the travelled time.
"""

import datetime
import zoneinfo

import pytest

from esurat.dispositions.tests.conftest import (  # noqa: F401  (fixtures)
    BINA_MARGA,
    KADIS,
    PUPR,
    SDA,
    give,
    instructions,
    pupr,
)
from esurat.dispositions.tests.test_incoming import incoming  # noqa: F401  (fixture)

ZONE = zoneinfo.ZoneInfo("Asia/Makassar")


def at(day: int, hour: int = 9, minute: int = 0, *, month: int = 12) -> datetime.datetime:
    """A moment of December 2026 in Banua Raya's zone."""
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """Monday 21 December 2026, 09:00 in Banua Raya, frozen; `clock.move_to(at(…))` travels."""
    time_machine.move_to(at(21), tick=False)
    return time_machine
