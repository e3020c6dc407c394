from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.audit"
    label = "audit"
