"""Forms of the letter screens. They parse input into what the do_* actions take; the rules
(who may sign, a chain without duplicates, at least one addressee) live in actions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from esurat.letters.models import (
    Classification,
    ExternalParty,
    Letter,
    LetterKind,
    Recipient,
    Security,
    Urgency,
)
from esurat.organisations.models import Agency, Position

COSIGNATORY_SLOTS = 3
REVIEWER_SLOTS = 2  # reviewer lines shown at least; one empty line always follows the chosen


def chain_defaults(position: Position) -> tuple[list[Position], Position | None]:
    """The drafter's superiors up to the agency head (reviewers) and the head (signatory). A
    superior's post nobody holds or acts for is left out, as actions.required_reviewers does:
    proposing it would leave the draft waiting for a paraf nobody can give."""
    from esurat.letters.actions import is_occupied

    reviewers, node, seen = [], position.superior, {position.pk}
    while node is not None and node.agency_id == position.agency_id and node.pk not in seen:
        if node.is_head:
            return [p for p in reviewers if is_occupied(p)], node
        reviewers.append(node)
        seen.add(node.pk)
        node = node.superior
    head = position.agency.head_position()
    return [p for p in reviewers if is_occupied(p)], head or (
        position if position.can_sign else None
    )


def chain_positions(position: Position) -> list[Position]:
    """Positions that may appear in a chain drafted from `position`: its own agency, then the
    superiors of the agency head (Sekda, Wali Kota) for letters signed a.n. above the agency."""
    own = list(Position.objects.filter(agency_id=position.agency_id).select_related("agency"))
    head = next((p for p in own if p.is_head), None)
    node, seen = head.superior if head else None, {p.pk for p in own}
    while node is not None and node.pk not in seen:
        own.append(node)
        seen.add(node.pk)
        node = node.superior
    return own


def recipient_token(recipient: Recipient) -> str:
    if recipient.target == Recipient.Target.POSITION:
        return f"position:{recipient.position.code}"
    if recipient.target in (Recipient.Target.AGENCY, Recipient.Target.AGENCY_ALL):
        return f"{recipient.target}:{recipient.agency.code}"
    if recipient.target == Recipient.Target.EXTERNAL:
        return f"external:{recipient.external.code}"
    return "government_all"


class TokenListField(forms.MultipleChoiceField):
    """Recipient tokens ("agency:<uuid>", "position:<uuid>"…); the form resolves them."""

    def valid_value(self, value):
        return True


class LetterForm(forms.Form):
    """A new or edited draft. `seat_position` is the drafter's position (it fixes the agency)."""

    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    kind = forms.ModelChoiceField(
        label=_("Letter kind"), queryset=LetterKind.objects.filter(is_active=True),
        to_field_name="code", empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    classification = forms.CharField(
        label=_("Classification code"), max_length=350,
        help_text=_("Type a code or a word (for example 000.1.2 or undangan) and choose from "
                    "the list."),
        widget=forms.TextInput(attrs={"class": "form-control", "list": "classification-list",
                                      "autocomplete": "off", "inputmode": "search"}),
    )  # fmt: skip
    security = forms.ChoiceField(
        label=_("Security class"), choices=Security.choices, initial=Security.ORDINARY,
        widget=forms.RadioSelect,
    )  # fmt: skip
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY,
        widget=forms.RadioSelect,
    )  # fmt: skip
    subject = forms.CharField(
        label=_("Subject"), max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    body = forms.CharField(label=_("Body"), required=False, widget=forms.HiddenInput)
    enclosures = forms.IntegerField(
        label=_("Enclosures"), min_value=0, max_value=999, initial=0,
        help_text=_("Number of enclosed documents (lampiran)."),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )  # fmt: skip
    to = TokenListField(label=_("To"), required=False)
    cc = TokenListField(label=_("Copy to (tembusan)"), required=False)
    reviewers = forms.MultipleChoiceField(label=_("Review chain (paraf)"), required=False)
    signatory = forms.ChoiceField(
        label=_("Signatory"), widget=forms.Select(attrs={"class": "form-select"})
    )
    cosignatories = forms.MultipleChoiceField(
        label=_("Co-signatories (joint letter)"), required=False
    )
    qualifier = forms.ChoiceField(
        label=_("Signature qualifier"), choices=Letter.Qualifier.choices, required=False,
        help_text=_("a.n. when the signatory signs on behalf of a higher official."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    # An outside party not yet in the directory (esurat.delivery e-mails or prints the letter).
    external_name = forms.CharField(
        label=_("Outside party: name"), max_length=300, required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )  # fmt: skip
    external_email = forms.EmailField(
        label=_("Outside party: e-mail"), required=False,
        help_text=_("The signed PDF is e-mailed to this address. Leave it empty to send the "
                    "letter on paper (the registry clerk prints and dispatches it)."),
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )  # fmt: skip
    external_kind = forms.ChoiceField(
        label=_("Outside party: as"), choices=Recipient.Kind.choices, initial=Recipient.Kind.TO,
        required=False, widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip

    def __init__(self, *args, seat_position: Position, **kwargs):
        super().__init__(*args, **kwargs)
        self.seat_position = seat_position
        self.government_id = seat_position.agency.government_id
        self.positions = {str(p.code): p for p in chain_positions(seat_position)}
        own = seat_position.agency_id
        choices = [(c, p.title if p.agency_id == own else f"{p.title} — {p.agency.short_name}")
                   for c, p in self.positions.items()]  # fmt: skip
        self.fields["reviewers"].choices = [("", "—"), *choices]
        self.fields["signatory"].choices = [
            (code, label) for code, label in choices if self.positions[code].can_sign
        ]
        # A joint letter may be co-signed by any official of the government who may sign.
        self.cosigning = {
            str(p.code): p
            for p in Position.objects.filter(agency__government_id=self.government_id,
                                             can_sign=True)
            .select_related("agency").order_by("agency__name", "-is_head", "title")
        }  # fmt: skip
        # Agency first: the list is sorted by agency, and a phone's narrow select still shows
        # whose official it is when the title is cut off.
        self.fields["cosignatories"].choices = [("", "—")] + [
            (c, f"{p.agency.short_name} · {p.title}") for c, p in self.cosigning.items()
        ]

    @classmethod
    def initial_for(cls, position: Position, letter: Letter | None = None) -> dict:
        if letter is None:
            reviewers, signatory = chain_defaults(position)
            return {"reviewers": [str(p.code) for p in reviewers], "kind": "nota-dinas",
                    "signatory": str(signatory.code) if signatory else None}  # fmt: skip
        steps = letter.review_steps.filter(round=0).select_related("position")
        recipients = list(letter.recipients.select_related("position", "agency"))
        return {
            "kind": letter.kind.code, "classification": str(letter.classification),
            "security": letter.security, "urgency": letter.urgency, "subject": letter.subject,
            "body": letter.body, "enclosures": letter.enclosures, "qualifier": letter.qualifier,
            "to": [recipient_token(r) for r in recipients if r.kind == Recipient.Kind.TO],
            "cc": [recipient_token(r) for r in recipients if r.kind == Recipient.Kind.CC],
            "reviewers": [str(s.position.code) for s in steps],
            "signatory": str(letter.signatory_position.code),
            "cosignatories": [str(c.position.code) for c in
                              letter.cosignatories.select_related("position")],
        }  # fmt: skip

    def clean_classification(self):
        value = self.cleaned_data["classification"].strip()
        code = value.split(" ", 1)[0] if value else ""
        found = Classification.objects.filter(code=code, is_active=True).first()
        if found is None:
            raise forms.ValidationError(_("Choose a classification code from the list."))
        return found

    def _resolve(self, tokens: list[str], kind: str) -> list[dict]:
        rows = []
        for token in tokens:
            target, _sep, code = token.partition(":")
            row = {"kind": kind, "target": target, "position": None, "agency": None}
            try:
                if target == Recipient.Target.POSITION:
                    row["position"] = Position.objects.select_related("agency").get(
                        code=code, agency__government_id=self.government_id
                    )
                elif target in (Recipient.Target.AGENCY, Recipient.Target.AGENCY_ALL):
                    row["agency"] = Agency.objects.get(code=code, government_id=self.government_id)
                elif target == Recipient.Target.EXTERNAL:
                    row["external"] = ExternalParty.objects.get(
                        code=code, government_id=self.government_id
                    )
                elif target != Recipient.Target.GOVERNMENT_ALL:
                    raise ValueError(token)
            except (ValueError, Position.DoesNotExist, Agency.DoesNotExist,
                    ExternalParty.DoesNotExist) as exc:  # fmt: skip
                raise forms.ValidationError(_("Unknown recipient. Choose again.")) from exc
            rows.append(row)
        return rows

    def clean_to(self):
        rows = self._resolve(self.cleaned_data["to"], Recipient.Kind.TO)
        new_to = self.data.get("external_kind", Recipient.Kind.TO) == Recipient.Kind.TO
        if not rows and not (new_to and (self.data.get("external_name") or "").strip()):
            raise forms.ValidationError(_("Choose at least one addressee."))
        return rows

    def clean(self):
        data = super().clean()
        if data.get("external_email") and not (data.get("external_name") or "").strip():
            self.add_error("external_name", _("Give the name of the outside party."))
        return data

    def new_external(self) -> dict | None:
        """The outside party typed in the form (name, e-mail, TO or CC), or None."""
        name = (self.cleaned_data.get("external_name") or "").strip()
        if not name:
            return None
        return {"name": name, "email": self.cleaned_data.get("external_email") or "",
                "kind": self.cleaned_data.get("external_kind") or Recipient.Kind.TO}  # fmt: skip

    def clean_cc(self):
        return self._resolve(self.cleaned_data["cc"], Recipient.Kind.CC)

    def clean_reviewers(self):
        return [self.positions[code] for code in self.cleaned_data["reviewers"] if code]

    def clean_signatory(self):
        return self.positions[self.cleaned_data["signatory"]]

    def clean_cosignatories(self):
        return [self.cosigning[code] for code in self.cleaned_data["cosignatories"] if code]

    def draft_fields(self) -> dict:
        """The keyword arguments of do_create_draft / do_update_draft."""
        data = self.cleaned_data
        return {
            "kind": data["kind"], "classification": data["classification"],
            "security": data["security"], "urgency": data["urgency"],
            "subject": data["subject"], "body": data["body"],
            "enclosures": data["enclosures"], "qualifier": data["qualifier"],
            "recipients": data["to"] + data["cc"], "reviewers": data["reviewers"],
            "signatory": data["signatory"], "cosignatories": data["cosignatories"],
        }  # fmt: skip

    def reviewer_slots(self) -> list[str]:
        """The chosen reviewer codes padded with empty slots, for one <select> each."""
        chosen = [c for c in (self["reviewers"].value() or []) if c]
        return chosen + [""] * max(REVIEWER_SLOTS - len(chosen), 1)

    def chosen_cosignatories(self) -> list[str]:
        return [c for c in (self["cosignatories"].value() or []) if c]

    def cosignatory_slots(self) -> list[str]:
        """The chosen co-signatories padded to three lines, so a joint letter of two or three
        needs no save in between; always one empty line more."""
        chosen = self.chosen_cosignatories()
        return chosen + [""] * max(COSIGNATORY_SLOTS - len(chosen), 1)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control",
                                          "autocomplete": "current-password"}),
    )  # fmt: skip
    passphrase = forms.CharField(
        label=_("Signing passphrase"), strip=False, required=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )  # fmt: skip


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must be changed"), max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip


class CancelNumberForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip


class InsertNumberForm(forms.Form):
    date = forms.DateField(
        label=_("Letter date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )  # fmt: skip
    subject = forms.CharField(
        label=_("Subject"), max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
