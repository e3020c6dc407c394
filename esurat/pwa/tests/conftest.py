"""Web Push against a real local push service (push_service.py), with a VAPID key of the test's
own; the service is allowed over http on loopback for the tests only."""

import pytest

from esurat.pwa import vapid
from esurat.pwa.tests.push_service import Browser, PushService


@pytest.fixture
def push_service(settings):
    settings.VAPID_PRIVATE_KEY = vapid.generate_private_key()
    settings.VAPID_SUBJECT = "mailto:admin@banuaraya.go.id"
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.PUSH_HTTP_HOSTS = ["127.0.0.1"]
    service = PushService.start()
    yield service
    service.stop()


@pytest.fixture
def browser() -> Browser:
    return Browser()
