"""The letter is set in Liberation Sans (metric-compatible with Arial, Debian fonts-liberation),
which the deploy guide installs: embedded in the PDF, never a substitute picked by chance."""

import re

import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas
from esurat.tests.tools import embedded_fonts, require_font

pytestmark = pytest.mark.django_db


def test_it_embeds_liberation_sans_in_the_letter(client, city):
    require_font("Liberation Sans", "fonts-liberation")
    letter = draft_nota_dinas(city, subject="Rapat evaluasi jaringan")
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:preview", kwargs={"code": letter.code}))
    assert response.status_code == 200
    fonts = embedded_fonts(response.content)
    assert "LiberationSans" in fonts and "LiberationSansBold" in fonts, fonts
    assert not [f for f in fonts if "DejaVu" in f], fonts


def test_every_pdf_stylesheet_asks_for_the_liberation_fonts_first():
    """Asking for Arial works only where fontconfig aliases it to Liberation Sans; a server with
    DejaVu alone would set the letter in DejaVu Sans, wider, and reflow every page."""
    from django.conf import settings

    templates = settings.BASE_DIR / "templates"
    files = [*(templates / "pdf").iterdir(), templates / "dispositions" / "sheet.html"]
    stacks = [
        (path.name, stack.strip())
        for path in files
        for stack in re.findall(r"font-family:\s*([^;}]+)", path.read_text())
    ]
    assert len(stacks) >= 3
    for name, stack in stacks:
        assert stack.split(",")[0].strip('" ') in ("Liberation Sans", "Liberation Mono"), name
