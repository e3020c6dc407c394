"""Tests that run a Debian program (tesseract, pdfsig, pdftoppm, chromium) call require() first.

On a developer's machine without the package the test is skipped, saying what to install; in CI
(CI=true, where .ci/run installs the packages) a missing program fails the test instead.
"""

import os
import shutil

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
