"""Logins, failed logins, lockouts and logouts into the audit trail.

Signals are otherwise not used for domain flow here (docs/architecture.md); auditing
authentication is the one sanctioned use: Django and django-axes announce these events only
through signals, and a signal reaches every way in (our login page, the admin's login, the API's
token endpoint) and the lockout, which no view of ours sees. Each receiver only calls the
do_record_* action that writes the event.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from esurat.accounts import actions


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in, dispatch_uid="esurat_audit_login")
def _logged_in(sender, request, user, **kwargs):
    actions.do_record_login(account=user, ip_address=_ip(request))


@receiver(user_logged_out, dispatch_uid="esurat_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        actions.do_record_logout(account=user, ip_address=_ip(request))


@receiver(user_login_failed, dispatch_uid="esurat_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "axes_locked_out", False):
        return  # refused before the password was checked: recorded once, as the lockout
    actions.do_record_login_failure(login=str(credentials.get("username", "")),
                                    ip_address=_ip(request))  # fmt: skip


@receiver(user_locked_out, dispatch_uid="esurat_audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    actions.do_record_login_failure(login=username or "", ip_address=ip_address,
                                    locked_out=True)  # fmt: skip
