from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.reports"
    label = "reports"
