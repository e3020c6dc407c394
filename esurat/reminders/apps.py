from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.reminders"
    label = "reminders"
