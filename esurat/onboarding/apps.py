from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.onboarding"
    label = "onboarding"
