"""Background work of reminders (Django's Tasks API, django-tasks-db worker).

`deliver_digests` hands a chunk of built digests to notify(). The scheduler builds the 10,000
digests of a government in one pass and enqueues them 500 to a task, so its pass stays short
(bench/digest.py); the worker then makes each official's notification. Idempotent: each digest
carries its key, and notify() makes nothing for a key it has seen, so a task run twice or killed
halfway and run again sends every digest once.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.tasks import task


@task()
def deliver_digests(digests: list[dict]) -> int:
    """`digests`: [{"user": pk, "title", "body", "url", "key"}]. Returns how many were handed
    over (inactive or deleted accounts are skipped)."""
    from esurat.notifications.dispatch import notify

    users = get_user_model().objects.filter(is_active=True).in_bulk([d["user"] for d in digests])
    handed = 0
    with transaction.atomic():
        for d in digests:
            user = users.get(d["user"])
            if user is None:
                continue
            notify(kind="digest", users_or_seats=[user], title=d["title"], body=d["body"],
                   url=d["url"], key=d["key"])  # fmt: skip
            handed += 1
    return handed
