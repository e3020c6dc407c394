"""Forms of the disposition screens. They parse input; the rules live in actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from esurat.dispositions.models import Instruction
from esurat.organisations.models import Position


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png", "class": "form-control"}),
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class DisposeForm(forms.Form):
    """Whom to, which instructions, a note and a due date. Positions and instructions are sent
    by their codes; any position of the government parses, and do_dispose says clearly which
    ones are not below the giver."""

    to = forms.ModelMultipleChoiceField(
        label=_("To"),
        queryset=Position.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one position.")},
    )
    instructions = forms.ModelMultipleChoiceField(
        label=_("Instructions"),
        queryset=Instruction.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one instruction.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )  # fmt: skip
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, government, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = Position.objects.filter(
            agency__government=government
        ).select_related("agency")


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("What was done"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    files = MultipleFileField(label=_("Files (PDF or images)"))


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is reopened"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )  # fmt: skip
