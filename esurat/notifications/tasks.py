"""Background work of notifications (Django's Tasks API, django-tasks-db worker).

`fan_out` makes an event's rows (dispatch.make_rows, idempotent) and then sends them; `send_event`
sends what is due of one event and, when the backend can run a task later, enqueues itself for
the next retry or the end of quiet hours. `manage.py send_notifications` is the safety net that
finds every due row whatever happened to the queue.
"""

import logging

from django.tasks import task
from django.tasks.exceptions import InvalidTask

from esurat.notifications import sending
from esurat.notifications.dispatch import make_rows

logger = logging.getLogger(__name__)


@task()
def fan_out(event: dict) -> int:
    return fan_out_now(event)


def fan_out_now(event: dict) -> int:
    outside = make_rows(event)
    if outside:
        _send(event["key"])
    return outside


@task()
def letter_delivered(letter_pk: int) -> None:
    """Tell a delivered letter's recipients (events.tell_letter_delivered). The signing only
    queued this task: reading 10,000 recipients happens here, in the worker."""
    from esurat.letters.models import Letter
    from esurat.notifications import events
    from esurat.notifications.dispatch import fanning_out_here

    letter = Letter.objects.select_related("agency", "kind").filter(pk=letter_pk).first()
    if letter is not None:
        with fanning_out_here():
            events.tell_letter_delivered(letter)


@task()
def send_event(key: str) -> dict:
    return _send(key)


def _send(key: str) -> dict:
    outcome = sending.send_event(key)
    run_after = sending.next_due(key)
    if run_after is not None and send_event.get_backend().supports_defer:
        try:
            send_event.using(run_after=run_after).enqueue(key)
        except InvalidTask:  # pragma: no cover - a backend that refuses run_after after all
            logger.warning("could not defer event %s; send_notifications will send it", key)
    return outcome
