"""The manifest, the service worker and the offline page: what makes e-Surat installable."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image


def test_it_serves_the_manifest(client):
    response = client.get(reverse("pwa:manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "e-Surat" and manifest["lang"] == "id"
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/letters/inbox/"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        width, height = (int(n) for n in icon["sizes"].split("x"))
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (width, height)


def test_it_serves_the_service_worker_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/pwa/offline/"' in body and "/static/js/pwa.js" in body
    assert "const MAX_LETTERS = 50;" in body
    version = re.search(r'const VERSION = "([0-9a-f]{12})";', body)
    assert version, "the release name is the hash of the worker"
    patterns = json.loads(re.search(r"const LETTER_PATTERNS = (\[.*?\])\.map", body).group(1))
    assert any(re.match(p, "/letters/3f2a4b5c-0000-4000-8000-000000000001/") for p in patterns)
    assert any(re.match(p, "/dispositions/letter/3f2a4b5c-0000-4000-8000-000000000001/dispose/")
               for p in patterns)  # fmt: skip
    assert not any(re.match(p, "/letters/3f2a4b5c-0000-4000-8000-000000000001/pdf/")
                   for p in patterns)  # fmt: skip


@pytest.mark.indonesian
@pytest.mark.django_db
def test_it_shows_the_offline_page_in_indonesian_to_anyone(client):
    response = client.get(reverse("pwa:offline"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tidak ada sambungan" in body and 'id="esurat-offline"' in body


@pytest.mark.django_db
def test_it_links_the_manifest_and_the_worker_from_every_page(client, city):
    client.force_login(city.users["kadis.pupr"])
    body = client.get(reverse("letters:inbox")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert 'data-sw="/sw.js"' in body and "js/pwa.js" in body
    assert f'data-user="{city.users["kadis.pupr"].code}"' in body


@pytest.mark.django_db
def test_it_names_no_user_on_a_page_for_nobody(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'data-user=""' in body


@pytest.mark.parametrize("name", ["pwa:manifest", "pwa:service_worker", "pwa:offline"])
@pytest.mark.django_db
def test_it_refuses_post(client, name):
    assert client.post(reverse(name)).status_code == 405
