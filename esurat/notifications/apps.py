from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.notifications"
    label = "notifications"
