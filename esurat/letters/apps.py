from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.letters"
    label = "letters"
