"""The search page's query string: words, filters, order and the page's cursor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from esurat.letters.models import Letter
from esurat.search.backends import Filters, Order

DIRECTIONS = [("in", _("Incoming (registered)")), ("out", _("Drafted here"))]
READ = [("unread", _("Unread")), ("read", _("Read"))]
ORDERS = [(Order.NEWEST, _("Newest first")), (Order.RELEVANT, _("Most relevant first"))]


class SearchForm(forms.Form):
    """Every field optional; a value that does not parse is dropped (the search still runs)."""

    q = forms.CharField(label=_("Search letters"), max_length=200, required=False)
    date_from = forms.DateField(label=_("From date"), required=False)
    date_to = forms.DateField(label=_("To date"), required=False)
    kind = forms.SlugField(label=_("Letter kind"), max_length=40, required=False)
    agency = forms.UUIDField(label=_("Agency"), required=False)
    classification = forms.CharField(label=_("Classification code"), max_length=40, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTIONS, required=False)
    state = forms.ChoiceField(label=_("State"), choices=Letter.State.choices, required=False)
    read = forms.ChoiceField(label=_("Read"), choices=READ, required=False)
    order = forms.ChoiceField(label=_("Order"), choices=ORDERS, required=False)
    after = forms.CharField(max_length=200, required=False)

    def values(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def filters(self) -> Filters:
        v = self.values()
        return Filters(
            date_from=v["date_from"] or None, date_to=v["date_to"] or None, kind=v["kind"],
            agency=v["agency"] or None, classification=v["classification"],
            direction=v["direction"], state=v["state"], read=v["read"],
        )  # fmt: skip
