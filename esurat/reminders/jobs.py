"""The scheduled jobs: the 07:00 digest and the reminders, each run once per government and
local date (esurat.reminders.actions.do_claim_job), on working days only, by `manage.py
run_scheduler` (a loop beside the worker, or `--once` from cron)."""

import datetime
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from esurat.organisations.models import Government, Position
from esurat.reminders.actions import do_claim_job, do_finish_job
from esurat.reminders.messages import digest_text, reminder_text
from esurat.reminders.models import DEFAULT_DRAFT_WAIT_DAYS, JobRun, ReminderSettings
from esurat.reminders.selectors import Calendar, Digest, Item, Section, digests, reminders

logger = logging.getLogger(__name__)

DIGEST_AT = datetime.time(7, 0)
REMINDERS_AT = datetime.time(7, 0)
DIGEST_PATH = "/letters/action/"  # the digest's own link: the Needs my action page
BATCH = 500  # digests per deliver_digests task; notify() calls per transaction

# The kind of notification each reminder is (esurat.notifications.models.Notification.Kind).
REMINDER_KINDS = {
    "due_soon": "due_tomorrow",
    "due_today": "due_today",
    "overdue": "overdue",
    "escalation": "escalation",
    "draft_waiting": "draft_waiting",
    "draft_escalation": "escalation",
}


def draft_wait_days(government) -> int:
    """The government's setting, or the default when it has none."""
    found = ReminderSettings.objects.filter(government=government).values_list(
        "draft_wait_days", flat=True
    )
    return found.first() or DEFAULT_DRAFT_WAIT_DAYS


def _batched(rows):
    """notify() BATCH times a transaction: their tasks are enqueued at each commit."""
    for start in range(0, len(rows), BATCH):
        with transaction.atomic():
            yield from rows[start : start + BATCH]


def send_digests(government, cal: Calendar) -> int:
    """Decide every official's digest for `cal.today` (nothing for those with nothing to
    report) and enqueue them BATCH to a `deliver_digests` task, which writes each one's text
    and one-tap links and hands it to notify() in the worker: the scheduler's pass stays short
    (bench/digest.py). Keyed digest:<government>:<user>:<date>: a second run, or a task run
    twice, sends nothing new. Returns the number of digests."""
    from esurat.reminders.tasks import deliver_digests

    found = [digest_payload(d) for d in digests(government, cal.today)]
    for start in range(0, len(found), BATCH):
        deliver_digests.enqueue(government.pk, cal.today.isoformat(), found[start : start + BATCH])
    return len(found)


def _when(value) -> str:
    return value.isoformat() if value is not None else ""


def _parse_when(text: str):
    if not text:
        return None
    if "T" in text:
        return datetime.datetime.fromisoformat(text)
    return datetime.date.fromisoformat(text)


def digest_payload(digest: Digest) -> dict:
    """A digest as the task's JSON: the user and each section's count and first items."""
    return {"user": digest.user_id, "sections": {
        name: [s.count, [[i.kind, i.position_id, i.code, i.path, i.subject, i.secret, _when(i.at)]
                         for i in s.items]]
        for name, s in digest.sections.items()
    }}  # fmt: skip


def digest_from_payload(data: dict) -> Digest:
    sections = {
        name: Section(count, [Item(k, pos, code, path, subject, secret, _parse_when(at))
                              for k, pos, code, path, subject, secret, at in items])
        for name, (count, items) in data["sections"].items()
    }  # fmt: skip
    return Digest(data["user"], sections)


def deliver(government, day: datetime.date, data: dict, user) -> None:
    """Write one digest's text with its one-tap links and hand it to notify()."""
    from esurat.notifications.dispatch import notify
    from esurat.notifications.links import one_tap_url

    def link(path):
        return one_tap_url(user=user, path=path, purpose="digest")

    digest = digest_from_payload(data)
    title, body = digest_text(digest, today=day, zone=government.zone, link=link)
    notify(kind="digest", users_or_seats=[user], title=title, body=body, url=DIGEST_PATH,
           key=f"digest:{government.pk}:{user.pk}:{day}")  # fmt: skip


def send_reminders(government, cal: Calendar) -> int:
    """Hand today's reminders and escalations (selectors.reminders) to notify(), each to its
    position (holder, acting officials, delegates unless the letter is R/SR)."""
    from esurat.notifications.dispatch import notify

    found = reminders(government, cal, draft_wait_days=draft_wait_days(government))
    ids = {r.position_id for r in found} | {r.about_position_id for r in found}
    positions = Position.objects.in_bulk(ids - {None})
    for r in _batched(found):
        about = positions[r.about_position_id].title if r.about_position_id else ""
        title, body = reminder_text(r, about=about)
        notify(kind=REMINDER_KINDS[r.kind], users_or_seats=[positions[r.position_id]],
               title=title, body=body, url=r.path, secret=r.secret, key=r.key)  # fmt: skip
    return len(found)


JOBS = {
    JobRun.Job.DIGEST: (DIGEST_AT, send_digests),
    JobRun.Job.REMINDERS: (REMINDERS_AT, send_reminders),
}


def run_due_jobs(*, now: datetime.datetime | None = None) -> list[JobRun]:
    """Run each job that is due and not yet run today, for every government, and return the
    runs it ended. A job is due from its time of day, in the government's zone, until the end
    of that local day (a scheduler that was down at 07:00 still sends that day's digest, never
    the day after's twice). On a weekend or holiday the run is recorded as skipped."""
    now = now or timezone.now()
    ended = []
    for government in Government.objects.order_by("pk"):
        local = now.astimezone(government.zone)
        for job, (at, send) in JOBS.items():
            if local.time() < at:
                continue
            run = do_claim_job(government=government, job=job, local_date=local.date(), now=now)
            if run is not None:
                ended.append(_run(run, government, local.date(), send, now))
    return ended


def _run(run: JobRun, government, day: datetime.date, send, now) -> JobRun:
    cal = Calendar.around(government, day)
    if not cal.is_working(day):
        return do_finish_job(run=run, state=JobRun.State.SKIPPED, now=timezone.now())
    try:
        with translation.override(settings.LANGUAGE_CODE):
            sent = send(government, cal)
    except Exception:
        logger.exception("scheduled job %s failed for %s on %s", run.job, government, day)
        return do_finish_job(run=run, state=JobRun.State.FAILED, now=timezone.now(),
                             error=traceback.format_exc())  # fmt: skip
    return do_finish_job(run=run, state=JobRun.State.DONE, now=timezone.now(), sent=sent)


def resend_due() -> None:
    """Send the notifications that are due again (retries, those held by quiet hours) and link
    the Telegram chats that sent their code: the minute's work of `send_notifications`."""
    from esurat.notifications.sending import send_due_and_link

    send_due_and_link()


def refresh_figures() -> bool:
    """Rebuild the last days of the evaluation dashboard's daily figures for every government
    (the scheduler's ten-minute job); False when it failed (logged), so it is tried again."""
    from esurat.organisations.models import Government
    from esurat.reports.rollup import refresh

    try:
        for government in Government.objects.order_by("pk"):
            refresh(government)
    except Exception:  # the dashboard's figures never stop the digest and the reminders
        logger.exception("refreshing the evaluation figures failed")
        return False
    return True
