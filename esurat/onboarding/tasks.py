"""Background work of onboarding (Django's Tasks API, django-tasks-db worker). Every task is
idempotent: run twice, or killed halfway, the outcome is the same.

`check_import` runs the dry run of an uploaded workbook (it writes only the import's report);
`run_import` imports a confirmed one in a single transaction (a second run finds it done);
`send_invitations` e-mails each new employee of an import their set-password link once (an
invitation is marked sent right after its e-mail left; a worker killed in between sends that one
e-mail again, which is better than never).
"""

from django.tasks import task
from django.utils import timezone, translation

from esurat.onboarding.models import Import, Invitation


@task()
def check_import(import_code: str) -> str:
    from esurat.onboarding.actions import check_upload

    upload = Import.objects.select_related("government").filter(code=import_code).first()
    if upload is None or upload.state != Import.State.CHECKING:
        return "skipped"
    check_upload(upload)
    return "checked"


@task()
def run_import(import_code: str) -> str:
    from esurat.onboarding.actions import do_import_organisation

    upload = Import.objects.filter(code=import_code).first()
    if upload is None:
        return "skipped"
    return do_import_organisation(upload=upload).state


@task()
def send_invitations(import_code: str) -> int:
    from esurat.onboarding.invitations import invitation_message

    sent = 0
    pending = Invitation.objects.filter(source__code=import_code, sent_at__isnull=True)
    for invitation in pending.select_related("user__government").iterator():
        with translation.override("id"):
            invitation_message(invitation.user).send()
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
