"""The letter boxes: inbox, sent, drafts and needs-my-action. Read-only, GET only."""

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from esurat.dispositions import selectors as disposition_selectors
from esurat.letters import selectors
from esurat.letters.models import Urgency
from esurat.organisations.access import seats_of


def _inbox_filters(request, kinds, agencies) -> dict:
    """The filter bar's choices from the query string; unknown values are ignored, not errors.

    Kinds and agencies travel by their codes (slug, UUID), never by database id.
    """
    get = request.GET
    kind = next((k for k in kinds if k.code == get.get("kind")), None)
    agency = next((a for a in agencies if a.code == get.get("from")), None)
    urgency = get.get("urgency", "")
    return {
        "unread": get.get("unread") == "1",
        "urgency": urgency if urgency in Urgency.values else "",
        "kind": kind,
        "agency": agency,
    }


def _query(filters: dict) -> QueryDict:
    """The active filters as a query string (kept by the "Older" link)."""
    query = QueryDict(mutable=True)
    if filters["unread"]:
        query["unread"] = "1"
    if filters["urgency"]:
        query["urgency"] = filters["urgency"]
    if filters["kind"]:
        query["kind"] = filters["kind"].code
    if filters["agency"]:
        query["from"] = str(filters["agency"].code)
    return query


@login_required
@require_GET
def inbox(request):
    kinds, agencies = selectors.inbox_filter_choices(request.user)
    filters = _inbox_filters(request, kinds, agencies)
    page = selectors.inbox_page(
        request.user,
        cursor=request.GET.get("after"),
        unread=filters["unread"],
        urgency=filters["urgency"],
        kind=filters["kind"].pk if filters["kind"] else None,
        agency=filters["agency"].pk if filters["agency"] else None,
    )
    active = sum(bool(v) for v in filters.values())
    return render(request, "letters/inbox.html", {
        "page": page, "filters": filters, "query": _query(filters).urlencode(),
        "active_filters": active, "kinds": kinds, "agencies": agencies,
        "urgencies": Urgency.choices, "many_seats": len(seats_of(request.user)) > 1,
        "is_older_page": bool(request.GET.get("after")),
    })  # fmt: skip


@login_required
@require_GET
def outbox(request):
    page = selectors.outbox_page(request.user, cursor=request.GET.get("after"))
    return render(request, "letters/outbox.html", {
        "page": page, "is_older_page": bool(request.GET.get("after")),
    })  # fmt: skip


@login_required
@require_GET
def drafts(request):
    page = selectors.drafts_page(request.user, cursor=request.GET.get("after"))
    return render(request, "letters/drafts.html", {
        "page": page, "is_older_page": bool(request.GET.get("after")),
    })  # fmt: skip


@login_required
@require_GET
def needs_action(request):
    """Everything waiting for the user: letters to dispose, delegate-prepared dispositions to
    approve, drafts to review, letters to sign, dispositions to report on. Each section's badge is
    the navigation counter of the same name (all entries, the list showing the first 100)."""
    user = request.user
    return render(request, "letters/needs_action.html", {
        "to_dispose": disposition_selectors.awaiting_disposal(user),
        "to_approve": disposition_selectors.awaiting_approval(user),
        "to_review": list(selectors.to_review(user)),
        "to_sign": list(selectors.to_sign(user)),
        "to_report": disposition_selectors.to_report(user),
        "many_seats": len(seats_of(user)) > 1,
    })  # fmt: skip


@login_required
@require_GET
def home(request):
    """The site root: the inbox is where every working day starts."""
    return redirect("letters:inbox")
