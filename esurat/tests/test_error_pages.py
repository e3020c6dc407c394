import uuid

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_explains_a_missing_letter_in_plain_words(client, city):
    client.force_login(city.users["staf.pupr"])
    response = client.get(f"/letters/{uuid.uuid4()}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "not addressed to you" in page and "/letters/inbox/" in page


@pytest.mark.django_db
def test_it_shows_a_self_contained_page_on_a_server_error(settings, city):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("boom/", boom)]})
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Tidak ada data yang hilang" in response.content.decode()
