"""Sending one Web Push message to one browser: the payload encrypted to the browser's keys
(RFC 8291, aes128gcm) and signed with our VAPID key (RFC 8292), by pywebpush.

The push service answers 201; 404/410 means the subscription is gone for good (`Gone`);
anything else (429, 5xx, a timeout, a refused connection) may work later (`Failed`).
"""

import json

import requests
from django.conf import settings
from pywebpush import WebPushException, webpush

from esurat.pwa import vapid
from esurat.pwa.models import PushSubscription

TTL_SECONDS = 24 * 3600  # a phone off for a day still gets it; older news is not worth a buzz
# One connection pool per worker process: most people's phones share one push service (FCM), so
# a fan-out to thousands reuses its TLS connection instead of a handshake per message.
_session = requests.Session()


class Failed(Exception):
    """The push service did not take the message now; try again later."""


class Gone(Exception):
    """The push service says this subscription no longer exists (404/410)."""

    def __init__(self, status: int):
        super().__init__(f"push subscription gone ({status})")
        self.status = status


def payload(*, title: str, body: str, url: str, tag: str) -> str:
    """What the service worker shows (templates/pwa/sw.js: push): a title, a body, the in-app
    path opened on a tap, and a tag — a message sent twice replaces itself on the device."""
    return json.dumps({"title": title, "body": body, "url": url, "tag": tag}, ensure_ascii=False)


def send(subscription: PushSubscription, data: str, *, urgent: bool = False, topic: str = ""):
    """Encrypt `data` to the subscription and post it to its push service."""
    headers = {"Urgency": "high" if urgent else "normal"}
    if topic:
        headers["Topic"] = topic[:32]  # the push service keeps only the newest of one topic
    try:
        webpush(
            subscription.info(), data=data, vapid_private_key=vapid.signer(),
            vapid_claims=vapid.claims(), timeout=settings.PUSH_TIMEOUT, ttl=TTL_SECONDS,
            headers=headers, requests_session=_session,
        )  # fmt: skip
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            raise Gone(status) from exc
        raise Failed(f"push service answered {status}") from exc
    except requests.RequestException as exc:
        raise Failed(f"{type(exc).__name__}: {exc}") from exc
