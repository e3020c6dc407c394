"""Reads of notifications: a person sees only their own in-app rows; anything else is 404."""

from django.http import Http404

from esurat.notifications.models import Notification


def notifications_of(user):
    """The person's in-app notifications (the bell's list)."""
    return Notification.objects.filter(user=user, channel=Notification.Channel.INAPP)


def access_notification(user, code) -> Notification:
    """The user's own in-app notification with this code, else 404 (never 403)."""
    row = notifications_of(user).filter(code=code).first()
    if row is None:
        raise Http404
    return row
