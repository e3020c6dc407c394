"""Every state change of onboarding: uploading and importing an organisation workbook, inviting
new employees, accepting an invitation, and moving an agency through its rollout.

Each do_* runs in one transaction with its audit event; e-mails are sent by the worker, enqueued
once the transaction is committed.
"""

import datetime
import hashlib

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, record_event
from esurat.onboarding import workbook
from esurat.onboarding.models import AgencyOnboarding, Import
from esurat.onboarding.plan import apply_plan, make_plan


class OnboardingRefused(Exception):
    """The change cannot happen in the current state; the message is for the user."""


@transaction.atomic
def do_upload_import(*, scope, user, filename: str, content: bytes, ip_address=None) -> Import:
    """Keep an uploaded workbook for its dry run (run by the worker: check_import). Records
    `onboarding.import_uploaded`. Nothing of the organisation changes."""
    upload = Import.objects.create(
        government=scope.government, uploaded_by=user, filename=filename[:200], content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )  # fmt: skip
    if scope.agency_ids is not None:
        upload.agencies.set(scope.agency_ids)
    record_event(government=scope.government, actor=Actor(user, None, "", ip_address),
                 action="onboarding.import_uploaded",
                 data={"import": str(upload.code), "file": upload.filename,
                       "sha256": upload.sha256})  # fmt: skip
    return upload


def _scope_ids(upload: Import) -> set[int] | None:
    ids = set(upload.agencies.values_list("pk", flat=True))
    return ids or None


