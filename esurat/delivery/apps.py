from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.delivery"
    label = "delivery"
