"""The installable app: manifest, service worker, offline page, Web Push subscriptions, and the
actions a phone queued while offline (sent back through the same forms and do_* actions)."""

import hashlib
import json
import re
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from esurat.dispositions import actions as disposition_actions
from esurat.dispositions.access import receiving_seats
from esurat.dispositions.forms import DisposeForm
from esurat.dispositions.models import Disposition
from esurat.letters import actions as letter_actions
from esurat.letters.access import Action, access_letter, seat_for_action
from esurat.letters.forms import ReviewForm
from esurat.pwa import vapid
from esurat.pwa.actions import do_subscribe_push, do_unsubscribe_push

ICONS = [("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/icon-maskable-192.png", "192x192", "maskable"),
         ("icons/icon-maskable-512.png", "512x512", "maskable")]  # fmt: skip
# What the service worker stores at install: the offline page and the assets every page uses.
PRECACHE = ["vendor/bootstrap/bootstrap.min.css", "css/esurat.css", "vendor/htmx/htmx.min.js",
            "vendor/bootstrap/bootstrap.bundle.min.js", "js/esurat.js", "js/pwa.js",
            "favicon.svg", "icons/icon-192.png"]  # fmt: skip
# The pages of one letter kept for reading offline, the newest MAX_LETTERS letters opened.
LETTER_PAGES = ["letters:detail", "letters:review", "dispositions:dispose"]
MAX_LETTERS = 50
ZERO = uuid.UUID(int=0)


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@require_GET
def manifest(request):
    """The web app manifest: what a phone needs to install e-Surat on its home screen."""
    data = {
        "name": "e-Surat", "short_name": "e-Surat", "lang": "id",
        "description": _("Official letters and dispositions of the government"),
        "start_url": reverse("letters:inbox"), "scope": "/", "id": "/",
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b4f8a",
        "icons": [{"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for path, sizes, purpose in ICONS],
    }  # fmt: skip
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def _pattern(name: str) -> str:
    """The path of a letter page as a regular expression capturing the letter's code."""
    path = reverse(name, args=[ZERO])
    return "^" + re.escape(path).replace(re.escape(str(ZERO)), "([0-9a-f-]{36})") + "$"


@require_GET
def service_worker(request):
    """The service worker, served from the root so its scope is the whole site. It names its
    release by a hash of itself, so a new release installs anew and drops the old assets."""
    values = {
        "precache": [reverse("pwa:offline"), *(static(path) for path in PRECACHE)],
        "offline": reverse("pwa:offline"), "login": reverse("accounts:login"),
        "inbox": reverse("letters:inbox"),
        "lists": [reverse("letters:inbox"), reverse("letters:needs_action")],
        "letter_patterns": [_pattern(name) for name in LETTER_PAGES],
        "static_prefix": settings.STATIC_URL, "icon": static("icons/icon-192.png"),
        "placeholder": _("(secret letter: open it online)"),
    }  # fmt: skip
    context = {f"{key}_json": json.dumps(value) for key, value in values.items()}
    context["max_letters"] = MAX_LETTERS
    body = render_to_string("pwa/sw.js", {**context, "version_json": '""'})
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = render_to_string("pwa/sw.js", {**context, "version_json": json.dumps(version)})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    """Shown by the service worker for a page that is not on the device while offline. Stored
    without a session (credentials omitted), so it names nobody."""
    return render(request, "pwa/offline.html")


@login_required
@require_GET
def push(request):
    """Notifications on this device: the Web Push toggle (the page asks the browser's permission
    only when the user taps it)."""
    count = request.user.push_subscriptions.count()
    return render(request, "pwa/push.html", {
        "public_key": vapid.public_key() if vapid.enabled() else "", "count": count,
    })  # fmt: skip


def _json_body(request) -> dict | None:
    try:
        data = json.loads(request.body or b"")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _error(status: int, message: str, errors: list[str] | None = None) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message, "errors": errors or [message]},
                        status=status)  # fmt: skip


