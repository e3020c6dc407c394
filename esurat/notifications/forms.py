"""The notification settings form: outside channels per kind of event, quiet hours, WhatsApp."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from esurat.notifications.channels import REGISTRY
from esurat.notifications.models import (
    ChannelChoice,
    Notification,
    PersonalSettings,
    TelegramLink,
    default_channels,
)


def offered_channels() -> list[tuple[str, str]]:
    """The outside channels this installation runs, in a fixed order."""
    return [(c.value, c.label) for c in Notification.Channel
            if c != Notification.Channel.INAPP and c.value in REGISTRY]  # fmt: skip


class PreferencesForm(forms.Form):
    quiet_hours = forms.BooleanField(label=_("Hold messages during quiet hours"), required=False)
    quiet_from = forms.TimeField(label=_("Quiet from"), widget=forms.TimeInput(
        attrs={"type": "time", "class": "form-control"}, format="%H:%M"))  # fmt: skip
    quiet_until = forms.TimeField(label=_("Quiet until"), widget=forms.TimeInput(
        attrs={"type": "time", "class": "form-control"}, format="%H:%M"))  # fmt: skip
    whatsapp = forms.CharField(label=_("WhatsApp number"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
        help_text=_("Country code first, digits only, e.g. 6281234567890."))  # fmt: skip

    def __init__(self, data=None, *, user):
        own = PersonalSettings.objects.filter(user=user).first() or PersonalSettings(user=user)
        chosen = {c.kind: c.channels() for c in ChannelChoice.objects.filter(user=user)}
        self.channels = offered_channels()
        initial = {"quiet_hours": own.quiet_hours, "quiet_from": own.quiet_from,
                   "quiet_until": own.quiet_until, "whatsapp": own.whatsapp}  # fmt: skip
        for kind in Notification.Kind:
            for channel, _label in self.channels:
                initial[f"{kind.value}__{channel}"] = channel in chosen.get(
                    kind.value, default_channels(kind.value)
                )
        super().__init__(data, initial=initial)
        for kind in Notification.Kind:
            for channel, label in self.channels:
                self.fields[f"{kind.value}__{channel}"] = forms.BooleanField(
                    required=False, label=f"{kind.label}: {label}"
                )

    def rows(self):
        """(kind label, [bound checkbox per channel]) for the table."""
        return [(kind.label, [self[f"{kind.value}__{c}"] for c, _label in self.channels])
                for kind in Notification.Kind]  # fmt: skip

    def clean_whatsapp(self):
        number = re.sub(r"[\s\-+]", "", self.cleaned_data["whatsapp"])
        if number and not re.fullmatch(r"\d{8,16}", number):
            raise forms.ValidationError(_("Write the number with its country code, digits only."))
        return number

    def preferences(self) -> dict:
        data = self.cleaned_data
        choices = {
            kind.value: {c for c, _label in self.channels if data.get(f"{kind.value}__{c}")}
            for kind in Notification.Kind
        }
        return {"choices": choices, "quiet_hours": data["quiet_hours"],
                "quiet_from": data["quiet_from"], "quiet_until": data["quiet_until"],
                "whatsapp": data["whatsapp"]}  # fmt: skip


def telegram_state(user) -> dict:
    """What the settings page shows about Telegram: off, linked, or a code waiting."""
    from esurat.notifications.channels.telegram import bot_username, configured

    link = TelegramLink.objects.filter(user=user).first()
    waiting = link and link.link_code and link.code_expires_at > timezone.now()
    return {
        "available": configured(user.government),
        "linked": bool(link and link.chat_id),
        "code": link.link_code if waiting else "",
        "expires": link.code_expires_at if waiting else None,
        "bot": bot_username(user.government),
    }
