from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.dispositions"
    label = "dispositions"
