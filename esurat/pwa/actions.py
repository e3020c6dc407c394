"""Web Push subscriptions: a browser subscribes, unsubscribes, or is found dead by the channel."""

import fnmatch
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.audit.actions import Actor, record_event
from esurat.pwa.models import PushSubscription
from esurat.pwa.vapid import b64url_decode


def _record(user, action: str, subscription: PushSubscription, ip_address=None) -> None:
    if user.government_id is None:  # a technical account outside any government: no chain
        return
    record_event(government=user.government, actor=Actor(user=user, ip_address=ip_address),
                 action=action, data={"subscription": str(subscription.code),
                                      "host": urlsplit(subscription.endpoint).hostname})  # fmt: skip


def check_endpoint(endpoint: str) -> None:
    """A push endpoint is an https address of a known push service (PUSH_SERVICE_HOSTS): the
    server posts to it, so a made-up endpoint must not point it at an inside address (SSRF)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    allowed = any(fnmatch.fnmatch(host, pattern) for pattern in settings.PUSH_SERVICE_HOSTS)
    loopback_test = host in settings.PUSH_HTTP_HOSTS and parts.scheme == "http"
    if not allowed or not (parts.scheme == "https" or loopback_test):
        raise ValidationError(_("This is not the address of a known push service."),
                              code="endpoint")  # fmt: skip


def _check_keys(p256dh: str, auth: str) -> None:
    try:
        point, secret = b64url_decode(p256dh), b64url_decode(auth)
    except ValueError:
        point, secret = b"", b""
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise ValidationError(_("The browser's keys are not valid."), code="keys")


@transaction.atomic
def do_subscribe_push(
    *, user, endpoint: str, p256dh: str, auth: str, user_agent: str = "", ip_address=None
) -> PushSubscription:
    """Record that this browser receives the user's Web Push messages.

    The endpoint must be a known push service (check_endpoint) and the keys a P-256 point and a
    16-byte secret. Subscribing again from the same browser updates its keys; an endpoint held by
    another user (a shared phone, logged in as someone else now) moves to this user, so a device
    never receives two people's messages. Locks the endpoint's row. Records an audit event.
    """
    check_endpoint(endpoint)
    _check_keys(p256dh, auth)
    subscription = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint)
    subscription.user = user
    subscription.p256dh, subscription.auth = p256dh, auth
    subscription.user_agent = user_agent[:300]
    subscription.save()
    _record(user, "push.subscribe", subscription, ip_address)
    return subscription


@transaction.atomic
def do_unsubscribe_push(*, user, endpoint: str, ip_address=None) -> bool:
    """Stop Web Push to this browser. Only the user's own subscription is removed; returns whether
    there was one. Records an audit event when one is removed."""
    subscription = (
        PushSubscription.objects.select_for_update().filter(user=user, endpoint=endpoint).first()
    )
    if subscription is None:
        return False
    _record(user, "push.unsubscribe", subscription, ip_address)
    subscription.delete()
    return True


@transaction.atomic
def do_remove_dead_subscription(*, subscription: PushSubscription, status: int) -> None:
    """The push service answered 404/410: this browser unsubscribed or was uninstalled; it will
    never accept a message again. The row goes; the event is the system's."""
    removed, _count = PushSubscription.objects.filter(pk=subscription.pk).delete()
    if removed and subscription.user.government_id:
        record_event(government=subscription.user.government, actor=None,
                     action="push.dead", data={"subscription": str(subscription.code),
                                               "status": status})  # fmt: skip


@transaction.atomic
def do_mark_push_delivered(*, subscription: PushSubscription) -> None:
    """The push service accepted a message for this browser (no audit event: bookkeeping)."""
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())
