"""Background work for delivery outside the system (Django's Tasks API, django-tasks-db worker).

`send_dispatch` e-mails one dispatch. It is idempotent (esurat.delivery.mail.deliver: a row
already sent is never re-sent, one not due is left alone). After a failure it enqueues itself for
the next attempt when the backend can run a task later; `manage.py send_pending_mail` (cron, or
the worker loop) is the safety net that finds every due row whatever happened to the queue.
"""

import logging

from django.tasks import task
from django.tasks.exceptions import InvalidTask

from esurat.delivery.mail import deliver
from esurat.delivery.models import Dispatch

logger = logging.getLogger(__name__)


@task()
def send_dispatch(dispatch_code: str) -> str:
    state = deliver(dispatch_code)
    if state == Dispatch.State.RETRYING:
        _enqueue_retry(dispatch_code)
    return state


def _enqueue_retry(code: str) -> None:
    run_after = Dispatch.objects.filter(code=code).values_list("next_attempt_at", flat=True).first()
    if run_after is None or not send_dispatch.get_backend().supports_defer:
        return  # send_pending_mail will pick it up
    try:
        send_dispatch.using(run_after=run_after).enqueue(code)
    except InvalidTask:  # pragma: no cover - a backend that refuses run_after after all
        logger.warning("could not defer dispatch %s; send_pending_mail will retry it", code)
