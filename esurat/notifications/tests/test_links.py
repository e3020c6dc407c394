"""One-tap links: signed, expiring, single-purpose; they open the item after login and never
log anyone in."""

import pytest
from django.core import signing

from esurat.notifications.links import SALT, one_tap_url

pytestmark = pytest.mark.django_db


def path_of(url):
    return url.removeprefix("http://testserver").removeprefix("http://127.0.0.1:8000")


def test_it_opens_the_item_after_login_and_never_logs_in(client, city, settings):
    settings.SITE_URL = "https://surat.banuaraya.go.id"
    user = city.users["kadis.pupr"]
    url = one_tap_url(user=user, path="/letters/inbox/", purpose="open")
    assert url.startswith("https://surat.banuaraya.go.id/notifications/o/")
    link = url.removeprefix("https://surat.banuaraya.go.id")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    client.force_login(user)
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/letters/inbox/"


def test_it_opens_nothing_for_someone_else(client, city):
    link = path_of(one_tap_url(user=city.users["kadis.pupr"], path="/letters/inbox/",
                               purpose="digest"))  # fmt: skip
    client.force_login(city.users["sekda"])
    assert client.get(link).status_code == 404


def test_it_opens_nothing_when_expired_or_forged(client, city, settings):
    user = city.users["kadis.pupr"]
    client.force_login(user)
    settings.ONE_TAP_MAX_AGE = -1
    assert client.get(path_of(one_tap_url(user=user, path="/", purpose="open"))).status_code == 404
    settings.ONE_TAP_MAX_AGE = 3600
    forged = signing.dumps({"u": str(user.code), "p": "/", "k": "open"}, salt="another")
    assert client.get(f"/notifications/o/{forged}/").status_code == 404
    # Signed right, but for a purpose that is not a one-tap link, or to another site.
    for data in ({"u": str(user.code), "p": "/", "k": "login"},
                 {"u": str(user.code), "p": "//evil.example/", "k": "open"}):  # fmt: skip
        token = signing.dumps(data, salt=SALT)
        assert client.get(f"/notifications/o/{token}/").status_code == 404


def test_it_refuses_to_make_a_link_outside_the_site(city):
    with pytest.raises(ValueError):
        one_tap_url(user=city.users["sekda"], path="https://evil.example/", purpose="open")
    with pytest.raises(ValueError):
        one_tap_url(user=city.users["sekda"], path="/", purpose="reset-password")
