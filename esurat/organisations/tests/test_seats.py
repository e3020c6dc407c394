"""The seats a user acts from: held positions, acting officials, delegates — read in one query."""

import datetime

import pytest
from django.utils import timezone

from esurat.organisations.access import seats_of
from esurat.organisations.models import Assignment


@pytest.fixture
def sekda(city):
    """The Sekda: holds his post, Plt. of the Diskominfo head since last month, Plh. of the PUPR
    head since last week (twice, overlapping), and had an assignment that has ended."""
    user = city.users["sekda"]
    now = timezone.now()
    kominfo = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    pupr = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    ended = city.position("Dinas PUPR", "Teknik Jalan")
    week, month = datetime.timedelta(days=7), datetime.timedelta(days=30)
    Assignment.objects.create(position=pupr, user=user, kind="plh", starts_at=now - week)
    Assignment.objects.create(position=pupr, user=user, kind="plt", starts_at=now - week / 2)
    Assignment.objects.create(position=kominfo, user=user, kind="plt", starts_at=now - month)
    Assignment.objects.create(position=ended, user=user, kind="plh", starts_at=now - month,
                              ends_at=now - week)  # fmt: skip
    Assignment.objects.create(position=ended, user=user, kind="plh", starts_at=now + week)
    return user


@pytest.mark.django_db
def test_it_lists_the_held_seat_first_then_assignments_by_start(city, sekda):
    seats = seats_of(sekda)
    assert [(s.position.title, s.acting_as) for s in seats] == [
        ("Sekretaris Daerah", ""),
        ("Kepala Dinas Komunikasi dan Informatika", "plt"),
        ("Kepala Dinas Pekerjaan Umum dan Penataan Ruang", "plh"),  # the earlier of two
    ]


@pytest.mark.django_db
def test_it_counts_a_held_position_as_held_even_when_also_assigned(city):
    kadis = city.users["kadis.pupr"]
    own = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    Assignment.objects.create(position=own, user=kadis, kind="plt")
    assert [(s.position, s.acting_as) for s in seats_of(kadis)] == [(own, "")]


@pytest.mark.django_db
def test_it_keeps_the_delegate_seat_of_a_secretary(city):
    seats = seats_of(city.users["sekdis.kominfo"])
    assert [(s.position.title, s.is_delegate) for s in seats] == [
        ("Sekretaris Dinas", False),
        ("Kepala Dinas Komunikasi dan Informatika", True),
    ]


@pytest.mark.django_db
def test_it_reads_the_seats_in_one_query_and_once_per_request(
    city, sekda, django_assert_num_queries
):
    with django_assert_num_queries(1):
        seats = seats_of(sekda)
        assert [s.position.agency.short_name for s in seats] == ["Setda", "Diskominfo",
                                                                 "Dinas PUPR"]  # fmt: skip
        assert seats_of(sekda) is seats
