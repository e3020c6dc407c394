"""Background work of reminders (Django's Tasks API, django-tasks-db worker).

`deliver_digests` writes a chunk of digests (their text, their one-tap links) and hands each to
notify(). The scheduler decides the 10,000 digests of a government in one pass and enqueues them
500 to a task, so its pass stays short (bench/digest.py); the workers write and send them.
Idempotent: each digest is keyed per government, user and date, and notify() makes nothing for a
key it has seen, so a task run twice, or killed halfway and run again, sends every digest once.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task
from django.utils import translation


@task()
def deliver_digests(government_id: int, day: str, digests: list[dict]) -> int:
    """`digests`: esurat.reminders.jobs.digest_payload of each. Returns how many were handed
    over (inactive or deleted accounts are skipped)."""
    from esurat.organisations.models import Government
    from esurat.reminders.jobs import deliver

    government = Government.objects.get(pk=government_id)
    date = datetime.date.fromisoformat(day)
    users = get_user_model().objects.filter(is_active=True).in_bulk([d["user"] for d in digests])
    handed = 0
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for data in digests:
            user = users.get(data["user"])
            if user is not None:
                deliver(government, date, data, user)
                handed += 1
    return handed
