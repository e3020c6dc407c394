from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.accounts"
    label = "accounts"
