"""The letter editor (Trix: 200 KB of JavaScript, 20 KB of CSS) is loaded only by the pages that
edit a letter (issue 9, item 24): a phone opening the inbox or reading a letter does not pay for
it. Letters are still read with the editor's typography (.trix-content, in _letter_style.html)."""

import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through

pytestmark = pytest.mark.django_db
EDITOR_CSS = "vendor/trix/trix.css"
EDITOR_JS = "vendor/trix/trix.umd.min.js"


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_it_loads_the_editor_on_the_pages_that_edit_a_letter(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    for url in (reverse("letters:new"), reverse("letters:edit", args=[letter.code])):
        page = _page(client, url)
        assert EDITOR_CSS in page and EDITOR_JS in page and "<trix-editor" in page, url


def test_it_does_not_load_the_editor_on_the_inbox_and_the_lists(client, city):
    client.force_login(city.users["kadis.kominfo"])
    for name in ("letters:inbox", "letters:outbox", "letters:drafts", "letters:needs_action"):
        page = _page(client, reverse(name))
        assert "vendor/trix/" not in page, name


def test_it_shows_a_letter_without_the_editor_but_with_its_typography(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["kadis.pupr"])
    page = _page(client, reverse("letters:detail", args=[letter.code]))
    assert "vendor/trix/" not in page
    assert 'class="letter-body trix-content"' in page and ".trix-content blockquote" in page
