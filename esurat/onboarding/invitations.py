"""The invitation e-mail: a link to choose a password, made with Django's password-reset tokens.

The token hashes the user's password and last login, so the link stops working once used; it
expires after PASSWORD_RESET_TIMEOUT. No password is ever mailed.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("onboarding:invitation", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def invitation_message(user) -> EmailMessage:
    body = _(
        "Dear %(name)s,\n\n"
        "An account was made for you in e-Surat, the official correspondence system of "
        "%(government)s. Your user name is your NIP: %(nip)s.\n\n"
        "Choose your password here (the link works once, for %(days)s days):\n%(link)s\n\n"
        "If you did not expect this e-mail, ignore it.\n"
    ) % {"name": user.get_full_name(), "government": user.government, "nip": user.nip,
         "days": settings.PASSWORD_RESET_TIMEOUT // 86400, "link": invitation_link(user)}  # fmt: skip
    return EmailMessage(subject=_("Your e-Surat account"), body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])  # fmt: skip
