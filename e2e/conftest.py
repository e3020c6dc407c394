"""Browser journeys: PyPI's playwright driving Debian's /usr/bin/chromium against live_server.

Skipped when no chromium is installed (a fresh machine without the Debian package); CI installs it.
Screenshots go to e2e/screenshots/ (ignored by git) for a person to look at.
"""

import os
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


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no chromium at {CHROMIUM}")
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
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, name: str):
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{name}.png"), full_page=True)


@pytest.fixture
def shoot(request):
    return Shooter(request.node.name.removeprefix("test_"))


@pytest.fixture
def open_page(browser, live_server):
    """A page factory: a fresh browser context per persona, phone or desktop sized."""
    contexts = []

    def make(*, phone=False):
        size = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 860}
        context = browser.new_context(viewport=size, locale="id-ID",
                                      timezone_id="Asia/Makassar")  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, base_url: str, username: str, password: str = "pw"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
