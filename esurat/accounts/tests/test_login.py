import pytest
from django.conf import settings
from django.urls import reverse

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English msgids; the Indonesian catalogue is tested elsewhere."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.django_db
def test_it_shows_the_login_form_with_labels(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<label class="form-label fw-semibold" for="id_username">' in body
    assert '<label class="form-label fw-semibold" for="id_password">' in body


@pytest.mark.django_db
def test_it_logs_in_with_the_username(client, city):
    response = client.post(LOGIN, {"username": "kadis.kominfo", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:inbox")
    assert int(client.session["_auth_user_id"]) == city.users["kadis.kominfo"].pk


@pytest.mark.django_db
def test_it_logs_in_with_the_nip(client, city):
    response = client.post(LOGIN, {"username": "197505122000032003", "password": "pw"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == city.users["kadis.kominfo"].pk


@pytest.mark.django_db
def test_it_goes_to_the_page_asked_for_after_login(client, city):
    response = client.post(
        LOGIN + "?next=/letters/drafts/",
        {"username": "staf.aptika", "password": "pw", "next": "/letters/drafts/"},
    )
    assert response["Location"] == "/letters/drafts/"


@pytest.mark.django_db
def test_it_says_clearly_when_the_password_is_wrong(client, city):
    response = client.post(LOGIN, {"username": "kadis.kominfo", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"] == ["The NIP/username or password is wrong."]
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_an_inactive_account(client, city):
    user = city.users["staf.aptika"]
    user.is_active = False
    user.save()
    response = client.post(LOGIN, {"username": "staf.aptika", "password": "pw"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_it_locks_the_account_after_five_failures(client, city, settings):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    for _ in range(4):
        response = client.post(LOGIN, {"username": "kabid.aptika", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"username": "kabid.aptika", "password": "wrong"})
    assert response.status_code == 429
    assert "accounts/locked.html" in [t.name for t in response.templates]
    assert "Too many failed attempts" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(LOGIN, {"username": "kabid.aptika", "password": "pw"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="kabid.aptika").failures_since_start >= 5
    # Another account from the same address is not affected.
    response = client.post(LOGIN, {"username": "staf.aptika", "password": "pw"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_sends_a_logged_in_user_to_the_inbox(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:inbox")
