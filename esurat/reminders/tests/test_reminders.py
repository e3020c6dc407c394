"""Reminders and escalation on the right days: a disposition's recipient the working day before
it is due and on the day, its superior from the first working day after, daily; a draft waiting
for a paraf more than N working days (the government's setting), then its superior."""

import pytest

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.notifications.models import Notification
from esurat.reminders.jobs import run_due_jobs
from esurat.reminders.models import ReminderSettings
from esurat.reminders.tests.conftest import BINA_MARGA, at, give

REMINDER_KINDS = ("due_tomorrow", "due_today", "overdue", "escalation", "draft_waiting")


@pytest.fixture
def day(clock, django_capture_on_commit_callbacks, city):
    """Run the scheduler at 07:00 of a December day; the (kind, username) of the in-app
    reminders it made."""

    def run(d: int, hour: int = 7) -> set[tuple[str, str]]:
        names = {u.pk: name for name, u in city.users.items()}
        before = set(Notification.objects.values_list("pk", flat=True))
        clock.move_to(at(d, hour))
        with django_capture_on_commit_callbacks(execute=True):
            run_due_jobs(now=at(d, hour))
        made = Notification.objects.filter(channel="inapp", kind__in=REMINDER_KINDS).exclude(
            pk__in=before
        )
        return {(n.kind, names.get(n.user_id, n.user_id)) for n in made}

    return run


@pytest.fixture
def disposition(pupr, instructions):
    """Given Monday 21 December to the Kabid Bina Marga, due Monday 28 (after the cuti
    bersama, Christmas and the weekend)."""
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], due_date=at(28).date())
    return d


def test_it_reminds_the_day_before_and_on_the_due_day_then_escalates_daily(day, disposition):
    assert day(22) == set()
    assert day(23) == {("due_tomorrow", "kabid.binamarga")}  # the next working day is the 28th
    for holiday_or_weekend in (24, 25, 26, 27):
        assert day(holiday_or_weekend) == set()
    assert day(28) == {("due_today", "kabid.binamarga")}
    escalated = {
        ("overdue", "kabid.binamarga"),
        ("escalation", "kadis.pupr"),
        ("escalation", "sekdis.pupr"),
    }  # fmt: skip  (the head's delegate too)
    assert day(29) == escalated
    assert day(30) == escalated  # then daily


def test_it_makes_nothing_new_on_a_second_run_the_same_day(day, disposition):
    assert day(29)
    assert day(29, hour=8) == set()
    assert day(29, hour=23) == set()


def test_it_stops_once_the_follow_up_is_reported(day, disposition, pupr):
    from esurat.dispositions.actions import do_report_follow_up
    from esurat.organisations.access import seats_of

    user = pupr.user("kabid.binamarga")
    do_report_follow_up(disposition=disposition, seat=seats_of(user)[0], user=user,
                        text="Sudah ditindaklanjuti.")  # fmt: skip
    assert day(29) == set()


def _waiting_draft(city):
    """Submitted Monday 21 December, 09:00: it waits for the Kabid Aptika's paraf."""
    letter = draft_nota_dinas(city)
    staff = city.users["staf.aptika"]
    return actions.do_submit(
        letter=letter, seat=seat_for_action(staff, letter, Action.SUBMIT), user=staff
    )


def test_it_reminds_a_reviewer_after_two_working_days_then_tells_the_superior(day, city):
    _waiting_draft(city)
    # Working days waited: 22 → 1, 23 → 2, (24–27 none), 28 → 3, 29 → 4.
    assert day(22) == set() and day(23) == set()
    assert day(28) == {("draft_waiting", "kabid.aptika")}
    assert day(29) == {
        ("draft_waiting", "kabid.aptika"),
        ("escalation", "kadis.kominfo"),
        ("escalation", "sekdis.kominfo"),
    }  # fmt: skip  (the Kadis's delegate)


def test_it_waits_the_number_of_working_days_the_government_set(day, city):
    ReminderSettings.objects.create(government=city.government, draft_wait_days=3)
    _waiting_draft(city)
    assert day(28) == set()
    assert day(29) == {("draft_waiting", "kabid.aptika")}
    assert day(30) == {("draft_waiting", "kabid.aptika"), ("escalation", "kadis.kominfo"),
                       ("escalation", "sekdis.kominfo")}  # fmt: skip


def test_it_follows_the_draft_to_its_signatory(day, city, clock):
    letter = _waiting_draft(city)
    clock.move_to(at(23, 10))
    kabid = city.users["kabid.aptika"]
    actions.do_review(letter=letter, seat=seat_for_action(kabid, letter, Action.REVIEW),
                      user=kabid, approve=True)  # fmt: skip
    # Waiting for the Kadis's signature since the 23rd: 28 → 1, 29 → 2, 30 → 3.
    assert day(29) == set()
    assert day(30) == {("draft_waiting", "kadis.kominfo"), ("draft_waiting", "sekdis.kominfo")}
