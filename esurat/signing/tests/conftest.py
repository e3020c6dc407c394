"""Fixtures for the local PAdES provider: a CA for the demo city and letters signed through it."""

import pytest
from django.core.management import call_command

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas

CA_PASSPHRASE = "rahasia-pemda-ca"
PASSPHRASE = "kunci-tte-kadis"


@pytest.fixture
def local_signing(settings, monkeypatch, tmp_path):
    settings.SIGNING_PROVIDER = "local"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://esurat.banuaraya.go.id"
    monkeypatch.setenv("ESURAT_CA_PASSPHRASE", CA_PASSPHRASE)


@pytest.fixture
def authority(city, local_signing):
    call_command("create_ca", government=city.government.short_name, stdout=open("/dev/null", "w"))
    return city.government.certificate_authority


def to_signature(city, letter, *, reviewers=("kabid.aptika",), drafter="staf.aptika"):
    """Submit and approve a draft: it then waits for the signatory."""
    user = city.users[drafter]
    letter = actions.do_submit(letter=letter, seat=seat_for_action(user, letter, Action.SUBMIT),
                               user=user)  # fmt: skip
    for name in reviewers:
        u = city.users[name]
        letter = actions.do_review(letter=letter, seat=seat_for_action(u, letter, Action.REVIEW),
                                   user=u, approve=True)  # fmt: skip
    return letter


def sign(city, letter, *, signer="kadis.kominfo", secret=PASSPHRASE):
    u = city.users[signer]
    return actions.do_sign(letter=letter, seat=seat_for_action(u, letter, Action.SIGN), user=u,
                           password="pw", secret=secret)  # fmt: skip


@pytest.fixture
def signed_letter(city, authority):
    letter = to_signature(city, draft_nota_dinas(city))
    return sign(city, letter)
