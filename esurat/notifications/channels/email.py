"""E-mail over SMTP (the MAILERS["default"] settings), in Indonesian, text and HTML, with a
one-tap link. The Message-ID is derived from the notification's key, so a message re-sent after
a crash carries the same one and mail clients fold the copies."""

import hashlib
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from esurat.notifications.channels.base import Channel, TemporaryFailure, among
from esurat.notifications.links import one_tap_url


def message_id(notification) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "e-surat.local"
    return f"<n-{hashlib.sha256(notification.key.encode()).hexdigest()[:32]}@{host}>"


class EmailChannel(Channel):
    name = "email"

    def reachable(self, user_ids):
        return set(
            get_user_model()
            .objects.filter(among(get_user_model(), "id", user_ids))
            .exclude(email="")
            .values_list("pk", flat=True)
        )

    def send(self, notification) -> None:
        user = notification.user
        context = {
            "n": notification, "user": user, "title": notification.outside_title(),
            "body": notification.outside_body(),
            "link": one_tap_url(user=user, path=notification.url, purpose="open"),
            "government": user.government,
        }  # fmt: skip
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string("notifications/email.txt", context)
            html = render_to_string("notifications/email.html", context)
            subject = f"e-Surat: {notification.outside_title()}"[:250]
        message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email],
                                         headers={"Message-ID": message_id(notification)})  # fmt: skip
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
