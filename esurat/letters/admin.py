"""Letters in the admin: letter kinds (with their number templates) and classification codes are
maintained here; letters, issued numbers and registrations are only looked at — they change only
through the do_* actions. Secret (R/SR) letters are not shown at all: no administrator may see
them (DOMAIN.md §4), and the body of no letter is shown."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from esurat.audit.admin import AuditedAdmin, ReadOnlyAdmin
from esurat.letters import reference_actions
from esurat.letters.models import (
    NARROW_SECURITY,
    Classification,
    ExternalParty,
    IssuedNumber,
    Letter,
    LetterKind,
    Registration,
)
from esurat.letters.numbering import check_template


class LetterKindForm(forms.ModelForm):
    class Meta:
        model = LetterKind
        fields = ["code", "name", "abbreviation", "layout", "number_template", "sequence_scope",
                  "seq_digits", "paper", "is_active"]  # fmt: skip

    def clean_number_template(self):
        template = self.cleaned_data["number_template"]
        try:
            check_template(template)
        except ValueError as exc:
            raise forms.ValidationError(
                _("This number template cannot be used: %(problem)s."),
                params={"problem": exc},
                code="number_template",
            ) from exc
        return template


@admin.register(LetterKind)
class LetterKindAdmin(AuditedAdmin):
    form = LetterKindForm
    audited = (reference_actions.do_save_letter_kind, reference_actions.do_delete_letter_kind,
               "kind")  # fmt: skip
    list_display = ["name", "code", "abbreviation", "layout", "number_template", "sequence_scope",
                    "paper", "is_active"]  # fmt: skip
    list_filter = ["layout", "sequence_scope", "is_active"]
    search_fields = ["name", "code", "abbreviation"]


@admin.register(Classification)
class ClassificationAdmin(AuditedAdmin):
    audited = (reference_actions.do_save_classification,
               reference_actions.do_delete_classification, "classification")  # fmt: skip
    list_display = ["code", "name", "parent", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(ExternalParty)
class ExternalPartyAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "government", "created_at"]
    search_fields = ["name", "email"]
    fields = ["name", "address", "email", "government", "created_at"]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "state", "origin", "agency", "kind", "security",
                    "urgency", "created_at", "sent_at"]  # fmt: skip
    list_filter = ["state", "origin", "security", "urgency", "agency"]
    list_select_related = ["agency", "kind"]
    search_fields = ["number", "subject", "sender_number"]
    date_hierarchy = "created_at"
    fields = ["code", "origin", "state", "government", "agency", "kind", "classification",
              "security", "urgency", "subject", "number", "letter_date", "drafter",
              "drafter_position", "signatory_position", "qualifier", "version", "review_round",
              "sender", "sender_number", "sender_date", "received_on", "channel", "created_at",
              "updated_at", "signed_at", "sent_at"]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(security__in=NARROW_SECURITY)


@admin.register(IssuedNumber)
class IssuedNumberAdmin(ReadOnlyAdmin):
    list_display = ["number", "state", "agency", "letter_date", "subject_shown", "issued_at",
                    "issued_by"]  # fmt: skip
    list_filter = ["state", "year", "agency"]
    list_select_related = ["agency", "letter", "issued_by"]
    search_fields = ["number"]
    date_hierarchy = "issued_at"
    fields = ["number", "state", "government", "agency", "sequence_key", "year", "seq", "insert",
              "letter_date", "subject_shown", "issued_at", "issued_by", "cancelled_at",
              "cancel_reason"]  # fmt: skip

    @admin.display(description=_("subject"))
    def subject_shown(self, issued):
        if issued.letter_id and issued.letter.is_narrow:
            return _("(hidden: the letter is secret)")
        return issued.subject


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["agenda_number", "direction", "agency", "letter_number", "registered_at"]
    list_filter = ["direction", "year", "agency"]
    list_select_related = ["agency", "letter"]
    search_fields = ["letter__number"]
    date_hierarchy = "registered_at"
    fields = ["agency", "direction", "year", "seq", "letter_number", "registered_at"]

    @admin.display(description=_("letter number"))
    def letter_number(self, registration):
        letter = registration.letter
        return letter.number or letter.sender_number or "—"
