from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.signing"
    label = "signing"
