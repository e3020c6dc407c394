"""Forms of the incoming-letter screens. They check input only; the rules live in incoming.py."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from esurat.letters.models import Classification, Letter, LetterKind, Security, Urgency
from esurat.lib.dates import check_not_future

SCAN_ACCEPT = "application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the photos of a letter's pages); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": SCAN_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every visible widget (radios and hidden fields keep their own)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput, forms.HiddenInput)):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if css not in widget.attrs.get("class", "").split():
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _date_input(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


class ClassificationField(forms.CharField):
    """A classification code typed (with suggestions) instead of picked from 3,000 options."""

    def clean(self, value):
        code = (super().clean(value) or "").strip().split(" ")[0]
        if not code:
            return None
        found = Classification.objects.filter(code=code, is_active=True).first()
        if found is None:
            raise ValidationError(_("Unknown classification code %(code)s.") % {"code": code})
        return found


class SenderFields(forms.Form):
    """The sender's part of a letter: who, their number, their date."""

    sender_name = forms.CharField(
        label=_("Sender"), max_length=300,
        help_text=_("Pick a name from the suggestions, or type a new one; the directory grows."),
    )  # fmt: skip
    sender_number = forms.CharField(label=_("Sender's number"), max_length=120, required=False)
    sender_date = forms.DateField(label=_("Sender's date"), required=False, widget=_date_input())

    def __init__(self, *args, government=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.government = government
        _style(self)

    def clean_sender_date(self):
        date = self.cleaned_data.get("sender_date")
        if date and self.government:
            check_not_future(date, self.government)
        return date


class RegisterIncomingForm(SenderFields):
    """Register an incoming letter: the scan, the sender's data and our handling data."""

    scan = MultipleFileField(
        label=_("Scan of the letter"), required=False,
        help_text=_("One PDF, or photos of the pages (JPEG or PNG) in page order."),
    )  # fmt: skip
    staged = forms.CharField(required=False, widget=forms.HiddenInput)
    received_on = forms.DateField(label=_("Date received"), widget=_date_input())
    channel = forms.ChoiceField(label=_("Arrived by"), choices=Letter.Channel.choices,
                                initial=Letter.Channel.PAPER, widget=forms.RadioSelect)  # fmt: skip
    kind = forms.ModelChoiceField(label=_("Letter kind"), queryset=LetterKind.objects.none(),
                                  to_field_name="code", empty_label=None)  # fmt: skip
    subject = forms.CharField(label=_("Subject"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    enclosures = forms.IntegerField(label=_("Enclosures"), min_value=0, max_value=999, initial=0)
    security = forms.ChoiceField(label=_("Security class"), choices=Security.choices,
                                 initial=Security.ORDINARY)  # fmt: skip
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.ORDINARY)  # fmt: skip
    classification = ClassificationField(
        label=_("Classification code"), max_length=60,
        help_text=_("Type a code or a word of its name, e.g. 005 or undangan."),
    )  # fmt: skip
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    client_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = LetterKind.objects.filter(is_active=True)
        self.fields["kind"].initial = "surat-dinas"
        self.fields["client_token"].initial = uuid.uuid4()
        if self.government:
            self.fields["received_on"].initial = self.government.today()
            self.fields["received_on"].widget.attrs["max"] = self.government.today().isoformat()
            self.fields["sender_date"].widget.attrs["max"] = self.government.today().isoformat()
        if len(agencies) > 1:
            self.fields["agency"] = forms.ModelChoiceField(
                label=_("Registry of"), queryset=agencies, to_field_name="code", empty_label=None
            )
            self.order_fields(["agency"])
            _style(self)

    def clean_received_on(self):
        date = self.cleaned_data["received_on"]
        if self.government:
            check_not_future(date, self.government)
        return date

    def clean(self):
        data = super().clean()
        sent, received = data.get("sender_date"), data.get("received_on")
        if sent and received and sent > received:
            self.add_error(
                "sender_date", _("The letter cannot be dated after the day it was received.")
            )
        return data


class ApplyProposalForm(SenderFields):
    """The OCR proposal as the clerk checked and corrected it."""

    sender_name = forms.CharField(label=_("Sender"), max_length=300, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)


class SendToUnitForm(forms.Form):
    position = forms.ModelChoiceField(label=_("Unit"), queryset=None, to_field_name="code",
                                      empty_label=_("Choose a unit"))  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions
        _style(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
