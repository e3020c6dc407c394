from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.api"
    label = "api"
