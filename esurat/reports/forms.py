from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from esurat.letters.models import LetterKind
from esurat.lib.forms import style_widgets
from esurat.reports.models import PaperPrices

MAX_DAYS = 366


class PeriodForm(forms.Form):
    """A period (and optionally a second one to compare), local dates, at most a year each."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    compare_start = forms.DateField(
        label=_("Compare from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    compare_end = forms.DateField(label=_("Compare to"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean(self):
        data = super().clean()
        for a, b in (("start", "end"), ("compare_start", "compare_end")):
            start, end = data.get(a), data.get(b)
            if (start is None) != (end is None):
                raise ValidationError(_("Give both dates of a period, or neither."))
            if start and end and (end < start or (end - start).days >= MAX_DAYS):
                raise ValidationError(
                    _("A period ends after it starts and lasts at most %(days)s days."),
                    params={"days": MAX_DAYS},
                )
        return data


BOOKS = {
    "agenda_in": _("Incoming agenda book (buku agenda masuk)"),
    "agenda_out": _("Outgoing agenda book (buku agenda keluar)"),
    "numbers": _("Number register"),
    "dispatch": _("Dispatch book (buku ekspedisi)"),
    "control": _("Disposition control book (buku kendali)"),
}


class BookForm(forms.Form):
    book = forms.ChoiceField(label=_("Book"), choices=list(BOOKS.items()))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ModelChoiceField(label=_("Letter kind"), required=False,
                                  queryset=LetterKind.objects.filter(is_active=True),
                                  to_field_name="code", empty_label=_("All kinds"))  # fmt: skip
    paper = forms.ChoiceField(label=_("Paper"), choices=LetterKind.Paper.choices, initial="A4")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days >= MAX_DAYS):
            raise ValidationError(
                _("A period ends after it starts and lasts at most %(days)s days."),
                params={"days": MAX_DAYS},
            )
        return data


class PaperPricesForm(forms.ModelForm):
    class Meta:
        model = PaperPrices
        fields = ["per_sheet", "toner_per_page", "per_envelope", "sheets_per_ream"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        for name in ("per_sheet", "toner_per_page", "per_envelope"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("A price cannot be negative."))
        return data
