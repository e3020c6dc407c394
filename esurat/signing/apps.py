from django.apps import AppConfig


class Config(AppConfig):
    name = "esurat.signing"
    label = "signing"

    def ready(self):
        from esurat.signing import speedups

        speedups.install()  # pyHanko reads signature contents ~10× faster (speedups.py)
