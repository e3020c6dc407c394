import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")
application = get_wsgi_application()

# Long-lived start-up objects out of the garbage collector's full sweeps (esurat/lib/warm.py).
from esurat.lib.warm import warm_and_freeze  # noqa: E402 - needs the configured Django

warm_and_freeze()
