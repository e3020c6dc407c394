"""The search page: every letter the user may read, found by its words, number, sender or date."""

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from esurat.search.backends import Order, search
from esurat.search.forms import SearchForm

FILTERS = ("date_from", "date_to", "kind", "agency", "classification", "direction", "state",
           "read")  # fmt: skip


FACETS = (("kind", _("Letter kind")), ("agency", _("Agency")), ("direction", _("Direction")),
          ("state", _("State")), ("read", _("Read")))  # fmt: skip


def _facet_groups(request, facets: dict) -> list:
    """Each facet's values with the link that sets it as a filter (or clears it when set)."""
    groups = []
    for name, title in FACETS:
        current = request.GET.get(name, "")
        rows = []
        for facet in facets.get(name, []):
            query = request.GET.copy()
            query.pop("after", None)
            active = current == facet.value
            if active:
                query.pop(name, None)
            else:
                query[name] = facet.value
            rows.append((facet, query.urlencode(), active))
        if rows:
            groups.append((title, rows))
    return groups


@login_required
@require_GET
def results(request):
    form = SearchForm(request.GET)
    values = form.values()
    found = search(request.user, values["q"], form.filters(), values["order"] or Order.NEWEST,
                   values["after"])  # fmt: skip
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in request.GET.items() if k != "after" and k in form.fields and v})
    return render(request, "search/results.html", {
        "form": form, "values": values, "results": found, "query": query.urlencode(),
        "active_filters": sum(bool(values[name]) for name in FILTERS),
        "is_older_page": bool(values["after"]), "page": found,
        "searched": bool(values["q"]) or any(values[name] for name in FILTERS),
        "facet_groups": _facet_groups(request, found.facets),
    })  # fmt: skip
