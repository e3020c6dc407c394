import pytest

pytestmark = pytest.mark.indonesian


@pytest.mark.django_db
def test_it_speaks_indonesian_whatever_the_browser_asks(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    page = response.content.decode()
    assert '<html lang="id">' in page
    assert "NIP atau nama pengguna" in page  # our catalogue is compiled and used


@pytest.mark.django_db
def test_it_switches_to_english_when_chosen(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "en"
