"""Onboarding screens: the organisation workbook (template, dry run, import, export), the
invitation link, and each agency's rollout state and checklist."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.lib.files import XLSX, file_response
from esurat.onboarding import actions, workbook
from esurat.onboarding.access import (
    access_agency,
    access_import,
    access_scope,
)
from esurat.onboarding.checklist import checklists
from esurat.onboarding.export import export_workbook
from esurat.onboarding.forms import StateForm, UploadForm
from esurat.onboarding.models import Import
from esurat.onboarding.tasks import check_import, run_import


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, name=filename, content_type=XLSX)


@login_required
@require_GET
def overview(request):
    """The agencies of the administrator's scope: rollout state and checklist progress."""
    scope = access_scope(request.user)
    sheets = checklists(scope.agencies().select_related("government").order_by("name"))
    return render(request, "onboarding/overview.html", {"scope": scope, "sheets": sheets})


@login_required
@require_http_methods(["GET", "POST"])
def agency(request, code):
    """One agency's checklist, and moving it through not started → trial → live."""
    _scope, agency = access_agency(request.user, code)
    sheet = checklists([agency])[0]
    following = {"not_started": "trial", "trial": "live", "live": "trial"}[sheet.state]
    form = StateForm(request.POST or None, initial={"state": following})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_onboarding_state(
                agency=agency,
                user=request.user,
                state=form.cleaned_data["state"],
                on=form.cleaned_data["on"],
                ip_address=_ip(request),
            )
        except actions.OnboardingRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The onboarding state was changed."))
        return redirect("onboarding:agency", code=agency.code)
    return render(request, "onboarding/agency.html", {"agency": agency, "sheet": sheet,
                                                      "form": form})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    """Upload a workbook for its dry run; the latest imports of the scope."""
    scope = access_scope(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > workbook.MAX_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            row = actions.do_upload_import(
                scope=scope,
                user=request.user,
                filename=upload.name,
                content=upload.read(),
                ip_address=_ip(request),
            )
            check_import.enqueue(str(row.code))
            return redirect("onboarding:import_detail", code=row.code)
    recent = Import.objects.filter(government=scope.government).select_related("uploaded_by")
    if not scope.is_government:
        recent = recent.filter(agencies__in=scope.agency_ids).distinct()
    recent = recent.defer("content", "report").order_by("-created_at")[:20]
    return render(request, "onboarding/imports.html", {"form": form, "recent": recent,
                                                       "scope": scope})  # fmt: skip


@login_required
@require_GET
def import_detail(request, code):
    """The dry run's problems by sheet and row and its planned changes; then the result."""
    row = access_import(request.user, code)
    return render(
        request, "onboarding/import_detail.html", {"row": row, "sheets": list(workbook.SHEETS)}
    )


@login_required
@require_GET
def import_progress(request, code):
    """The progress bar (htmx polls it); once the worker is done, the page reloads."""
    row = access_import(request.user, code)
    response = render(request, "onboarding/import_detail.html#progress", {"row": row})
    if row.state not in (Import.State.CHECKING, Import.State.QUEUED):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_run(request, code):
    """Confirm the import of a checked workbook; the worker writes it in one transaction."""
    row = access_import(request.user, code)
    try:
        actions.do_queue_import(upload=row, user=request.user, ip_address=_ip(request))
    except actions.OnboardingRefused as exc:
        messages.error(request, str(exc))
    else:
        run_import.enqueue(str(row.code))
    return redirect("onboarding:import_detail", code=row.code)


@login_required
@require_GET
def template_download(request):
    """The empty workbook: every sheet with its Indonesian headers and one example row."""
    access_scope(request.user)
    return _xlsx(workbook.template(), "templat-organisasi-esurat.xlsx")


@login_required
@require_GET
def export(request):
    """The organisation of the scope, in the import format."""
    scope = access_scope(request.user)
    content = export_workbook(scope.government, agency_ids=scope.agency_ids)
    return _xlsx(content, "organisasi-esurat.xlsx")


@require_http_methods(["GET", "POST"])
def invitation(request, uidb64, token):
    """An invited employee chooses their first password; the link works once."""
    try:
        user = get_user_model().objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "onboarding/invitation.html", {"invalid": True}, status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_accept_invitation(user=user, password=form.cleaned_data["new_password1"],
                                     ip_address=_ip(request))  # fmt: skip
        messages.success(request, _("Your password is set. Log in with your NIP."))
        return redirect("accounts:login")
    return render(request, "onboarding/invitation.html", {"form": form, "person": user})
