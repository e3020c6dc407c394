"""Who is calling: a personal token (`Authorization: Bearer …`) or the browser session.

Tokens are issued by `POST /auth/token` with the same credentials as the login page (username or
NIP), through django.contrib.auth.authenticate(request=…), so django-axes counts failures and
locks out exactly as it does for the login form. Session callers must send the CSRF token with
unsafe methods; token callers need not (a browser never adds the header by itself).
"""

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from esurat.accounts.models import ApiToken
from esurat.api.actions import do_issue_api_token, do_note_api_token_use, do_revoke_api_token
from esurat.api.schemas import Error, ip_of


class TokenAuth(HttpBearer):
    """A personal token that is neither revoked nor owned by a deactivated user."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        row = (
            ApiToken.objects.select_related("user", "user__government")
            .filter(key_hash=ApiToken.hash(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        do_note_api_token_use(token=row)
        request.api_token = row
        # Code shared with the screens reads request.user; make it the token's owner.
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session; unsafe methods need the CSRF token (X-CSRFToken header).

    Unlike ninja's django_auth, an anonymous caller gets 401, not a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(403, _("The CSRF check failed. Reload the page and try again."))
        return request.user


token_auth = TokenAuth()
API_AUTH = [token_auth, SessionAuth()]

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(max_length=150, description="Username or 18-digit NIP")
    password: str = Field(max_length=256)
    name: str = Field("api", max_length=100, description="A label to recognise the token by")


class TokenOut(Schema):
    token: str = Field(description="Shown once; only its SHA-256 is stored")
    code: str
    name: str
    created_at: datetime.datetime


def _cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    if isinstance(cooloff, datetime.timedelta):
        return max(1, round(cooloff.total_seconds() / 60))
    return max(1, round(float(cooloff or 0) * 60))


@router.post("/token", auth=None, response={201: TokenOut, 401: Error, 429: Error},
             url_name="token_issue")  # fmt: skip
def token_issue(request, payload: TokenIn):
    """Issue a personal API token for the username (or NIP) and password."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in JSON here; left set, AxesMiddleware would replace this with the HTML page.
        request.axes_locked_out = False
        return 429, {"detail": _("Too many failed attempts. Try again in %(minutes)s minutes.")
                     % {"minutes": _cooloff_minutes()}}  # fmt: skip
    if user is None:
        return 401, {"detail": _("The username, NIP or password is wrong.")}
    key, row = do_issue_api_token(user=user, name=payload.name, ip_address=ip_of(request))
    return 201, {"token": key, "code": str(row.code), "name": row.name,
                 "created_at": row.created_at or timezone.now()}  # fmt: skip


@router.delete("/token", auth=token_auth, response={204: None}, url_name="token_revoke")
def token_revoke(request):
    """Revoke the token this request was sent with."""
    do_revoke_api_token(token=request.api_token, user=request.auth, ip_address=ip_of(request))
    return 204, None
