"""The clerk's form for the dispatch book; the rules live in actions.do_record_dispatch."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"},
                               format="%Y-%m-%dT%H:%M")  # fmt: skip


class DispatchRecordForm(forms.Form):
    carried_by = forms.CharField(
        label=_("Carried by"), max_length=200,
        help_text=_("The courier or the person who took the letter."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    carried_at = forms.DateTimeField(label=_("Carried on"), widget=DATETIME)
    received_by = forms.CharField(
        label=_("Received by"), max_length=200, required=False,
        help_text=_("Fill in when the receipt comes back, with the date it was received."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    received_at = forms.DateTimeField(label=_("Received on"), required=False, widget=DATETIME)

    def clean(self):
        """A receipt noted without its time is taken as received now (the clerk writes it down
        as the receipt comes back)."""
        data = super().clean()
        if (data.get("received_by") or "").strip() and not data.get("received_at"):
            data["received_at"] = timezone.localtime().replace(second=0, microsecond=0)
        return data
