"""Forms of the incoming-letter screens. They check input only; the rules live in incoming.py."""

import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from esurat.letters.models import Classification, Letter, LetterKind, Security, Urgency
from esurat.lib.dates import check_not_future
from esurat.lib.forms import style_widgets

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


def _date_input(**attrs):
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _active_classifications():
    return Classification.objects.filter(is_active=True)


_EXAMPLE: dict = {}


def classification_example() -> tuple[str, str]:
    """A real code and a word of its name that ClassificationField accepts, for the help text.

    The word finds exactly one active code, so typing either example registers the same code.
    Recomputed only when the active codes change (their count or highest id).
    """
    stamp = tuple(_active_classifications().aggregate(n=models.Count("pk"), m=models.Max("pk"))
                  .values())  # fmt: skip
    if _EXAMPLE.get("stamp") != stamp:
        rows = list(_active_classifications().order_by("code").values_list("code", "name"))
        counts: dict[str, int] = {}
        for _code, name in rows:
            for word in set(re.findall(r"[^\W\d_]{5,}", name.lower())):
                counts[word] = counts.get(word, 0) + 1
        example = ("", "")
        for code, name in rows:
            words = [w for w in re.findall(r"[^\W\d_]{5,}", name.lower()) if counts[w] == 1]
            if code.count(".") >= 2 and words:
                example = (code, words[0])
                break
        _EXAMPLE.update(stamp=stamp, example=example)
    return _EXAMPLE["example"]


class ClassificationField(forms.CharField):
    """A classification code typed (with suggestions) instead of picked from 3,000 options.

    Accepts a code ("000.1.5"), a suggestion ("000.1.5 Rapat pimpinan ..."), or words of a name
    that find exactly one active code; several matches ask the clerk to pick one.
    """

    def clean(self, value):
        text = " ".join((super().clean(value) or "").split())
        if not text:
            return None
        found = _active_classifications().filter(code=text.split(" ")[0]).first()
        if found is not None:
            return found
        matches = list(_active_classifications().filter(name__icontains=text)[:2])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValidationError(
                _("Several classification codes match “%(text)s”: pick one from the suggestions.")
                % {"text": text[:60]}
            )
        raise ValidationError(_("Unknown classification code %(code)s.") % {"code": text[:60]})

    def example_help(self) -> str:
        code, word = classification_example()
        if not code:
            return str(_("Type a code or a word of its name and pick from the suggestions."))
        return str(
            _("Type a code or a word of its name, e.g. %(code)s or %(word)s.")
            % {"code": code, "word": word}
        )


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
        style_widgets(self)

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
    upload = forms.UUIDField(required=False, widget=forms.HiddenInput)  # a scan uploaded first
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
    classification = ClassificationField(label=_("Classification code"), max_length=60)
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    client_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = LetterKind.objects.filter(is_active=True)
        self.fields["kind"].initial = "surat-dinas"
        self.fields["client_token"].initial = uuid.uuid4()
        classification = self.fields["classification"]
        classification.help_text = classification.example_help()
        if self.government:
            self.fields["received_on"].initial = self.government.today()
            self.fields["received_on"].widget.attrs["max"] = self.government.today().isoformat()
            self.fields["sender_date"].widget.attrs["max"] = self.government.today().isoformat()
        if len(agencies) > 1:
            self.fields["agency"] = forms.ModelChoiceField(
                label=_("Registry of"), queryset=agencies, to_field_name="code", empty_label=None
            )
            self.order_fields(["agency"])
            style_widgets(self)

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
        style_widgets(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)
