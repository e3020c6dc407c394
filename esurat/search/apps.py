from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.search"
    label = "search"
