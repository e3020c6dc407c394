"""Changes made by the reminders app: a government's reminder settings (in the admin) and the
scheduler's claim and end of a job run. Each records its audit event in the same transaction."""

import datetime

from django.db import transaction

from esurat.audit.actions import delete_audited, record_event, save_audited
from esurat.reminders.models import JobRun, ReminderSettings

REMINDER_SETTINGS_FIELDS = ["government", "draft_wait_days"]
# A run still `running` this long after its claim belongs to a process that died: it may be
# claimed again (what it sent is keyed per item and day, so nothing goes out twice).
STALE_AFTER = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 3


@transaction.atomic
def do_save_reminder_settings(*, reminder_settings: ReminderSettings, user, ip_address=None):
    """Create or change a government's reminder settings. Records `reminder_settings.created`
    or `.changed` in the government's chain."""
    save_audited(reminder_settings, fields=REMINDER_SETTINGS_FIELDS, kind="reminder_settings",
                 government=reminder_settings.government, user=user,
                 ip_address=ip_address)  # fmt: skip
    return reminder_settings


@transaction.atomic
def do_delete_reminder_settings(*, reminder_settings: ReminderSettings, user, ip_address=None):
    """Delete a government's reminder settings (the defaults apply again). Records
    `reminder_settings.deleted`."""
    delete_audited(reminder_settings, kind="reminder_settings",
                   government=reminder_settings.government, user=user,
                   ip_address=ip_address)  # fmt: skip


@transaction.atomic
def do_claim_job(*, government, job: str, local_date: datetime.date, now: datetime.datetime):
    """Claim the run of `job` for the government's `local_date`; returns the JobRun when the
    caller may run it, None when it ran already or another scheduler is running it.

    The unique (government, job, local_date) row is inserted before the job runs: of two
    schedulers the second waits on the first's insert and then finds the row. A failed run, or
    one left `running` by a dead process for STALE_AFTER, is claimed again (at most
    MAX_ATTEMPTS in all), under the row's lock. Nothing is recorded here: do_finish_job
    records the run once it ends.
    """
    run, created = JobRun.objects.get_or_create(
        government=government, job=job, local_date=local_date, defaults={"claimed_at": now}
    )
    if created:
        return run
    run = JobRun.objects.select_for_update().get(pk=run.pk)
    stale = run.state == JobRun.State.RUNNING and run.claimed_at < now - STALE_AFTER
    if run.attempts >= MAX_ATTEMPTS or not (run.state == JobRun.State.FAILED or stale):
        return None
    run.state, run.claimed_at, run.attempts = JobRun.State.RUNNING, now, run.attempts + 1
    run.error, run.finished_at = "", None
    run.save(update_fields=["state", "claimed_at", "attempts", "error", "finished_at"])
    return run


@transaction.atomic
def do_finish_job(*, run: JobRun, state: str, now: datetime.datetime, sent: int = 0,
                  error: str = "") -> JobRun:  # fmt: skip
    """End a claimed run: done (with how many messages it handed over), skipped (not a working
    day) or failed (with the error, to be claimed again). Records `scheduler.<job>` in the
    government's chain, by the system."""
    run = JobRun.objects.select_for_update().get(pk=run.pk)
    run.state, run.finished_at, run.sent, run.error = state, now, sent, error[:2000]
    run.save(update_fields=["state", "finished_at", "sent", "error"])
    record_event(government=run.government, actor=None, action=f"scheduler.{run.job}",
                 data={"date": run.local_date.isoformat(), "state": state, "sent": sent,
                       "attempt": run.attempts})  # fmt: skip
    return run
