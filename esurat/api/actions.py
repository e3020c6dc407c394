"""Writes of the API itself: personal tokens issued, used and revoked.

Only the token's SHA-256 is stored; the token is returned once, to the caller of
do_issue_api_token, and cannot be recovered afterwards.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from esurat.accounts.models import ApiToken
from esurat.audit.actions import Actor, record_event

# last_used_at is bookkeeping, not an audit trail: one write a minute per token is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@transaction.atomic
def do_issue_api_token(*, user, name: str = "api", ip_address=None) -> tuple[str, ApiToken]:
    """Create a personal token for the user. Returns (the token, its row); only the row is kept.

    Records `api_token.issued` in the user's government's audit trail.
    """
    key = ApiToken.new_key()
    row = ApiToken.objects.create(user=user, key_hash=ApiToken.hash(key), name=name[:100] or "api")
    if user.government_id:
        record_event(government=user.government, actor=Actor(user, None, "", ip_address),
                     action="api_token.issued",
                     data={"token": str(row.code), "name": row.name})  # fmt: skip
    return key, row


@transaction.atomic
def do_revoke_api_token(*, token: ApiToken, user, ip_address=None) -> ApiToken:
    """Revoke the token from now on (the row stays, with revoked_at). Revoking twice is a no-op."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    if user.government_id:
        record_event(government=user.government, actor=Actor(user, None, "", ip_address),
                     action="api_token.revoked", data={"token": str(token.code)})  # fmt: skip
    return token


def do_note_api_token_use(*, token: ApiToken, now=None) -> None:
    """Set last_used_at, at most once a minute per token (one UPDATE, no lock, no audit)."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
