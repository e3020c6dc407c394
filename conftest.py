"""Shared test fixtures: the personas of the demo city (esurat.organisations.demo)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_unless_browser(request, settings):
    """Unit tests assert on the English msgids; the browser journeys (e2e/) and
    esurat/tests/test_language.py check the Indonesian default itself."""
    if "/e2e/" in str(request.node.fspath) or request.node.get_closest_marker("indonesian"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(request, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = False
    settings.SECURE_COOKIES = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Pages link static files by their plain names: no test needs `collectstatic` first. The
    # manifest storage of production is tested, collected, in esurat/tests/test_static_files.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Unit tests sign with `recorded` (no PDF to render per signature); the signing tests and
    # the browser journeys use the default `local` provider (esurat/signing/tests/conftest.py,
    # e2e/conftest.py), and test_default_provider checks the default itself.
    if "/e2e/" not in str(request.node.fspath):
        settings.SIGNING_PROVIDER = "recorded"
    # The first request of a day writes a row (esurat/reports/middleware.py): only the reports'
    # tests and the browser journeys count it, so other pages' pinned query counts stay theirs.
    path = str(request.node.fspath)
    settings.NOTE_DAILY_ACTIVITY = "/e2e/" in path or "/esurat/reports/" in path


@pytest.fixture
def city(db):
    from esurat.organisations.demo import build_demo_city

    return build_demo_city(password="pw")
