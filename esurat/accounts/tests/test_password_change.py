import pytest
from django.conf import settings

URL = "/accounts/password/"


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English msgids; the Indonesian catalogue is tested elsewhere."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.django_db
def test_it_changes_the_password_and_keeps_the_session(client, city):
    user = city.users["staf.aptika"]
    client.force_login(user)
    response = client.post(URL, {"old_password": "pw", "new_password1": "Kopi-Susu-Pagi-77",
                                 "new_password2": "Kopi-Susu-Pagi-77"})  # fmt: skip
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kopi-Susu-Pagi-77")
    # Still logged in on this device.
    response = client.get("/letters/inbox/")
    assert response.status_code == 200
    assert "Your password has been changed." in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_wrong_old_password(client, city):
    user = city.users["staf.aptika"]
    client.force_login(user)
    response = client.post(URL, {"old_password": "nope", "new_password1": "Kopi-Susu-Pagi-77",
                                 "new_password2": "Kopi-Susu-Pagi-77"})  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password("pw")


@pytest.mark.django_db
def test_it_refuses_a_weak_new_password(client, city):
    user = city.users["staf.aptika"]
    client.force_login(user)
    response = client.post(URL, {"old_password": "pw", "new_password1": "12345678",
                                 "new_password2": "12345678"})  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password("pw")


@pytest.mark.django_db
def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/password/")
