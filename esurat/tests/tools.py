"""Helpers for tests that run another program.

Tests that run a Debian program (tesseract, pdfsig, pdftoppm, chromium) call require() first.
On a developer's machine without the package the test is skipped, saying what to install; in CI
(CI=true, where .ci/run installs the packages) a missing program fails the test instead.

fresh_python() runs a snippet in a new interpreter, for what only a fresh process shows: the
settings' defaults, what a module does when it is imported.
"""

import os
import shutil
import subprocess
import sys

import pytest

PACKAGES = {
    "tesseract": "tesseract-ocr tesseract-ocr-ind",
    "pdfsig": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "chromium": "chromium",
}


def require(*programs: str) -> None:
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    packages = " ".join(sorted({PACKAGES.get(p, p) for p in missing}))
    message = f"needs {', '.join(missing)} (apt-get install {packages})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def fresh_python(code: str, *, without: tuple[str, ...] = ()) -> str:
    """Run `code` in a new Python with this project's settings module and data directory, the
    environment variables in `without` removed; its standard output. The test fails with the
    snippet's standard error if it exits non-zero."""
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in without}
    env["DJANGO_SETTINGS_MODULE"] = "esurat.settings"
    env["ESURAT_VAR_DIR"] = str(settings.VAR_DIR)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=120, cwd=settings.BASE_DIR)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout
