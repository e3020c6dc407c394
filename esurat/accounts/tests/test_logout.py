import pytest
from django.conf import settings

LOGOUT = "/accounts/logout/"


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English msgids; the Indonesian catalogue is tested elsewhere."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.django_db
def test_it_logs_out_on_post(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/letters/inbox/").status_code == 302


@pytest.mark.django_db
def test_it_refuses_get(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.get(LOGOUT)
    assert response.status_code == 405
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_it_sends_an_anonymous_user_to_the_login_page(client):
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_offers_logout_as_a_form_in_the_menu(client, city):
    client.force_login(city.users["staf.aptika"])
    body = client.get("/letters/inbox/").content.decode()
    assert f'<form method="post" action="{LOGOUT}"' in body
