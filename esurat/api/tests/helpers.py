"""Calling the API as a persona of the demo city, with a personal token like a real client."""

from esurat.api.actions import do_issue_api_token
from esurat.tests.tools import ONE_PAGE_PDF

API = "/api/v1"


class Caller:
    """A persona's API client: every request carries their Bearer token."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **params):
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(API + path, data or {}, content_type="application/json",
                                headers=self.headers)  # fmt: skip

    def patch(self, path, data):
        return self.client.patch(API + path, data, content_type="application/json",
                                 headers=self.headers)  # fmt: skip

    def delete(self, path):
        return self.client.delete(API + path, headers=self.headers)

    def upload(self, path, name, content, content_type="application/pdf"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(name, content, content_type=content_type)
        return self.client.post(API + path, {"file": upload}, headers=self.headers)


def caller(client, city, username) -> Caller:
    """A caller whose token was issued directly (tests of other endpoints than auth)."""
    token, _row = do_issue_api_token(user=city.users[username], name="test")
    return Caller(client, token)


def login(client, username, password="pw") -> Caller:
    """A caller who obtained their token from POST /auth/token, as a real client does."""
    response = client.post(f"{API}/auth/token", {"username": username, "password": password},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    return Caller(client, response.json()["token"])


PDF = ONE_PAGE_PDF

__all__ = ["API", "Caller", "PDF", "caller", "login"]
