"""The date of a list row (`{{ at|when }}`): short, in the government's zone and the language."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.utils import timezone, translation

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")


def _render(at) -> str:
    return engines["django"].from_string("{% load letter_lists %}{{ at|when }}").render({"at": at})


@pytest.fixture(autouse=True)
def _makassar():
    with timezone.override(MAKASSAR):
        yield


def test_it_shows_the_time_for_today_in_the_local_zone():
    now = timezone.localtime()
    at = now.replace(hour=0, minute=30, second=0, microsecond=0)  # 00:30 WITA = 16:30 UTC before
    html = _render(at.astimezone(datetime.UTC))
    assert f'datetime="{at.isoformat()}"' in html
    assert html.endswith(">00:30</time>")
    assert f'title="{at.day} {at:%B} {at.year}, 00:30"' in html


def test_it_shows_day_and_month_this_year_and_the_year_before_that():
    today = timezone.localdate()
    if (today.month, today.day) != (1, 1):
        earlier = datetime.datetime(today.year, 1, 1, 9, 5, tzinfo=MAKASSAR)
        assert _render(earlier).endswith(">1 Jan</time>")
    old = datetime.datetime(today.year - 1, 8, 17, 9, 5, tzinfo=MAKASSAR)
    assert _render(old).endswith(f">17 Aug {today.year - 1}</time>")
    with translation.override("id"):
        html = _render(old)
    assert html.endswith(f">17 Agu {today.year - 1}</time>")
    assert f'title="17 Agustus {today.year - 1}, 09:05"' in html


def test_it_shows_nothing_without_a_date():
    assert _render(None) == ""
