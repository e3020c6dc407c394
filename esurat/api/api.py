"""The REST API at /api/v1/: a second thin interface over the same access_* and do_* functions
as the screens. Its OpenAPI schema is at /api/v1/openapi.json.

Answers: 401 without a valid session or token, 404 for what the caller may not see (never 403)
and for any path that names no object (a malformed code too), 409 when the letter's state or the
caller's seat forbids an action (ActionRefused's message), 400 for a body that cannot be read
(JSON that does not decode, a malformed multipart upload), 413 for an upload over the size limit,
422 for invalid input, 429 when too many logins failed, 403 when a session caller's CSRF token is
missing. Errors are {"detail": ...}: a sentence, or a list of field errors for 422.
ninja's interactive docs page loads its scripts from a CDN, so it is switched off (docs_url).
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from esurat.api import auth, letters, reference
from esurat.letters.actions import ActionRefused

# Answers any operation can give besides its own, added to the served schema by operation kind
# (esurat/api/tests/test_schema.py checks every real answer against it).
ERROR = {"$ref": "#/components/schemas/Error"}
INVALID = {"$ref": "#/components/schemas/ValidationErrors"}
UNSAFE = {"post", "put", "patch", "delete"}


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _common_responses(path: str, method: str, operation: dict) -> dict:
    found = {}
    if operation.get("security"):
        found[401] = _answer("No valid session or token", ERROR)
        if method in UNSAFE:
            found[403] = _answer("A session caller sent no valid CSRF token", ERROR)
    if "{" in path:
        found[404] = _answer("Not found, or not visible to the caller", ERROR)
    media = operation.get("requestBody", {}).get("content", {})
    if media:
        found[400] = _answer("The body cannot be read", ERROR)
        found[422] = _answer("Invalid input", INVALID)
    if "multipart/form-data" in media:
        found[413] = _answer("The upload is larger than the server accepts", ERROR)
    if any(p.get("in") == "query" for p in operation.get("parameters", [])):
        found[422] = _answer("Invalid input", INVALID)
    return found


class EsuratAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """ninja's schema, with the answers every operation of its kind can give."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, answer in _common_responses(path, method, operation).items():
                    responses.setdefault(status, answer)
        return schema


api = EsuratAPI(
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
    detail = str(exc)
    if exc.status_code == 400:  # an unreadable body: outsiders still get 404
        try:
            letters.access_before_validation(request)
        except Http404:
            return _not_found(request, exc)
        if isinstance(exc.__cause__, ValueError):  # ninja's "Cannot parse request body"
            detail = _("The request body is not valid JSON.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousOperation)
def _unreadable_upload(request, exc):
    """A multipart body Django cannot parse (a part header over its limit, no boundary, not
    multipart at all) or over its limits: the client's fault, so 400/413, never 500."""
    try:
        letters.access_before_validation(request)
    except Http404:
        return _not_found(request, exc)
    if isinstance(exc, RequestDataTooBig):
        detail, status = _("The upload is larger than the server accepts."), 413
    elif isinstance(exc, MultiPartParserError):
        detail = _("The upload could not be read: send the fields and files as "
                   "multipart/form-data, with file names under 255 characters.")  # fmt: skip
        status = 400
    else:
        detail, status = _("The request could not be read."), 400
    return api.create_response(request, {"detail": detail}, status=status)


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
api.add_router("", "esurat.api.registers.router")
api.add_router("/search", "esurat.search.api.router")


def not_found(request, rest=""):
    """Any path under /api/v1/ that names no operation, e.g. a code that is not a UUID: the API's
    JSON 404 instead of Django's HTML page (mounted last in esurat/urls.py)."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