@login_required
@require_POST
def subscribe(request):
    """Record this browser's push subscription (the body is PushSubscription.toJSON())."""
    data = _json_body(request)
    if data is None:
        return _error(400, _("The request is not valid JSON."))
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    fields = (data.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    if not all(isinstance(f, str) and f for f in fields):
        return _error(422, _("A subscription needs an endpoint and the keys p256dh and auth."))
    if not vapid.enabled():
        return _error(422, _("Web Push is not configured on this server."))
    try:
        do_subscribe_push(user=request.user, endpoint=fields[0], p256dh=fields[1],
                          auth=fields[2], user_agent=request.headers.get("User-Agent", ""),
                          ip_address=_ip(request))  # fmt: skip
    except ValidationError as exc:
        return _error(422, exc.messages[0], exc.messages)
    return JsonResponse({"ok": True, "message": _("Notifications are on for this device.")},
                        status=201)  # fmt: skip


@login_required
@require_POST
def unsubscribe(request):
    """Stop Web Push to this browser (the body names its endpoint)."""
    data = _json_body(request)
    if data is None:
        return _error(400, _("The request is not valid JSON."))
    if not isinstance(data.get("endpoint"), str) or not data["endpoint"]:
        return _error(422, _("Name the subscription's endpoint."))
    do_unsubscribe_push(user=request.user, endpoint=data["endpoint"], ip_address=_ip(request))
    return JsonResponse({"ok": True, "message": _("Notifications are off for this device.")})


def _refused(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


@login_required
@require_POST
def queued_dispose(request, code):
    """A disposition made offline, sent when the phone is back online: the dispose screen's form
    and do_dispose, answered in JSON — 409 when the letter moved on meanwhile, 422 for the form."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seats = receiving_seats(request.user, letter)
    seat = next((s for s in seats if str(s.position.code) == request.POST.get("as")), None)
    if seat is None:
        return _error(409, _("This letter no longer waits for your disposition."))
    form = DisposeForm(request.POST, government=letter.government)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return _error(422, errors[0], errors)
    data = form.cleaned_data
    try:
        rows = disposition_actions.do_dispose(
            letter=letter, seat=seat, user=request.user, to_positions=list(data["to"]),
            instructions=list(data["instructions"]), note=data["note"],
            due_date=data["due_date"], ip_address=_ip(request),
        )  # fmt: skip
    except ValidationError as exc:
        return _error(422, _refused(exc)[0], _refused(exc))
    except disposition_actions.ActionRefused as exc:
        return _error(409, str(exc))
    prepared = rows[0].state == Disposition.State.PREPARED
    return JsonResponse({"ok": True, "message": _("Prepared for the leader's approval.")
                         if prepared else _("Disposition sent.")})  # fmt: skip


@login_required
@require_POST
def queued_review(request, code):
    """A paraf given offline, sent when the phone is back online: the review form and do_review.
    The draft must still be the version the reviewer read (409 otherwise): nobody approves a
    text they have not seen."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = seat_for_action(request.user, letter, Action.REVIEW)
    if seat is None:
        return _error(409, _("This letter no longer waits for your review."))
    if request.POST.get("version") != str(letter.version):
        return _error(409, _("The draft changed after you read it. Read it again before your "
                             "paraf."))  # fmt: skip
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _error(422, _("Choose approve or return."))
    approve = form.cleaned_data["decision"] == "approve"
    try:
        letter_actions.do_review(letter=letter, seat=seat, user=request.user, approve=approve,
                                 note=form.cleaned_data["note"], ip_address=_ip(request))  # fmt: skip
    except letter_actions.ActionRefused as exc:
        return _error(409, _refused(exc)[0], _refused(exc))
    return JsonResponse({"ok": True, "message": _("Approved.") if approve
                         else _("Returned to the drafter.")})  # fmt: skip
