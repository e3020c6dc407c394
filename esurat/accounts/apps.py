from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.accounts"
    label = "accounts"

    def ready(self):
        from esurat.accounts import auth_events  # noqa: F401  (connects the audit receivers)
