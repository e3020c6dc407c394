from django import forms
from django.utils.translation import gettext_lazy as _

from esurat.onboarding.models import AgencyOnboarding


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))


class StateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Move to"),
        choices=AgencyOnboarding.State.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    on = forms.DateField(label=_("Date"), required=False,
                         widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))  # fmt: skip
