"""The dispatch book (buku ekspedisi) of the registry clerk: every copy of a sent letter that left
by e-mail or on paper, its status, and for paper copies who carried and received it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.delivery import actions
from esurat.delivery.access import access_dispatch
from esurat.delivery.forms import DispatchRecordForm
from esurat.delivery.models import Dispatch
from esurat.delivery.notice import notice_response
from esurat.letters.models import NARROW_SECURITY, Letter
from esurat.letters.views.register import PER_PAGE, _clerk_agencies

# Filters of the book: what the clerk has to do, and what is done.
FILTERS = {
    "to_print": (Dispatch.State.TO_PRINT, Dispatch.State.PRINTED),
    "carried": (Dispatch.State.CARRIED,),
    "mail_problem": (Dispatch.State.RETRYING, Dispatch.State.FAILED),
}


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def book_rows(agency, show: str = ""):
    """The agency's dispatch book, newest entry first, narrowed to one of FILTERS (an unknown
    filter shows everything). Shared with the API (esurat/api/documents.py)."""
    qs = Dispatch.objects.filter(agency=agency).select_related("letter__kind")
    if show in FILTERS:
        qs = qs.filter(state__in=FILTERS[show])
    if show == "to_print":  # a revoked letter's copy still in the office stays there
        qs = qs.exclude(purpose=Dispatch.Purpose.LETTER, letter__state=Letter.State.REVOKED)
    return qs.order_by("-book_year", "-book_seq")


@login_required
@require_GET
def book(request):
    """The agency's dispatch book, newest entry first."""
    agency, agencies = _clerk_agencies(request)
    show = request.GET.get("show", "")
    page = Paginator(book_rows(agency, show), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "delivery/book.html", {
        "agency": agency, "agencies": agencies, "page": page, "show": show,
        "narrow": NARROW_SECURITY,
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request, code):
    """One entry of the book; for a paper copy, record who carried and who received it."""
    row = access_dispatch(request.user, code)
    # The clerk records the dispatch as it leaves: "carried on" starts at the current minute.
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"carried_by": row.carried_by, "carried_at": row.carried_at or now,
               "received_by": row.received_by, "received_at": row.received_at}  # fmt: skip
    form = DispatchRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_dispatch(dispatch=row, user=request.user, ip_address=_ip(request),
                                       **form.cleaned_data)  # fmt: skip
        except actions.DeliveryRefused as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The dispatch book was updated."))
            return redirect("delivery:dispatch", code=row.code)
    return render(request, "delivery/dispatch.html", {
        "row": row, "letter": row.letter, "form": form, "narrow": row.letter.is_narrow,
        "may_record": row.method == Dispatch.Method.PRINT
        and row.state != Dispatch.State.RECEIVED,
        "held_back": actions.is_held_back(row), "notice_row": _notice_row(row),
    })  # fmt: skip


def _notice_row(row: Dispatch) -> Dispatch | None:
    """For a copy of a revoked letter, the entry of the notice of revocation to its recipient."""
    if row.purpose != Dispatch.Purpose.LETTER or row.letter.state != Letter.State.REVOKED:
        return None
    return row.letter.dispatches.filter(purpose=Dispatch.Purpose.REVOCATION, key=row.key).first()


@login_required
@require_GET
def notice(request, code):
    """The notice of revocation of a dispatch-book entry, as a PDF file to print and carry."""
    row = access_dispatch(request.user, code)
    if row.purpose != Dispatch.Purpose.REVOCATION:
        raise Http404
    return notice_response(row, inline=False)


def _act(request, code, action, done: str):
    row = access_dispatch(request.user, code)
    try:
        action(dispatch=row, user=request.user, ip_address=_ip(request))
    except actions.DeliveryRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("delivery:dispatch", code=row.code)


@login_required
@require_POST
def printed(request, code):
    return _act(request, code, actions.do_mark_printed, _("Marked as printed."))


@login_required
@require_POST
def retry(request, code):
    return _act(request, code, actions.do_retry_mail, _("The e-mail will be sent again."))


@login_required
@require_POST
def on_paper(request, code):
    done = _("The letter will be delivered on paper.")
    if access_dispatch(request.user, code).purpose == Dispatch.Purpose.REVOCATION:
        done = _("The notice of revocation will be delivered on paper.")
    return _act(request, code, actions.do_switch_to_print, done)
