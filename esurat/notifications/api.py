"""The notification API: the bell's list, its unread count and the read marks, over the same
selectors and do_* actions as the screens. Mounted under /api/v1/notifications/."""

import datetime
from uuid import UUID

from ninja import Router, Schema

from esurat.api.schemas import Error
from esurat.notifications import actions, selectors
from esurat.notifications.access import access_notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    code: UUID
    kind: str
    title: str
    body: str
    url: str
    urgent: bool
    acting_label: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPageOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get("/", response=NotificationPageOut, url_name="notification_list")
def notification_list(request, after: str | None = None):
    """My notifications, newest first, and how many are unread; pass next_cursor as `after`."""
    page = selectors.notification_page(request.auth, cursor=after)
    return {"items": page.items, "next_cursor": page.next_cursor,
            "unread": selectors.unread_count(request.auth)}  # fmt: skip


@router.post("/{uuid:code}/read", response={200: NotificationOut, 404: Error},
             url_name="notification_read")  # fmt: skip
def notification_read(request, code: UUID):
    """Mark one of my notifications read (the first time counts)."""
    row = access_notification(request.auth, code)
    return actions.do_mark_read(notification=row, user=request.auth)


@router.post("/read-all", response=MarkedOut, url_name="notification_read_all")
def notification_read_all(request):
    """Mark all my notifications read; answers how many were unread."""
    return {"marked": actions.do_mark_all_read(user=request.auth)}
