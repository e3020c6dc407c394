"""The public verification page: the target of the QR code on every signed letter."""

from django.core.cache import cache
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from esurat.signing.access import access_verifiable_letter
from esurat.signing.forms import VerifyUploadForm
from esurat.signing.verify import check_upload, letter_facts

# Requests per address per minute: enough for a person, too few to enumerate or to load the CPU.
RATE_LIMITS = {"GET": 30, "POST": 10}


def _rate_limited(request) -> bool:
    """A fixed one-minute window per client address and method, counted in the cache."""
    key = f"verify:{request.method}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > RATE_LIMITS.get(request.method, 10)


@require_http_methods(["GET", "POST"])
def verify(request, code):
    if _rate_limited(request):
        return render(request, "signing/verify.html", {"limited": True}, status=429)
    letter = access_verifiable_letter(code)
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = check_upload(letter, form.cleaned_data["file"].read())
    return render(request, "signing/verify.html", {
        "facts": letter_facts(letter), "form": form, "outcome": outcome, "code": letter.code,
    })  # fmt: skip
