"""The bell's list, read marks, one-tap links and each person's notification settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.notifications import selectors
from esurat.notifications.access import access_notification
from esurat.notifications.actions import (
    do_mark_all_read,
    do_mark_read,
    do_new_telegram_code,
    do_save_preferences,
    do_unlink_telegram,
)
from esurat.notifications.forms import PreferencesForm, telegram_state
from esurat.notifications.links import read_link


@login_required
@require_GET
def notification_list(request):
    page = selectors.notification_page(request.user, cursor=request.GET.get("after"))
    return render(request, "notifications/list.html", {
        "page": page, "is_older_page": bool(request.GET.get("after")),
    })  # fmt: skip


@login_required
@require_POST
def mark_read(request, code):
    notification = do_mark_read(notification=access_notification(request.user, code),
                                user=request.user)  # fmt: skip
    if request.headers.get("HX-Request"):
        return render(request, "notifications/read.html", {"n": notification})
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = do_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notifications:list")


@login_required
@require_GET
def open_notification(request, code):
    """Follow an entry of the list: mark it read and go to its item."""
    notification = do_mark_read(notification=access_notification(request.user, code),
                                user=request.user)  # fmt: skip
    return redirect(notification.url)


@login_required
@require_GET
def open_link(request, token):
    """A one-tap link from an e-mail or a message: after login, go to its item. Never logs in."""
    path = read_link(token, request.user)
    if path is None:
        raise Http404
    return redirect(path)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        do_save_preferences(user=request.user, **form.preferences(),
                            ip_address=request.META.get("REMOTE_ADDR"))  # fmt: skip
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {
        "form": form, "telegram": telegram_state(request.user),
    })  # fmt: skip


@login_required
@require_POST
def telegram_code(request):
    if request.POST.get("unlink"):
        do_unlink_telegram(user=request.user)
        messages.success(request, _("Telegram is no longer linked."))
    else:
        do_new_telegram_code(user=request.user)
    return redirect("notifications:settings")
