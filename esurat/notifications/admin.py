from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from esurat.audit.admin import AuditedAdmin
from esurat.notifications import actions
from esurat.notifications.channels.webhook import UnsafeURL, checked_address
from esurat.notifications.models import GovernmentChannels


class GovernmentChannelsForm(forms.ModelForm):
    class Meta:
        model = GovernmentChannels
        fields = ["government", "telegram_bot_token", "telegram_bot_username", "webhook_url",
                  "webhook_secret", "webhook_allow_private"]  # fmt: skip
        widgets = {"telegram_bot_token": forms.PasswordInput(render_value=True),
                   "webhook_secret": forms.PasswordInput(render_value=True)}  # fmt: skip

    def clean(self):
        data = super().clean()
        url = data.get("webhook_url")
        if url:
            try:
                checked_address(url, allow_private=data.get("webhook_allow_private", False))
            except UnsafeURL as exc:
                self.add_error("webhook_url", str(exc))
            if not data.get("webhook_secret"):
                self.add_error("webhook_secret", _(
                    "Give the gateway a secret: every message is signed with it (HMAC-SHA256)."
                ))  # fmt: skip
        return data


@admin.register(GovernmentChannels)
class GovernmentChannelsAdmin(AuditedAdmin):
    audited = (actions.do_save_government_channels, actions.do_delete_government_channels,
               "channels")  # fmt: skip
    form = GovernmentChannelsForm
    list_display = ["government", "telegram_bot_username", "webhook_url"]
