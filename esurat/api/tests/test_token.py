import datetime

import pytest
from django.utils import timezone

from esurat.accounts.models import ApiToken
from esurat.api.tests.helpers import API, Caller, login
from esurat.audit.models import AuditEvent


def _issue(client, username, password="pw"):
    return client.post(f"{API}/auth/token", {"username": username, "password": password},
                       content_type="application/json")  # fmt: skip


@pytest.mark.django_db
def test_it_issues_a_token_and_stores_only_its_hash(client, city):
    response = _issue(client, "staf.aptika")
    assert response.status_code == 201
    token = response.json()["token"]
    row = ApiToken.objects.get(user=city.users["staf.aptika"])
    assert row.key_hash == ApiToken.hash(token) and token not in row.key_hash
    assert str(row.code) == response.json()["code"] and row.revoked_at is None
    event = AuditEvent.objects.get(action="api_token.issued")
    assert event.actor == city.users["staf.aptika"] and event.data["token"] == str(row.code)
    assert token not in str(event.data)


@pytest.mark.django_db
def test_it_accepts_the_nip_as_username(client, city):
    response = _issue(client, city.users["kabid.aptika"].nip)
    assert response.status_code == 201
    assert ApiToken.objects.get().user == city.users["kabid.aptika"]


@pytest.mark.django_db
def test_it_refuses_wrong_credentials_with_401(client, city):
    response = _issue(client, "staf.aptika", "wrong")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert _issue(client, "nobody", "pw").status_code == 401
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_deactivated_user(client, city):
    user = city.users["staf.aptika"]
    user.is_active = False
    user.save()
    assert _issue(client, "staf.aptika").status_code == 401


@pytest.mark.django_db
def test_it_refuses_malformed_requests_with_422(client, city):
    response = client.post(f"{API}/auth/token", {"username": "staf.aptika"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422


@pytest.mark.django_db
def test_it_locks_out_after_too_many_failures(client, city, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert _issue(client, "staf.aptika", "wrong").status_code == 401
    response = _issue(client, "staf.aptika", "wrong")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    # Locked out: even the right password gets no token until the cool-off ends.
    response = _issue(client, "staf.aptika", "pw")
    assert response.status_code == 429 and response.json()["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_it_authenticates_requests_with_the_bearer_token(client, city):
    caller = login(client, "staf.aptika")
    response = caller.get("/me")
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "staf.aptika"
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_it_refuses_an_unknown_token_with_401(client, city):
    response = Caller(client, "es_not-a-token").get("/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert client.get(f"{API}/me").status_code == 401


@pytest.mark.django_db
def test_it_notes_the_last_use_at_most_once_a_minute(client, city):
    caller = login(client, "staf.aptika")
    caller.get("/me")
    first = ApiToken.objects.get().last_used_at
    caller.get("/me")
    assert ApiToken.objects.get().last_used_at == first
    earlier = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.update(last_used_at=earlier)
    caller.get("/me")
    assert ApiToken.objects.get().last_used_at > earlier


@pytest.mark.django_db
def test_it_revokes_the_current_token(client, city):
    caller = login(client, "staf.aptika")
    other = login(client, "staf.aptika")
    response = caller.delete("/auth/token")
    assert response.status_code == 204
    assert ApiToken.objects.get(key_hash=ApiToken.hash(caller.token)).revoked_at is not None
    assert caller.get("/me").status_code == 401
    assert caller.delete("/auth/token").status_code == 401
    assert other.get("/me").status_code == 200
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_token_whose_owner_was_deactivated(client, city):
    caller = login(client, "staf.aptika")
    city.users["staf.aptika"].is_active = False
    city.users["staf.aptika"].save()
    assert caller.get("/me").status_code == 401


@pytest.mark.django_db
def test_it_revokes_only_with_a_token_not_a_session(client, city):
    client.force_login(city.users["staf.aptika"])
    assert client.delete(f"{API}/auth/token").status_code == 401
