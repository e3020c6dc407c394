"""Static files as a server serves them (issue 9, item 24): collected by `collectstatic` under
hashed names with gzip and brotli copies, served by WhiteNoise compressed and cached for a year;
pages linking the hashed names, and gzipped themselves.

The other tests link plain names (conftest.py): these collect the files once into a temporary
STATIC_ROOT, with the storage of esurat/settings.py, and look at them through the middleware.
"""

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest
from django.conf import settings as project_settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas

pytestmark = pytest.mark.django_db
SOURCE = Path(project_settings.BASE_DIR) / "static"
PRODUCTION_STORAGES = project_settings.STORAGES  # conftest.py overrides it for each test


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    ours = ["django.contrib.staticfiles.finders.FileSystemFinder"]  # static/, not the admin's
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES,
                           STATICFILES_FINDERS=ours):  # fmt: skip
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def served(settings, collected):
    """The collected files, with the production storage, as a server without DEBUG has them."""
    settings.STATIC_ROOT = collected
    settings.STORAGES = PRODUCTION_STORAGES
    settings.DEBUG = False
    return json.loads((collected / "staticfiles.json").read_text())["paths"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_collects_each_file_under_a_hashed_name_with_gzip_and_brotli_copies(served, collected):
    assert PRODUCTION_STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/htmx/htmx.min.js",
                 "vendor/trix/trix.umd.min.js", "css/esurat.css", "js/esurat.js"):  # fmt: skip
        hashed = served[name]
        assert re.fullmatch(re.escape(name.rsplit(".", 1)[0]) + r"\.[0-9a-f]{12}\.\w+", hashed)
        original = (SOURCE / name).read_bytes()
        assert (collected / hashed).read_bytes() == original
        assert gzip.decompress((collected / f"{hashed}.gz").read_bytes()) == original
        assert brotli.decompress((collected / f"{hashed}.br").read_bytes()) == original


def test_it_serves_a_hashed_file_compressed_and_cached_for_years(served):
    url = f"/static/{served['vendor/bootstrap/bootstrap.min.css']}"
    original = (SOURCE / "vendor/bootstrap/bootstrap.min.css").read_bytes()
    client = Client()

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "br"
    # WhiteNoise's "forever" (ten years); a new version of the file gets a new name.
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Accept-Encoding" in response["Vary"]
    body = _body(response)
    assert brotli.decompress(body) == original and len(body) < len(original) / 8

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(_body(response)) == original

    response = client.get(url)  # a client that accepts no compression gets the file itself
    assert not response.has_header("Content-Encoding") and _body(response) == original


def test_it_caches_a_plain_name_only_briefly(served):
    # A name without a hash may change content under the same URL: a minute, no `immutable`.
    response = Client().get("/static/css/esurat.css", HTTP_ACCEPT_ENCODING="br")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


def test_it_links_the_hashed_names_from_the_pages(served, city):
    client = Client()
    client.force_login(city.users["kadis.kominfo"])
    page = client.get(reverse("letters:inbox")).content.decode()
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js",
                 "vendor/htmx/htmx.min.js", "css/esurat.css", "js/esurat.js"):  # fmt: skip
        assert f'"/static/{served[name]}"' in page
        assert f'"/static/{name}"' not in page


def test_it_answers_health_and_error_pages_with_the_collected_files(served, city):
    assert Client().get("/healthz").json()["database"] == "ok"
    client = Client()
    client.force_login(city.users["staf.pupr"])
    response = client.get("/letters/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert f"/static/{served['css/esurat.css']}" in response.content.decode()


def test_it_gzips_pages_for_a_browser_that_accepts_it(client, city):
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(reverse("letters:inbox"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert reverse("letters:new") in page
    # Django pads each gzipped page with up to 100 random bytes (BREACH): a third was too tight.
    assert len(response.content) < len(page.encode()) / 2

    plain = client.get(reverse("letters:inbox"))  # no Accept-Encoding: the page as it is
    assert not plain.has_header("Content-Encoding")
    assert reverse("letters:new") in plain.content.decode()


def test_it_leaves_pdfs_as_they_are(client, city):
    # A PDF is compressed inside already: gzipping it would cost the server for a few bytes.
    letter = draft_nota_dinas(city, subject="Rapat evaluasi jaringan")
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:preview", kwargs={"code": letter.code}),
                          HTTP_ACCEPT_ENCODING="gzip")  # fmt: skip
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"%PDF-")
