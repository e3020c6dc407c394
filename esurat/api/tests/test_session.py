import pytest
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from esurat.api.tests.helpers import API
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas


@pytest.fixture
def browser(city):
    """A logged-in browser that enforces CSRF like a real one."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.users["staf.aptika"])
    return client


@pytest.mark.django_db
def test_it_accepts_the_session_for_reads(browser):
    response = browser.get(f"{API}/me")
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "staf.aptika"


@pytest.mark.django_db
def test_it_refuses_unsafe_methods_without_the_csrf_token(browser, city):
    letter = draft_nota_dinas(city)
    response = browser.post(f"{API}/letters/{letter.code}/submit")
    assert response.status_code == 403
    assert response.json()["detail"]
    letter.refresh_from_db()
    assert letter.state == Letter.State.DRAFT


@pytest.mark.django_db
def test_it_accepts_unsafe_methods_with_the_csrf_token(browser, city):
    letter = draft_nota_dinas(city)
    secret = get_random_string(32)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = browser.post(f"{API}/letters/{letter.code}/submit", headers={"X-CSRFToken": secret})
    assert response.status_code == 200
    assert response.json()["state"] == "in_review"
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW
    assert letter.events.filter(action="letter.submitted").count() == 1


@pytest.mark.django_db
def test_it_answers_401_not_403_to_an_anonymous_unsafe_request(city):
    client = Client(enforce_csrf_checks=True)
    letter = draft_nota_dinas(city)
    assert client.post(f"{API}/letters/{letter.code}/submit").status_code == 401


@pytest.mark.django_db
def test_it_needs_no_csrf_token_with_a_bearer_token(city):
    from esurat.api.tests.helpers import caller

    client = Client(enforce_csrf_checks=True)
    letter = draft_nota_dinas(city)
    response = caller(client, city, "staf.aptika").post(f"/letters/{letter.code}/submit")
    assert response.status_code == 200