def check_upload(upload: Import) -> dict:
    """The dry run: read and check the workbook, store its report. Writes only the import row
    (its progress and report); safe to run again."""
    Import.objects.filter(pk=upload.pk).update(progress=0, total=0)

    def on_progress(done, expected):
        # The check after reading counts as a tenth of the work.
        Import.objects.filter(pk=upload.pk).update(progress=done, total=expected + expected // 10)

    try:
        sheets = workbook.read(bytes(upload.content), on_progress=on_progress)
    except workbook.WorkbookRefused as exc:
        report = {"refused": str(exc), "problems": [], "problem_total": 1, "counts": {}}
    else:
        plan = make_plan(upload.government, sheets, scope=_scope_ids(upload))
        report = plan.report()
    state = Import.State.FAILED if report.get("refused") else Import.State.CHECKED
    Import.objects.filter(pk=upload.pk, state=Import.State.CHECKING).update(
        report=report, state=state, progress=F("total"), finished_at=timezone.now()
    )
    return report


@transaction.atomic
def do_queue_import(*, upload: Import, user, ip_address=None) -> Import:
    """Confirm a checked import with no problem and no refusal: the worker runs it next."""
    upload = Import.objects.select_for_update().get(pk=upload.pk)
    if upload.state != Import.State.CHECKED or upload.report.get("problem_total"):
        raise OnboardingRefused(_("Only a checked workbook without problems can be imported."))
    upload.state, upload.progress, upload.total = Import.State.QUEUED, 0, 0
    upload.save(update_fields=["state", "progress", "total"])
    return upload


@transaction.atomic
def do_import_organisation(*, upload: Import, now=None) -> Import:
    """Import a confirmed workbook, all of it or nothing, in this one transaction.

    Takes the import row's lock, so a second worker running the same task waits and then finds
    it done (idempotent). The workbook is checked again against the database as it is now; if
    anything changed since the dry run and a problem appears, nothing is written and the import
    is refused with the new report. Records `onboarding.imported` with the counts per sheet, and
    enqueues the invitations of the new employees once committed.
    """
    upload = Import.objects.select_for_update().select_related("government").get(pk=upload.pk)
    if upload.state != Import.State.QUEUED:
        return upload
    now = now or timezone.now()
    try:
        sheets = workbook.read(bytes(upload.content))
    except workbook.WorkbookRefused as exc:
        upload.report = {"refused": str(exc), "problems": [], "problem_total": 1, "counts": {}}
        upload.state, upload.finished_at = Import.State.FAILED, now
        upload.save(update_fields=["report", "state", "finished_at"])
        return upload
    plan = make_plan(upload.government, sheets, scope=_scope_ids(upload))
    if plan.problem_total:  # the organisation changed since the dry run
        upload.report, upload.state, upload.finished_at = plan.report(), Import.State.FAILED, now
        upload.save(update_fields=["report", "state", "finished_at"])
        record_event(government=upload.government, actor=Actor(upload.uploaded_by),
                     action="onboarding.import_refused",
                     data={"import": str(upload.code), "problems": plan.problem_total})  # fmt: skip
        return upload
    created = apply_plan(plan, government=upload.government, source=upload)
    upload.report, upload.state, upload.finished_at = plan.report(), Import.State.DONE, now
    upload.report["invited"] = sum(1 for u in created if u.email)
    upload.save(update_fields=["report", "state", "finished_at"])
    record_event(government=upload.government, actor=Actor(upload.uploaded_by),
                 action="onboarding.imported",
                 data={"import": str(upload.code), "file": upload.filename,
                       "sha256": upload.sha256, "counts": plan.counts_shown(),
                       "invited": upload.report["invited"]})  # fmt: skip
    if upload.report["invited"]:
        from esurat.onboarding.tasks import send_invitations

        code = str(upload.code)
        transaction.on_commit(lambda: send_invitations.enqueue(code))
    return upload


@transaction.atomic
def do_accept_invitation(*, user, password: str, ip_address=None):
    """Set the invited employee's first password (the link's token was checked by the view).
    Records `account.invitation_accepted`; the link stops working (the token hashes the
    password)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(government=user.government, actor=Actor(user, None, "", ip_address),
                 action="account.invitation_accepted", data={})  # fmt: skip
    return user


# Allowed moves of the rollout; going back (live → trial) is allowed for a failed trial.
MOVES = {
    AgencyOnboarding.State.NOT_STARTED: {AgencyOnboarding.State.TRIAL,
                                         AgencyOnboarding.State.LIVE},
    AgencyOnboarding.State.TRIAL: {AgencyOnboarding.State.LIVE,
                                   AgencyOnboarding.State.NOT_STARTED},
    AgencyOnboarding.State.LIVE: {AgencyOnboarding.State.TRIAL},
}  # fmt: skip


@transaction.atomic
def do_set_onboarding_state(
    *, agency, state: str, user, on: datetime.date | None = None, ip_address=None
) -> AgencyOnboarding:
    """Move an agency to `state` (not started, trial or live), dated `on` (today by default).

    Locks the agency row. An agency without an onboarding row counts as live. Keeps
    Agency.is_onboarded in step — only a live agency receives its letters in e-Surat alone; the
    others also get them by e-mail or on paper (esurat.delivery). Records
    `onboarding.state_changed` with the old and new state.
    """  # fmt: skip
    from esurat.organisations.models import Agency

    agency = Agency.objects.select_for_update().select_related("government").get(pk=agency.pk)
    row = AgencyOnboarding.objects.filter(agency=agency).first()
    old = row.state if row else AgencyOnboarding.State.LIVE
    if state not in AgencyOnboarding.State.values:
        raise OnboardingRefused(_("Unknown onboarding state."))
    if state == old or state not in MOVES[old]:
        raise OnboardingRefused(
            _("The agency cannot move from “%(old)s” to “%(new)s”.")
            % {"old": AgencyOnboarding.State(old).label, "new": AgencyOnboarding.State(state).label}
        )
    on = on or agency.government.today()
    if row is None:
        row = AgencyOnboarding(agency=agency)
    row.state, row.changed_at = state, timezone.now()
    if state == AgencyOnboarding.State.TRIAL:
        row.trial_started_on = on
    elif state == AgencyOnboarding.State.LIVE:
        row.live_on = on
    row.save()
    live = state == AgencyOnboarding.State.LIVE
    if agency.is_onboarded != live:
        agency.is_onboarded = live
        agency.save(update_fields=["is_onboarded"])
    record_event(government=agency.government, actor=Actor(user, None, "", ip_address),
                 action="onboarding.state_changed",
                 data={"agency": agency.short_name, "from": old, "to": state,
                       "on": on.isoformat()})  # fmt: skip
    return row
