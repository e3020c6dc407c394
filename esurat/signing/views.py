"""The public verification page: the target of the QR code on every signed letter."""

import time
import uuid

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from esurat.lib.files import file_response
from esurat.signing.access import access_public_root, access_verifiable_letter
from esurat.signing.forms import VerifyUploadForm
from esurat.signing.verify import check_upload, letter_facts, letter_root, root_certificate

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
    facts = letter_facts(letter)
    root = letter_root(letter) if facts.not_certified else None
    return render(request, "signing/verify.html", {
        "facts": facts, "form": form, "outcome": outcome, "code": letter.code, "root": root,
    })  # fmt: skip


def _government(request):
    """The optional ?pemda=<government code> of the root certificate's URLs."""
    code = request.GET.get("pemda")
    if code is None:
        return None
    try:
        return uuid.UUID(code)
    except ValueError as exc:
        raise Http404 from exc


@require_GET
def root_ca(request):
    """How to trust the government's own certificate authority in a PDF reader, its fingerprint
    and its downloads. Public: the recipients of letters are outside the government."""
    root = root_certificate(access_public_root(_government(request)))
    return render(request, "signing/root_ca.html", {"root": root})


@require_GET
def root_ca_pem(request):
    root = root_certificate(access_public_root(_government(request)))
    return file_response(root.pem, name=_root_name(root), content_type="application/x-pem-file")


@require_GET
def root_ca_cer(request):
    """The same certificate in DER, the form Windows and Adobe Acrobat Reader import by default."""
    root = root_certificate(access_public_root(_government(request)))
    return file_response(root.der, name=_root_name(root), content_type="application/pkix-cert")


def _root_name(root) -> str:
    return f"root-ca-{slugify(root.government.short_name)}"
