from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.pwa"
    label = "pwa"
