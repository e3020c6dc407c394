"""The client's address behind a reverse proxy (esurat/lib/client.py): trusted only as far as
the configured proxies go, so the rate limit and the audit trail see the real client."""

import pytest
from django.urls import reverse

from esurat.lib.client import forwarded_client


def test_it_ignores_the_header_without_a_trusted_proxy():
    assert forwarded_client({"HTTP_X_FORWARDED_FOR": "6.6.6.6"}, 0) is None


def test_it_takes_the_address_the_trusted_proxy_appended():
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw, 203.0.113.7.
    meta = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}
    assert forwarded_client(meta, 1) == "203.0.113.7"
    assert forwarded_client(meta, 2) == "6.6.6.6"
    assert forwarded_client({"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, 2) is None
    assert forwarded_client({}, 1) is None


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_verification_limit(client, settings, city,
                                                                    monkeypatch):  # fmt: skip
    """Through one proxy address, two clients: one exhausting the limit does not lock out the
    other (without the middleware every visitor would share the proxy's address)."""
    from esurat.signing import views

    monkeypatch.setattr(views, "_clock", lambda: 1_800_000_000.0)  # one window for the test
    from esurat.letters.tests.factories import draft_nota_dinas, send_through

    settings.TRUSTED_PROXIES = 1
    url = reverse(
        "signing:verify", kwargs={"code": send_through(city, draft_nota_dinas(city)).code}
    )
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    statuses = [
        client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code for _ in range(40)
    ]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200
    # A client cannot escape its limit by writing its own header in front of the proxy's.
    forged = client.get(url, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1", **proxy)
    assert forged.status_code == 429


@pytest.mark.django_db
def test_the_rate_limit_counter_is_shared_between_web_processes(client, city):
    """Counted in the database cache: another process (a second cache object on the same table)
    sees the same count, so N gunicorn workers do not allow N times the limit."""
    from django.core.cache.backends.db import DatabaseCache

    from esurat.letters.tests.factories import draft_nota_dinas, send_through

    url = reverse(
        "signing:verify", kwargs={"code": send_through(city, draft_nota_dinas(city)).code}
    )
    for _ in range(3):
        client.get(url, REMOTE_ADDR="198.51.100.9")
    from esurat.signing.views import _window, rate_key

    other_process = DatabaseCache("esurat_cache", {})
    assert other_process.get(rate_key("GET", "198.51.100.9", _window())) == 3
