"""Sending the outside rows, exactly once in effect.

One send is three steps, like esurat.delivery.mail: claim the row with one conditional UPDATE
(due → SENDING, attempts + 1, claimed_at): of two senders racing for a row only one changes
it; talk to the channel with no transaction open; record the outcome with a second conditional
UPDATE (only a row still SENDING). A SENT row is never sent again, so a task run twice sends
nothing twice. A worker killed after the claim leaves a SENDING row; `send_due` takes it up
again after STALE_AFTER with the same idempotency key (the webhook's header, the e-mail's
Message-ID), so the one case a message may arrive twice — killed after the service accepted it
and before the outcome was written — carries a key the receiver can fold on. Losing a message
is worse than sending it twice.

A channel that fails (TemporaryFailure, or any error) is retried with exponential backoff
(`next_attempt_at`) and is skipped for the rest of that run: a mail server down does not hold up
the Telegram or WhatsApp messages behind it. PermanentFailure: the target is gone, the row DEAD.
"""

import datetime
import logging

from django.db.models import F, Q
from django.utils import timezone

from esurat.notifications.channels import REGISTRY, PermanentFailure, TemporaryFailure
from esurat.notifications.models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BACKOFF_SECONDS = 60  # 1, 2, 4, 8 … minutes, at most MAX_BACKOFF
MAX_BACKOFF = datetime.timedelta(hours=6)
STALE_AFTER = datetime.timedelta(minutes=15)
State = Notification.State


def backoff(attempts: int) -> datetime.timedelta:
    return min(datetime.timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1)), MAX_BACKOFF)


def due_filter(now) -> Q:
    """Outside rows to try now: due ones (released from quiet hours included) and claims
    abandoned by a dead worker."""
    return ~Q(channel=Notification.Channel.INAPP) & (
        Q(state__in=Notification.DUE_STATES, next_attempt_at__lte=now)
        | Q(state=State.SENDING, claimed_at__lt=now - STALE_AFTER)
    )


def claim(pk: int, now) -> bool:
    """Take the row for this sender if it is due. One conditional UPDATE: atomic."""
    return bool(
        Notification.objects.filter(due_filter(now), pk=pk).update(
            state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
    )


def _finish(pk: int, **fields) -> None:
    Notification.objects.filter(pk=pk, state=State.SENDING).update(**fields)


def send_one(pk: int) -> str:
    """Claim and send one row if due. Returns its state afterwards."""
    now = timezone.now()
    if not claim(pk, now):
        return Notification.objects.filter(pk=pk).values_list("state", flat=True).first() or ""
    row = Notification.objects.select_related("user__government").get(pk=pk)
    channel = REGISTRY.get(row.channel)
    try:
        if channel is None:
            raise PermanentFailure(f"no channel {row.channel!r} in this installation")
        channel.send(row)
    except PermanentFailure as exc:
        logger.info("notification %s: target gone: %s", row.code, exc)
        _finish(pk, state=State.DEAD, next_attempt_at=None, last_error=str(exc)[:500])
        return State.DEAD
    except Exception as exc:  # noqa: BLE001 - any failure of one channel is retried later
        if not isinstance(exc, TemporaryFailure):
            logger.exception("notification %s: channel %s failed", row.code, row.channel)
        error = f"{type(exc).__name__}: {exc}"[:500]
        if row.attempts >= MAX_ATTEMPTS:
            _finish(pk, state=State.FAILED, next_attempt_at=None, last_error=error)
            return State.FAILED
        _finish(pk, state=State.PENDING, next_attempt_at=timezone.now() + backoff(row.attempts),
                last_error=error)  # fmt: skip
        return "retry"
    _finish(pk, state=State.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error="")
    return State.SENT


def send_rows(rows: Q, *, limit: int | None = None) -> dict[str, int]:
    """Send the due rows matching `rows`, oldest due first; a channel that fails is skipped for
    the rest of this run."""
    now = timezone.now()
    found = (
        Notification.objects.filter(due_filter(now) & rows)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "channel")
    )
    if limit:
        found = found[:limit]
    outcome: dict[str, int] = {}
    broken: set[str] = set()
    for pk, channel in list(found):
        if channel in broken:
            outcome["postponed"] = outcome.get("postponed", 0) + 1
            continue
        state = send_one(pk)
        if state == "retry":
            broken.add(channel)
        outcome[state] = outcome.get(state, 0) + 1
    return outcome


def send_event(key: str) -> dict[str, int]:
    """Send what is due of one event (the task that follows its fan-out)."""
    return send_rows(Q(event=key[:150]))


def send_due(*, limit: int = 1000) -> dict[str, int]:
    """Send everything due: retries, messages released from quiet hours, rows whose task was
    lost, abandoned claims. The safety net (`manage.py send_notifications`)."""
    return send_rows(Q(), limit=limit)


def next_due(key: str):
    """When the next row of this event is due (for a deferred task), or None."""
    return (
        Notification.objects.filter(event=key[:150], state__in=Notification.DUE_STATES)
        .exclude(channel=Notification.Channel.INAPP)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def send_due_and_link(limit: int = 1000) -> str:
    """The minute's work outside the worker: link the Telegram chats that sent the bot their
    one-time code, then send what is due. Called by `manage.py send_notifications` and by the
    reminders' scheduler (`make run` starts the scheduler only), so each does both."""
    from esurat.notifications.channels.telegram import poll_updates
    from esurat.organisations.models import Government

    linked = sum(poll_updates(government) for government in Government.objects.all())
    outcome = send_due(limit=limit)
    summary = ", ".join(f"{state}: {n}" for state, n in sorted(outcome.items())) or "none due"
    return f"{summary}; Telegram chats linked: {linked}" if linked else summary
