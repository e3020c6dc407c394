from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.organisations"
    label = "organisations"
