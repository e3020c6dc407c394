"""Fixtures shared by the incoming-letter tests."""

import pytest


@pytest.fixture
def queue(settings):
    """A queue that only records tasks (as the database queue does until a worker takes them)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import task_backends

    task_backends["default"].clear()
    return task_backends["default"]


@pytest.fixture
def clerk(client, city):
    """The browser of Diskominfo's registry clerk, logged in."""
    client.force_login(city.users["agendaris.kominfo"])
    return client
