"""One-tap links: a signed, expiring, single-purpose link to an item in e-Surat.

`one_tap_url(user=…, path="/letters/<code>/", purpose="open")` gives an absolute URL (SITE_URL)
that carries the user's code, the path and the purpose, signed with django.core.signing under a
salt of its own (it is good for nothing else: no password reset, no session). Opening it asks
for a login like any page and then goes to the path; it never logs anyone in. Another person's
link, a path outside the site, an unknown purpose or a link older than ONE_TAP_MAX_AGE (7 days
by default) open nothing.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SALT = "esurat.notifications.one_tap"
# "open": from a notification; "digest": from the morning digest (esurat.reminders).
PURPOSES = ("open", "digest")


def max_age() -> int:
    return int(getattr(settings, "ONE_TAP_MAX_AGE", 7 * 24 * 3600))


def one_tap_url(*, user, path: str, purpose: str) -> str:
    """The absolute one-tap link for `user` to `path` (an in-app path starting with "/")."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown one-tap purpose {purpose!r}")
    if not is_local_path(path):
        raise ValueError(f"not an in-app path: {path!r}")
    token = signing.dumps({"u": str(user.code), "p": path, "k": purpose}, salt=SALT, compress=True)
    return settings.SITE_URL + reverse("notifications:open", kwargs={"token": token})


def is_local_path(path: str) -> bool:
    return (
        path.startswith("/")
        and not path.startswith("//")
        and url_has_allowed_host_and_scheme(path, allowed_hosts=None)
    )


def read_link(token: str, user) -> str | None:
    """The path the link opens for this user, or None (forged, expired, someone else's)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or data.get("k") not in PURPOSES:
        return None
    if data.get("u") != str(user.code) or not is_local_path(str(data.get("p", ""))):
        return None
    return data["p"]
