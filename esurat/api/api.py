"""The REST API at /api/v1/: a second thin interface over the same access_* and do_* functions
as the screens. Its OpenAPI schema is at /api/v1/openapi.json.

Answers: 401 without a valid session or token, 404 for what the caller may not see (never 403),
409 when the letter's state or the caller's seat forbids an action (ActionRefused's message),
422 for invalid input, 429 when too many logins failed. Errors are {"detail": ...}.
ninja's interactive docs page loads its scripts from a CDN, so it is switched off (docs_url).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from esurat.api import auth, letters, reference
from esurat.letters.actions import ActionRefused

api = NinjaAPI(
    title="e-Surat API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=auth.API_AUTH,
    docs_url=None,
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"detail": _("Log in, or send a valid API token (Authorization: Bearer …).")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ActionRefused)
def _refused(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    try:
        letters.access_before_validation(request)
    except Http404:
        return _not_found(request, exc)
    return api.create_response(request, {"detail": exc.errors}, status=422)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400:  # an unreadable body: outsiders still get 404
        try:
            letters.access_before_validation(request)
        except Http404:
            return _not_found(request, exc)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(DjangoValidationError)
def _invalid_for_the_domain(request, exc):
    """A do_* action refused its input (e.g. a signatory who may not sign)."""
    if hasattr(exc, "error_dict"):
        errors = [{"type": e.code or "invalid", "loc": ["body", field], "msg": m}
                  for field, items in exc.error_dict.items()
                  for e in items for m in e.messages]  # fmt: skip
    else:
        errors = [{"type": e.code or "invalid", "loc": ["body"], "msg": m}
                  for e in exc.error_list for m in e.messages]  # fmt: skip
    return api.create_response(request, {"detail": errors}, status=422)


api.add_router("/auth", auth.router)
api.add_router("", reference.router)
api.add_router("", letters.router)
api.add_router("/dispositions", "esurat.dispositions.api.router")
api.add_router("/incoming", "esurat.api.incoming.router")
api.add_router("", "esurat.api.documents.router")
