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


def require_font(family: str, package: str) -> None:
    """Like require(), for a font that fontconfig (hence WeasyPrint) must find."""
    try:
        found = subprocess.run(["fc-list", family, "family"], capture_output=True, text=True,
                               timeout=30).stdout  # fmt: skip
    except FileNotFoundError:
        found = ""
    if family.lower() in found.lower():
        return
    message = f"needs the font {family} (apt-get install {package})"
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


# The smallest PDF that every upload check accepts: one blank A4 page, readable by any PDF reader.
ONE_PAGE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_bytes(pages: int = 1, *, password: str | None = None) -> bytes:
    """A real PDF of `pages` blank A4 pages (pikepdf); with a `password` it is encrypted, and
    opens with that password (with "", it opens without one but is still encrypted)."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    encryption = False
    if password is not None:
        encryption = pikepdf.Encryption(owner="pemilik", user=password)
    pdf.save(out, encryption=encryption)
    return out.getvalue()


def embedded_fonts(data: bytes) -> set[str]:
    """The names of the fonts embedded in a PDF, without the subset prefix (ABCDEF+), spaces or
    hyphens: "LiberationSans", "LiberationSansBold" whoever wrote the PDF."""
    import io

    import pikepdf

    names = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if (
                isinstance(obj, pikepdf.Dictionary)
                and obj.get("/Type") == pikepdf.Name.FontDescriptor
            ):
                if any(key in obj for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    name = str(obj.FontName)[1:].split("+", 1)[-1]
                    names.add(name.replace("-", "").replace(" ", ""))
    return names
