"""The generic webhook: a JSON POST to the government's WhatsApp gateway, HMAC-signed.

The body names the person (NIP, name, WhatsApp number) and the message; the header
`X-Esurat-Signature: sha256=<hex>` is the HMAC-SHA256 of the raw body with the government's
secret, `Idempotency-Key` the notification's key (the same on a retry, for the gateway to fold
a message it already sent). SSRF-safe: the URL's host is resolved and refused when any address
is private, loopback, link-local, reserved or otherwise not global — unless the admin allowed a
private gateway explicitly — both when the settings are saved and at every send, and the
connection goes to the address that was checked (no second lookup to be rebound). Redirects
are not followed. A gateway answering 410 Gone for a number: the number is removed, the row DEAD.
"""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _

from esurat.notifications.channels.base import (
    Channel,
    PermanentFailure,
    TemporaryFailure,
    among,
)
from esurat.notifications.links import one_tap_url
from esurat.notifications.models import GovernmentChannels, PersonalSettings


class UnsafeURL(ValueError):
    """The URL may not be called; the message is for the admin."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local)


def checked_address(url: str, *, allow_private: bool) -> tuple[str, int, str]:
    """(host, port, address to connect to) for an http(s) URL whose host is safe to call."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL(_("The address must start with http:// or https:// and name a host."))
    if parts.username or parts.password:
        raise UnsafeURL(_("Do not put a user name or password in the address; use the secret."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURL(_("The host %(host)s cannot be found.") % {"host": parts.hostname}) from exc
    addresses = [info[4][0] for info in found]
    if not allow_private and not all(_is_public(a) for a in addresses):
        raise UnsafeURL(
            _("The address %(host)s points into a private or local network (%(address)s). "
              "e-Surat refuses it to protect the internal network; tick \"allow a private or "
              "local address\" only if the gateway really runs inside your own network.")
            % {"host": parts.hostname, "address": next(a for a in addresses if not _is_public(a))}
        )  # fmt: skip
    return parts.hostname, port, addresses[0]


def post_json(url: str, body: bytes, headers: dict, *, allow_private: bool, timeout=10) -> int:
    """POST `body` to `url` at the address just checked; returns the HTTP status (no redirect
    is followed: a 3xx is returned as it is)."""
    host, port, address = checked_address(url, allow_private=allow_private)
    parts = urlsplit(url)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = cls(host, port, timeout=timeout)

    def pinned(addr, *args, **kwargs):
        return socket.create_connection((address, addr[1]), *args, **kwargs)

    connection._create_connection = pinned  # TLS still checks the certificate for `host`
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    finally:
        connection.close()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel(Channel):
    name = "webhook"

    def reachable(self, user_ids):
        return set(
            PersonalSettings.objects.filter(among(PersonalSettings, "user", user_ids))
            .exclude(whatsapp="")
            .filter(user__government__channels__webhook_url__gt="")
            .values_list("user_id", flat=True)
        )

    def send(self, notification) -> None:
        user = notification.user
        own = GovernmentChannels.objects.filter(government_id=user.government_id).first()
        number = PersonalSettings.objects.filter(user=user).values_list("whatsapp", flat=True)
        number = number.first() or ""
        if own is None or not own.webhook_url:
            raise TemporaryFailure("no WhatsApp gateway configured")
        if not number:
            raise PermanentFailure("no WhatsApp number")
        body = json.dumps({
            "id": notification.key, "kind": notification.kind, "urgent": notification.urgent,
            "to": {"whatsapp": number, "nip": user.nip or "", "name": user.get_full_name()},
            "title": notification.outside_title(), "text": notification.outside_body(),
            "acting": notification.acting_label,
            "link": one_tap_url(user=user, path=notification.url, purpose="open"),
            "sent_at": timezone.now().isoformat(),
        }, ensure_ascii=False, sort_keys=True).encode()  # fmt: skip
        headers = {"Content-Type": "application/json", "Idempotency-Key": notification.key,
                   "X-Esurat-Signature": signature(own.webhook_secret, body)}  # fmt: skip
        try:
            status = post_json(own.webhook_url, body, headers,
                               allow_private=own.webhook_allow_private)  # fmt: skip
        except UnsafeURL as exc:
            raise TemporaryFailure(f"webhook refused: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise TemporaryFailure(f"webhook unreachable: {exc}") from exc
        if status == 410:
            PersonalSettings.objects.filter(user=user, whatsapp=number).update(whatsapp="")
            raise PermanentFailure("the gateway says the number is gone (410)")
        if not 200 <= status < 300:
            raise TemporaryFailure(f"webhook answered {status}")
