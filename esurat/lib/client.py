"""The client's address, right behind a reverse proxy.

Behind nginx or Caddy every request comes from the proxy, so REMOTE_ADDR is the proxy's address:
the audit trail, the login throttle (django-axes) and the verification page's rate limit would
all see one client. With TRUSTED_PROXIES=n (n proxies in front of e-Surat, each appending the
address it saw to X-Forwarded-For), the client is the n-th address from the right of that
header; anything further left was written by the client itself and is not trusted. Without
trusted proxies the header is ignored entirely (a client could otherwise pick any address).
"""

from django.conf import settings


def forwarded_client(meta: dict, trusted: int) -> str | None:
    """The address the outermost trusted proxy saw, or None when the header cannot say."""
    if trusted <= 0:
        return None
    chain = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(chain) < trusted:
        return None
    return chain[-trusted]


class ClientAddressMiddleware:
    """Put the real client address in REMOTE_ADDR, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = forwarded_client(request.META, settings.TRUSTED_PROXIES)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
