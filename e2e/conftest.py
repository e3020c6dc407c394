"""Browser journeys: PyPI's playwright driving Debian's /usr/bin/chromium against live_server.

Skipped when no chromium is installed (a fresh machine without the Debian package); CI installs it.
Screenshots go to e2e/screenshots/ (ignored by git) for a person to look at.

The live server reads the same database from another thread, so these tests run with
transactional_db semantics: tables are emptied after each test instead of rolled back. Two
things need care because of that (see `city` below): the reference data the migrations load
(classification codes, letter kinds, disposition instructions) is put back, and the audit log's
append-only triggers are lifted for the emptying only.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = Path(__file__).parent / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (setting up data, checking results) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


# --- the database ------------------------------------------------------------------------------


def _load_reference_data() -> None:
    """What the data migrations load; the flush after a transactional test empties it."""
    from importlib import import_module

    from django.apps import apps

    from esurat.letters import reference
    from esurat.letters.models import Classification, LetterKind

    if not LetterKind.objects.exists() or not Classification.objects.exists():
        reference.load(Classification, LetterKind)
    instructions = import_module("esurat.dispositions.migrations.0002_instructions")
    if not apps.get_model("dispositions", "Instruction").objects.exists():
        instructions.load(apps, None)


def _audit_triggers(on: bool) -> None:
    """Put the append-only triggers of the audit log and its chain heads back (on) or lift them
    (off).

    PostgreSQL empties tables with TRUNCATE, which row triggers do not see; SQLite deletes row by
    row, which the trigger refuses. Lifting them only around the flush keeps them in force for
    everything the test and the server do.
    """
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migrations = [import_module(f"esurat.audit.migrations.{name}")
                  for name in ("0002_append_only", "0003_audit_chain_head_guard")]  # fmt: skip
    with connection.schema_editor() as editor:
        for migration in migrations:
            migration.backwards(apps, editor)
            if on:
                migration.forwards(apps, editor)


@pytest.fixture(scope="module", autouse=True)
def _restore_after_module(django_db_setup, django_db_blocker):
    """Leave the database as migrations made it, for whatever tests run after these."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        _load_reference_data()
        _audit_triggers(on=True)
        # Closed here: left open, this connection was still there when pytest-django dropped
        # the PostgreSQL test database ("being accessed by other users").
        connection.close()


CA_PASSPHRASE = "e2e-ca-passphrase"
SIGNING_PASSPHRASE = "kunci-tanda-tangan"  # what each signatory chooses at their first signature


@pytest.fixture
def city(live_server, transactional_db, settings, tmp_path, monkeypatch):
    """The demo city (password "pw") in a database the live server shares; files in tmp_path.

    Letters are signed with the default provider, `local`: the city gets its certificate
    authority, and each signatory chooses SIGNING_PASSPHRASE at their first signature.
    """
    from esurat.organisations.demo import build_demo_city
    from esurat.signing.ca import create_ca

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_PROVIDER = "local"
    monkeypatch.setenv("ESURAT_CA_PASSPHRASE", CA_PASSPHRASE)
    _load_reference_data()
    _audit_triggers(on=True)
    demo = build_demo_city(password="pw")
    create_ca(demo.government)
    yield demo
    _audit_triggers(on=False)


# --- the live server ---------------------------------------------------------------------------


def _serialise_requests_on_a_shared_connection() -> None:
    """With SQLite's in-memory test database, every request thread of the live server uses the
    test's one connection (`connections_override`); two requests at once (a page and an htmx
    search) then use it concurrently and SQLite answers "bad parameter or other API misuse".
    On a shared connection each request, response body included, is handled under one lock
    (not each HTTP connection: the browser keeps those open); PostgreSQL (a connection per
    thread, nothing shared) keeps serving them in parallel."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    lock = threading.Lock()

    class Server(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)

            def one_at_a_time(environ, start_response):
                with lock:
                    response = application(environ, start_response)
                    try:
                        return [b"".join(response)]
                    finally:
                        if hasattr(response, "close"):
                            response.close()

            return super().set_app(one_at_a_time)

    LiveServerThread.server_class = Server


_serialise_requests_on_a_shared_connection()


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"no chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI installs it: a browser journey must never be skipped there
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


class Shooter:
    def __init__(self, journey: str):
        self.dir = SHOTS / journey
        if self.dir.exists():
            shutil.rmtree(self.dir)  # only this run's pictures, numbered in order
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, name: str):
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{name}.png"), full_page=True)


@pytest.fixture
def shoot(request):
    return Shooter(request.node.name.removeprefix("test_"))


class Pages:
    """Makes pages (one browser context per persona) and remembers what went wrong on them:
    responses with a 5xx status and uncaught JavaScript errors."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.server_errors: list[str] = []
        self.script_errors: list[str] = []

    def __call__(self, *, phone=False, session_of=None):
        """A new page; `session_of=page` logs it in as that page's persona (its cookies), for a
        second look at the same pages on another screen size."""
        size = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 860}
        state = session_of.context.storage_state() if session_of is not None else None
        context = self.browser.new_context(
            viewport=size, locale="id-ID", timezone_id="Asia/Makassar",
            is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1,
            storage_state=state,
        )  # fmt: skip
        context.on("response", self._response)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.script_errors.append(f"{page.url}: {exc}"))
        page.set_default_timeout(10000)
        return page

    def _response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def open_page(browser, live_server):
    """A page factory: a fresh browser context per persona, phone or desktop sized.

    `open_page.server_errors` and `open_page.script_errors` list what went wrong; the test
    fails at teardown if any page got a server error.
    """
    pages = Pages(browser)
    yield pages
    pages.close()
    assert pages.server_errors == [], "a page showed a server error"


def t(msgid: str, **values) -> str:
    """The UI text for an English msgid, in the UI language (Indonesian), as the server renders
    it. Tests find buttons and labels by it, so they pass before and after translation."""
    from django.utils.translation import gettext, override

    with override("id"):
        text = gettext(msgid)
    return text % values if values else text


def login(page, base_url: str, username: str, password: str = "pw"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def starts(text: str) -> re.Pattern:
    """An accessible name that begins with `text` (a counter badge may follow it)."""
    return re.compile("^" + re.escape(text))


def choose_classification(page, code: str = "000.1.2.3") -> None:
    """In the compose form: typing asks the server for matching codes, which fill the datalist;
    the drafter then picks one (a datalist's dropdown is the browser's own, so we fill its
    value)."""
    field = page.get_by_label(t("Classification code"))
    with page.expect_response(lambda r: "/letters/classifications/" in r.url and code in r.url):
        field.press_sequentially(code)
    option = page.locator(f'#classification-list option[value^="{code} "]')
    option.wait_for(state="attached")
    field.fill(option.get_attribute("value"))


def pick(page, group, query: str, name) -> None:
    """Type in a recipient picker's search box and tick the matching row.

    The picker filters on each keystroke and also asks the server; on a loaded machine the
    answer can re-render the list under the click, so type again and retry a few times.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = group.get_by_role("searchbox")
    for attempt in range(3):
        box.fill("")
        box.press_sequentially(query)
        page.wait_for_load_state("networkidle")
        try:
            group.get_by_role("checkbox", name=name).check(timeout=8000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
