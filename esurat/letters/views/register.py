"""The registry clerk's books: the number register (cancel, insert numbers) and the agenda book.

Only clerks (Role CLERK) see them, and only for their own agencies; anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from esurat.letters import actions
from esurat.letters.access import access_clerk_agencies, access_issued_number
from esurat.letters.forms import CancelNumberForm, InsertNumberForm
from esurat.letters.models import NARROW_SECURITY, IssuedNumber, Registration
from esurat.organisations.models import Agency

PER_PAGE = 50


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _clerk_agencies(request) -> tuple[Agency, list[Agency]]:
    """The agency whose books are shown (?agency=<code> when a clerk serves several), or 404."""
    agencies = list(access_clerk_agencies(request.user))
    chosen = request.GET.get("agency") or request.POST.get("agency")
    agency = next((a for a in agencies if str(a.code) == chosen), agencies[0])
    return agency, agencies


@login_required
@require_GET
def numbers(request):
    """Every number issued in the agency, newest first, cancelled ones included."""
    agency, agencies = _clerk_agencies(request)
    qs = IssuedNumber.objects.filter(agency=agency).select_related(
        "letter", "issued_by"
    ).order_by("-year", "-seq", "-insert")  # fmt: skip
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "letters/register/numbers.html", {
        "agency": agency, "agencies": agencies, "page": page, "narrow": NARROW_SECURITY,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def cancel_number(request, code):
    issued = access_issued_number(request.user, code)
    form = CancelNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_cancel_number(issued=issued, user=request.user, ip_address=_ip(request),
                                     reason=form.cleaned_data["reason"])  # fmt: skip
        except actions.ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Number %(number)s was cancelled.")
                             % {"number": issued.number})  # fmt: skip
        return redirect(f"{_numbers_url()}?agency={issued.agency.code}")
    return render(request, "letters/register/cancel.html", {"issued": issued, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def insert_number(request, code):
    """Issue a back-dated insert number (nomor sisipan) after this one."""
    after = access_issued_number(request.user, code)
    form = InsertNumberForm(request.POST or None, initial={"date": after.letter_date})
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.do_issue_insert_number(
                after=after, user=request.user, date=form.cleaned_data["date"],
                subject=form.cleaned_data["subject"], ip_address=_ip(request),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error("date", exc)
        except actions.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Insert number %(number)s was issued.")
                             % {"number": issued.number})  # fmt: skip
            return redirect(f"{_numbers_url()}?agency={after.agency.code}")
    return render(request, "letters/register/insert.html", {"after": after, "form": form})


def _numbers_url() -> str:
    return reverse("letters:numbers")


@login_required
@require_GET
def agenda(request):
    """The agenda book: letters registered in or out of the agency, newest first."""
    agency, agencies = _clerk_agencies(request)
    direction = request.GET.get("direction", "")
    qs = Registration.objects.filter(agency=agency).select_related(
        "letter__agency", "letter__kind", "letter__sender"
    ).order_by("-registered_at", "-pk")  # fmt: skip
    if direction in Registration.Direction.values:
        qs = qs.filter(direction=direction)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "letters/register/agenda.html", {
        "agency": agency, "agencies": agencies, "page": page, "direction": direction,
        "directions": Registration.Direction.choices, "narrow": NARROW_SECURITY,
    })  # fmt: skip
