"""`manage.py seed_demo`: the demo city with letters in every state, made by the real actions."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from esurat.accounts.models import User
from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.letters.access import can_view
from esurat.letters.models import InboxEntry, Letter, ReviewStep
from esurat.letters.selectors import inbox_filter
from esurat.organisations.demo import DEMO_PASSWORD, GOVERNMENT_NAME, MORE_PERSONAS, PERSONAS
from esurat.organisations.models import Government
from esurat.signing.models import Signature

ALL_PERSONAS = [*PERSONAS, *MORE_PERSONAS]


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo emblem is stored there
    seed()
    return Government.objects.get(name=GOVERNMENT_NAME)


def test_it_makes_letters_in_every_state(seeded):
    states = set(Letter.objects.values_list("state", flat=True))
    assert states == set(Letter.State.values)
    ok, broken = verify_chain(seeded)
    assert ok, f"audit chain broken at {broken}"
    assert seeded.logo.storage.exists(seeded.logo.name)  # the made-up emblem of the letterheads
    # Made by the actions: every letter has its audit events, every sent letter its number.
    assert not Letter.objects.annotate(n=Count("events")).filter(n=0).exists()
    sent = Letter.objects.filter(state=Letter.State.SENT, origin=Letter.Origin.DRAFTED)
    assert sent.count() >= 8
    assert not sent.filter(number="").exists()
    assert InboxEntry.objects.filter(read_at__isnull=True).exists()
    assert InboxEntry.objects.filter(read_at__isnull=False).exists()
    # One seeding is slow enough: the rules at work and the inboxes are checked on the same data.
    _check_rules_at_work()
    _check_every_inbox_in_use()


def _check_rules_at_work():
    users = {u.username: u for u in User.objects.all()}
    # A joint letter waits for its co-signatory, the Kadis PUPR, numbered already.
    from esurat.letters.selectors import to_sign

    joint = [x for x in to_sign(users["kadis.pupr"]) if x.signed_at is not None]
    assert len(joint) == 1 and joint[0].number and joint[0].state == "awaiting_signature"
    returned = Letter.objects.get(state=Letter.State.RETURNED)
    step = returned.review_steps.get(state=ReviewStep.State.RETURNED)
    assert step.note and step.acted_by == users["kabid.aptika"]
    secret = Letter.objects.get(security="R")
    assert can_view(users["walikota"], secret)
    assert not can_view(users["sekdis.kominfo"], secret)  # a delegate, not named
    assert not can_view(users["admin"], secret)
    plh = Signature.objects.get(acting_as="plh")
    assert plh.user == users["kabid.aptika"] and plh.qualifier == "Plh."
    assert AuditEvent.objects.filter(action="letter.signed", acting_as="plh").exists()
    assert Letter.objects.filter(recipients__target="agency_all").exists()
    assert Letter.objects.filter(recipients__target="government_all").exists()
    agencies = set(Letter.objects.values_list("agency__short_name", flat=True))
    assert {"Diskominfo", "Setda", "Dinas PUPR", "Dinkes", "Bappeda"} <= agencies
    assert Disposition.objects.filter(state=Disposition.State.PREPARED).exists()
    assert Disposition.objects.filter(state=Disposition.State.READ).exists()


def _check_every_inbox_in_use():
    empty = [
        username
        for username in ALL_PERSONAS
        if username != "admin"  # the IT administrator holds no position
        and not InboxEntry.objects.filter(inbox_filter(User.objects.get(username=username)))
    ]
    assert empty == []


def test_it_lets_every_persona_log_in_with_the_demo_password(seeded, client):
    for username in ALL_PERSONAS:
        client.logout()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert response["Location"] == "/letters/inbox/"
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
    response = client.get("/letters/inbox/")
    assert response.status_code == 200


def test_it_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert not Government.objects.exists()
    assert not User.objects.exists()


def test_it_runs_when_forced_and_does_nothing_the_second_time(db, settings, tmp_path):
    settings.DEBUG, settings.MEDIA_ROOT = False, tmp_path / "media"
    assert "Created" in seed("--force")
    counts = (Letter.objects.count(), User.objects.count(), AuditEvent.objects.count())
    assert counts[0] > 0
    assert "exists already" in seed("--force")
    assert (Letter.objects.count(), User.objects.count(), AuditEvent.objects.count()) == counts
    assert Government.objects.filter(name=GOVERNMENT_NAME).count() == 1


def test_with_the_default_provider_the_demo_letters_are_signed_pdfs(db, settings, monkeypatch,
                                                                  tmp_path):  # fmt: skip
    """`make run` signs with `local`: seed_demo creates the city's CA and every signed demo letter
    has a PAdES PDF that validates against it (the signatories' passphrase is the demo password)."""
    from esurat.signing import ca, pades
    from esurat.signing.models import SignedDocument

    settings.DEBUG, settings.SIGNING_PROVIDER = True, "local"
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("ESURAT_CA_PASSPHRASE", "demo-ca-test")
    out = seed()
    assert f"signing passphrase of the demo signatories: {DEMO_PASSWORD}" in out
    government = Government.objects.get(name=GOVERNMENT_NAME)
    root = ca.load_certificate(government.certificate_authority.certificate_pem)
    signed = Letter.objects.exclude(signed_at=None).filter(origin=Letter.Origin.DRAFTED)
    assert signed.exists()
    for letter in signed:
        document = SignedDocument.objects.filter(letter=letter).first()
        assert document is not None, letter
        check = pades.validate_pdf(document.file.read(), trust_roots=[root])
        assert check.ok, letter
    user = User.objects.get(username="kadis.kominfo")
    assert ca.unlock_key(ca.current_certificate(user), DEMO_PASSWORD) is not None


def test_the_default_signing_provider_is_local():
    """A fresh deployment signs PAdES with its own CA unless configured otherwise."""
    from esurat.tests.tools import fresh_python

    code = "import django; django.setup(); from django.conf import settings; " \
           "print(settings.SIGNING_PROVIDER)"  # fmt: skip
    out = fresh_python(code, without=("SIGNING_PROVIDER", "DEBUG"))
    assert out.strip() == "local"
