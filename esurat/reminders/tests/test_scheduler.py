"""The scheduler: each job once per government and local date, whatever runs it twice — two
schedulers, a repeated pass, a clock set back, a changed time zone, a retried failure."""

import io

import pytest
from django.core.management import call_command

from esurat.audit.models import AuditEvent
from esurat.notifications.models import Notification
from esurat.reminders.actions import do_claim_job
from esurat.reminders.jobs import run_due_jobs
from esurat.reminders.models import JobRun
from esurat.reminders.tests.conftest import BINA_MARGA, at, give


@pytest.fixture
def busy(pupr, instructions):
    """Something to send on Tuesday 22 December: a letter unread, a disposition due."""
    give(pupr, "kadis.pupr", [BINA_MARGA], due_date=at(23).date())
    return pupr


@pytest.fixture
def run(clock, django_capture_on_commit_callbacks):
    def run(moment):
        clock.move_to(moment)
        with django_capture_on_commit_callbacks(execute=True):
            return run_due_jobs(now=moment)

    return run


def _sent() -> int:
    return Notification.objects.count()


def test_it_lets_only_one_scheduler_claim_a_day(city):
    gov, day = city.government, at(22).date()
    first = do_claim_job(government=gov, job="digest", local_date=day, now=at(22, 7))
    assert first is not None
    assert do_claim_job(government=gov, job="digest", local_date=day, now=at(22, 7, 0)) is None
    assert do_claim_job(government=gov, job="digest", local_date=day, now=at(22, 7, 20)) is None
    assert JobRun.objects.filter(job="digest").count() == 1


def test_it_runs_each_job_once_and_records_it(busy, run):
    runs = run(at(22, 7, 0))
    assert {(r.job, r.state) for r in runs} == {("digest", "done"), ("reminders", "done")}
    events = AuditEvent.objects.filter(action__startswith="scheduler.")
    assert {e.action for e in events} == {"scheduler.digest", "scheduler.reminders"}
    assert events.get(action="scheduler.digest").data["date"] == "2026-12-22"
    assert run(at(22, 7, 5)) == []


def test_it_never_runs_twice_when_the_clock_is_set_back(busy, run):
    run(at(22, 7, 30))
    sent = _sent()
    assert run(at(22, 7, 0)) == []  # the clock went back half an hour
    assert _sent() == sent


def test_it_never_runs_twice_when_the_time_zone_changes(busy, run):
    gov = busy.city.government
    run(at(22, 7, 0))  # 07:00 WITA
    sent = _sent()
    gov.time_zone = "Asia/Jakarta"  # WIB, an hour behind: 07:00 WIB is 08:00 WITA
    gov.save(update_fields=["time_zone"])
    assert run(at(22, 8, 0)) == []
    assert _sent() == sent
    assert JobRun.objects.filter(job="digest").count() == 1


def test_it_runs_the_day_it_missed_until_that_days_end_only(busy, run):
    runs = run(at(22, 13, 0))  # the scheduler was down at 07:00
    assert {r.job for r in runs} == {"digest", "reminders"}
    assert not JobRun.objects.filter(local_date=at(21).date()).exists()


def test_it_retries_a_failed_run_without_sending_anything_twice(busy, run):
    run(at(22, 7, 0))
    sent = _sent()
    JobRun.objects.filter(job="digest").update(state=JobRun.State.FAILED, error="SMTP down")
    (again,) = run(at(22, 7, 1))
    assert (again.job, again.state, again.attempts) == ("digest", "done", 2)
    assert _sent() == sent  # every message is keyed per item and day


def test_it_takes_over_the_run_of_a_dead_scheduler_after_half_an_hour(busy, run):
    JobRun.objects.create(government=busy.city.government, job="digest",
                          local_date=at(22).date(), claimed_at=at(22, 7, 0))  # fmt: skip
    assert [r.job for r in run(at(22, 7, 10))] == ["reminders"]  # still running, maybe
    (taken,) = run(at(22, 7, 31))
    assert (taken.job, taken.state, taken.attempts) == ("digest", "done", 2)


def test_it_runs_from_the_command_once_for_cron(busy, clock, django_capture_on_commit_callbacks):
    clock.move_to(at(22, 7, 0))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", "--at", "2026-12-22T07:00+08:00", stdout=out)
    assert "digest 2026-12-22: done" in out.getvalue()
    assert "reminders 2026-12-22: done" in out.getvalue()
    out = io.StringIO()
    call_command("run_scheduler", "--once", "--at", "2026-12-22T07:05+08:00", stdout=out)
    assert out.getvalue() == ""


def test_it_refuses_a_moment_without_its_offset(city):
    err = io.StringIO()
    call_command("run_scheduler", "--at", "2026-12-22T07:00", stderr=err)
    assert "offset" in err.getvalue()
    assert not JobRun.objects.exists()


def test_it_refreshes_the_evaluation_figures_of_the_last_days(busy):
    from esurat.reminders.jobs import refresh_figures
    from esurat.reports.models import DailyFigures

    assert not DailyFigures.objects.exists()
    assert refresh_figures() is True
    # Today's disposition by the Kadis PUPR is counted for PUPR's day.
    row = DailyFigures.objects.get(
        agency=busy.position("Kepala Dinas Pekerjaan Umum dan Penataan Ruang").agency,
        day=at(21).date(),
    )
    assert row.disposed == 1
