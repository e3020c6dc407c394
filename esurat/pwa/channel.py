"""The Web Push channel (N1's interface, esurat/notifications/channels/base.py).

One notification goes to every browser the person subscribed. A subscription the push service
calls gone (404/410) is deleted; if every one is gone the row is dead (PermanentFailure). If any
browser's push service failed for now, the whole row is retried (TemporaryFailure): browsers that
already got it get it again under the same tag, which replaces the shown notification instead of
adding a second one. A secret letter's subject never leaves: outside_title() / outside_body().
"""

from esurat.notifications.channels.base import Channel, PermanentFailure, TemporaryFailure
from esurat.pwa import push, vapid
from esurat.pwa.actions import do_mark_push_delivered, do_remove_dead_subscription
from esurat.pwa.models import PushSubscription


class PushChannel(Channel):
    name = "push"

    def reachable(self, user_ids):
        if not vapid.enabled():
            return set()
        return set(
            PushSubscription.objects.filter(user_id__in=user_ids)
            .values_list("user_id", flat=True)
            .distinct()
        )

    def send(self, notification) -> None:
        if not vapid.enabled():
            raise TemporaryFailure("Web Push is not configured (VAPID_PRIVATE_KEY)")
        subscriptions = list(PushSubscription.objects.filter(user_id=notification.user_id))
        tag = notification.code.hex
        data = push.payload(title=notification.outside_title(), body=notification.outside_body(),
                            url=notification.url, tag=tag)  # fmt: skip
        delivered, failures = 0, []
        for subscription in subscriptions:
            try:
                push.send(subscription, data, urgent=notification.urgent, topic=tag)
            except push.Gone as exc:
                do_remove_dead_subscription(subscription=subscription, status=exc.status)
            except push.Failed as exc:
                failures.append(str(exc))
            else:
                delivered += 1
                do_mark_push_delivered(subscription=subscription)
        if failures:
            raise TemporaryFailure("; ".join(failures))
        if not delivered:
            raise PermanentFailure("no push subscription left for this person")
