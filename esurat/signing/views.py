"""The public verification page: the target of the QR code on every signed letter."""

import time

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from esurat.signing.access import access_verifiable_letter
from esurat.signing.forms import VerifyUploadForm
from esurat.signing.verify import check_upload, letter_facts

# Requests per address per minute: enough for a person, too few to enumerate or to load the CPU.
RATE_LIMITS = {"GET": 30, "POST": 10}
WINDOW_SECONDS = 60
_clock = time.time  # tests move time by replacing it


def rate_key(method: str, address: str, window: int) -> str:
    return f"verify:{method}:{address}:{window}"


def _window() -> int:
    return int(_clock() // WINDOW_SECONDS)


def _rate_limited(request) -> bool:
    """A fixed one-minute window per client address and method, counted in the cache: each
    window starts on the minute and is named in the key, so a refused request neither counts nor
    moves it (the database cache's incr() writes the entry again with the default timeout, which
    made the old single key's window slide forward on every request). Whoever waits for the next
    minute gets in, however many requests the same address keeps sending."""
    key = rate_key(request.method, request.META.get("REMOTE_ADDR", ""), _window())
    limit = RATE_LIMITS.get(request.method, 10)
    if cache.get(key, 0) >= limit:
        return True
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
        count = 1
    return count > limit


def retry_after() -> str:
    """Seconds until the current window ends, for the Retry-After header of a 429."""
    return str(max(1, WINDOW_SECONDS - int(_clock()) % WINDOW_SECONDS))


@require_http_methods(["GET", "POST"])
def verify(request, code):
    if _rate_limited(request):
        response = render(request, "signing/verify.html", {"limited": True}, status=429)
        response["Retry-After"] = retry_after()
        return response
    letter = access_verifiable_letter(code)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = check_upload(letter, form.cleaned_data["file"].read())
    return render(request, "signing/verify.html", {
        "facts": letter_facts(letter), "form": form, "outcome": outcome, "code": letter.code,
    })  # fmt: skip
