"""`/healthz`: what a monitoring probe (or the city's IT admin) needs to know, without a login.

Checks the database (a query), the file storage (write and delete a small file), the
static files (with DEBUG off, pages link the hashed names `collectstatic` recorded: without
them every page answers 500), the background worker (the oldest task waiting to run: if it has waited longer than
HEALTH_MAX_QUEUE_SECONDS, no worker is taking tasks) and the audit trail (the hashes of the
latest HEALTH_AUDIT_TAIL events of each chain, and each chain head; `manage.py verify_audit`
checks every event). Answers 200 when all is well, 503 with the
failing part named otherwise. It reveals no letter, user or configuration detail.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _storage() -> str:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)
    return "ok"


def _static() -> str:
    """With DEBUG off, the manifest of collected static files must exist (docs/deploy.md)."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    if settings.DEBUG or not hasattr(staticfiles_storage, "load_manifest"):
        return "ok"
    return "ok" if staticfiles_storage.hashed_files else "not collected: run collectstatic"


def _worker(now) -> dict:
    """The oldest task ready to run and how long it has waited (0 when the queue is empty)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .only("enqueued_at", "run_after")
        .first()
    )
    if oldest is None:
        return {"status": "ok", "waiting": 0, "oldest_seconds": 0}
    due = oldest.enqueued_at
    if oldest.run_after != get_date_max() and oldest.run_after > due:
        due = oldest.run_after
    waited = max((now - due).total_seconds(), 0)
    waiting = DBTaskResult.objects.ready().count()
    stalled = waited > settings.HEALTH_MAX_QUEUE_SECONDS
    return {"status": "stalled" if stalled else "ok", "waiting": waiting,
            "oldest_seconds": int(waited)}  # fmt: skip


def _audit() -> dict:
    """The tail of every government's audit chain recomputed: `broken` names no event (the
    probe needs no login; `manage.py verify_audit` says which)."""
    from esurat.audit.actions import check_chain
    from esurat.organisations.models import Government

    checked, intact = 0, True
    for government in Government.objects.only("pk"):
        found = check_chain(government, tail=settings.HEALTH_AUDIT_TAIL)
        checked, intact = checked + found.events_checked, intact and found.ok
    return {"status": "ok" if intact else "broken", "checked": checked}


@never_cache
@require_GET
def healthz(request):
    now = timezone.now()
    checks: dict = {}
    for name, check in (("database", _database), ("storage", _storage), ("static", _static)):
        try:
            checks[name] = check()
        except Exception as exc:  # reported, not raised: the probe must get an answer
            checks[name] = f"error: {type(exc).__name__}"
    try:
        checks["worker"] = _worker(now)
    except Exception as exc:
        checks["worker"] = {"status": f"error: {type(exc).__name__}"}
    try:
        checks["audit"] = _audit()
    except Exception as exc:
        checks["audit"] = {"status": f"error: {type(exc).__name__}"}
    healthy = (
        checks["database"] == "ok" and checks["storage"] == "ok" and checks["static"] == "ok"
        and checks["worker"]["status"] == "ok" and checks["audit"]["status"] == "ok"
    )  # fmt: skip
    body = {"status": "ok" if healthy else "fail", "time": now.isoformat(
        timespec="seconds"), **checks}  # fmt: skip
    return JsonResponse(body, status=200 if healthy else 503)
