"""The evaluation dashboard, its exports, the city's paper prices and the printable registry
books. Who may see what: esurat/reports/access.py (404 for everyone else)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from esurat.lib.files import XLSX, file_response
from esurat.reports import actions, exports
from esurat.reports.access import access_books, access_evaluation, is_government_admin
from esurat.reports.books import book
from esurat.reports.evaluation import evaluation, periods_from
from esurat.reports.figures import Period, default_period, prices_for
from esurat.reports.forms import BookForm, PaperPricesForm, PeriodForm
from esurat.reports.rollout import went_live_on


def _evaluation(request):
    scope, agency = access_evaluation(request.user, request.GET.get("agency"))
    form = PeriodForm(request.GET or None)
    main, other = periods_from(form, scope.government)
    return scope, agency, form, evaluation(scope, agency, main, other)


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    return file_response(content, name=name, content_type=content_type)


@login_required
@require_GET
def dashboard(request):
    """The evaluation of the city or one agency over a period, with a period to compare."""
    scope, agency, form, ev = _evaluation(request)
    return render(request, "reports/dashboard.html", {
        **ev, "form": form, "scope": scope, "agency": agency, "agencies": scope.agencies(),
        "go_live": _around_go_live(agency),
        "query": request.GET.urlencode(),
        "may_set_prices": scope.city and is_government_admin(request.user),
    })  # fmt: skip


@login_required
@require_GET
def dashboard_xlsx(request):
    _scope, _agency, _form, ev = _evaluation(request)
    return _file(exports.evaluation_xlsx(ev), XLSX, f"evaluasi-{ev['main'].period.start}.xlsx")


@login_required
@require_GET
def dashboard_pdf(request):
    """The printable evaluation report, with a block for the Sekda to sign it off."""
    scope, agency, _form, ev = _evaluation(request)
    pdf = exports.evaluation_pdf(ev, scope.government, agency)
    return _file(pdf, "application/pdf", f"evaluasi-{ev['main'].period.start}.pdf")


def _around_go_live(agency) -> dict | None:
    """The 30 days before and from the agency's go-live, to compare (None when not known)."""
    live_on = went_live_on(agency) if agency else None
    if live_on is None:
        return None
    month = datetime.timedelta(days=29)
    return {"on": live_on, "start": live_on, "end": live_on + month,
            "compare_start": live_on - month - datetime.timedelta(days=1),
            "compare_end": live_on - datetime.timedelta(days=1)}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def prices(request):
    """The prices the city counts paper savings at: the government admin sets them."""
    if not is_government_admin(request.user) or request.user.government is None:
        raise Http404
    government = request.user.government
    form = PaperPricesForm(request.POST or None, instance=prices_for(government))
    if request.method == "POST" and form.is_valid():
        actions.do_set_paper_prices(government=government, user=request.user,
                                    ip_address=request.META.get("REMOTE_ADDR"),
                                    **{k: form.cleaned_data[k] for k in actions.PRICE_FIELDS})  # fmt: skip
        messages.success(request, _("The prices were saved."))
        return redirect("reports:dashboard")
    return render(request, "reports/prices.html", {"form": form})


@login_required
@require_GET
def books(request):
    """Print or export a registry book of an agency in the user's scope."""
    scope, agency = access_books(request.user, request.GET.get("agency"))
    period = default_period(scope.government)
    form = BookForm(request.GET if "book" in request.GET else None,
                    initial={"start": period.start, "end": period.end})  # fmt: skip
    return render(request, "reports/books.html", {
        "form": form, "agency": agency, "agencies": scope.agencies(),
    })  # fmt: skip


@login_required
@require_GET
def book_export(request, fmt):
    """One book as PDF or XLSX; an invalid filter shows the form again with its errors."""
    scope, agency = access_books(request.user, request.GET.get("agency"))
    form = BookForm(request.GET)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    if not form.is_valid():
        return render(request, "reports/books.html",
                      {"form": form, "agency": agency, "agencies": scope.agencies()}, status=400)  # fmt: skip
    data = form.cleaned_data
    period = Period(data["start"], data["end"], scope.government.zone)
    # A printed book is an official document: in Indonesian, whatever the reader's UI language.
    with translation.override("id" if fmt == "pdf" else translation.get_language()):
        result = book(data["book"], agency, period, data["kind"])
    name = f"{data['book']}-{agency.short_name}-{period.start}-{period.end}".replace(" ", "_")
    if fmt == "xlsx":
        return _file(exports.book_xlsx(result, agency, period), XLSX, f"{name}.xlsx")
    return _file(exports.book_pdf(result, agency, period, data["paper"]), "application/pdf",
                 f"{name}.pdf")  # fmt: skip
