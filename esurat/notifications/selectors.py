"""Reads for the notification list: keyset-paginated over the notif_inapp_page index."""

from esurat.letters.selectors import Page, after_cursor, decode_cursor, encode_cursor
from esurat.notifications.access import notifications_of
from esurat.notifications.models import Notification

PAGE_SIZE = 25


def notification_page(user, *, cursor=None, size: int = PAGE_SIZE) -> Page:
    """The person's in-app notifications, newest first, one query whatever the page."""
    qs = notifications_of(user).only(
        "code", "kind", "title", "body", "url", "urgent", "acting_label", "read_at", "created_at"
    )
    after = decode_cursor(cursor)
    if after:
        qs = qs.filter(after_cursor("created_at", *after))
    items = list(qs.order_by("-created_at", "-id")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return Page(items, encode_cursor(items[-1].created_at, items[-1].pk) if more else None)


def unread_count(user) -> int:
    return Notification.objects.filter(
        user=user, channel=Notification.Channel.INAPP, read_at__isnull=True
    ).count()
