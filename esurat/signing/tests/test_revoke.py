"""Correction (ralat): the signatory revokes a sent letter; recipients are told everywhere."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.letters.models import ExternalParty, Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.models import Assignment
from esurat.signing.tests.conftest import to_signature

pytestmark = pytest.mark.django_db


def _revoke(client, city, letter, user="kadis.kominfo", reason="Salah tanggal rapat",
            supersede=False):  # fmt: skip
    client.force_login(city.users[user])
    data = {"reason": reason, **({"supersede": "on"} if supersede else {})}
    return client.post(reverse("letters:revoke", kwargs={"code": letter.code}), data)


def test_it_revokes_a_sent_letter_and_keeps_it_in_every_inbox(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    inboxes = letter.inbox_entries.count()
    client.force_login(city.users["kadis.kominfo"])
    url = reverse("letters:revoke", kwargs={"code": letter.code})
    assert client.get(url).status_code == 200
    response = _revoke(client, city, letter)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.REVOKED and letter.revoked_at
    assert letter.revoke_reason == "Salah tanggal rapat" and letter.number
    assert letter.inbox_entries.count() == inboxes
    event = AuditEvent.objects.get(action="letter.revoked", letter=letter)
    assert (
        event.actor == city.users["kadis.kominfo"] and event.data["reason"] == letter.revoke_reason
    )
    # The recipient's letter page and inbox say so.
    client.force_login(city.users["kadis.pupr"])
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert "data-revoked" in body and "Salah tanggal rapat" in body
    inbox = client.get(reverse("letters:inbox")).content.decode()
    assert 'data-badge="revoked"' in inbox
    # The registry clerks of both agencies still find it.
    for clerk in ("agendaris.kominfo", "agendaris.pupr"):
        client.force_login(city.users[clerk])
        assert (
            client.get(reverse("letters:detail", kwargs={"code": letter.code})).status_code == 200
        )


def test_it_lets_only_the_signatory_or_its_acting_official_revoke(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    for name in ("staf.aptika", "kabid.aptika", "sekdis.kominfo", "kadis.pupr"):
        response = _revoke(client, city, letter, user=name)
        assert response.status_code == 302, name
        letter.refresh_from_db()
        assert letter.state == Letter.State.SENT, name
    kadis = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    Assignment.objects.create(position=kadis, user=city.users["kabid.aptika"],
                              kind=Assignment.Kind.PLT)  # fmt: skip
    assert _revoke(client, city, letter, user="kabid.aptika").status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.REVOKED
    event = AuditEvent.objects.get(action="letter.revoked")
    assert event.acting_as == "plt" and event.actor == city.users["kabid.aptika"]


def test_it_refuses_a_revocation_without_reason_or_of_an_unsent_letter(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    response = _revoke(client, city, letter, reason="   ")
    assert response.status_code == 200
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT
    waiting = to_signature(city, draft_nota_dinas(city))
    assert _revoke(client, city, waiting).status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == Letter.State.AWAITING_SIGNATURE
    assert not AuditEvent.objects.filter(action="letter.revoked").exists()


def test_it_refuses_outsiders_anonymous_users_and_wrong_methods(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    url = reverse("letters:revoke", kwargs={"code": letter.code})
    assert client.get(url).status_code == 302
    client.force_login(city.users["staf.pupr"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(city.users["kadis.kominfo"])
    assert client.put(url).status_code == 405
    supersede = reverse("letters:supersede", kwargs={"code": letter.code})
    assert client.get(supersede).status_code == 405


def test_it_tells_outside_recipients_by_email_that_the_letter_is_revoked(client, city):
    party = ExternalParty.objects.create(
        government=city.government,
        name="Kemendagri",
        match_key="kemendagri",
        email="tu@kemendagri.go.id",
    )
    to = [{"kind": "to", "target": "external", "external": party}]
    letter = send_through(city, draft_nota_dinas(city, to=to))
    from esurat.delivery.mail import deliver

    copy = Dispatch.objects.get(letter=letter, purpose="letter")
    assert deliver(str(copy.code)) == "sent"  # the worker e-mailed the letter
    _revoke(client, city, letter)
    notice = Dispatch.objects.get(letter=letter, purpose="revocation")
    assert (notice.method, notice.state, notice.email) == ("email", "queued", party.email)


def test_it_shows_the_revocation_and_the_correction_on_the_verification_page(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    _revoke(client, city, letter, supersede=True)
    letter.refresh_from_db()
    verify = reverse("signing:verify", kwargs={"code": letter.code})
    client.logout()
    body = client.get(verify).content.decode()
    assert 'data-status="revoked"' in body and "Salah tanggal rapat" in body
    assert "data-superseded-by" not in body  # the correction is still a draft
    correction = letter.superseded_by
    send_through(city, correction, drafter="kadis.kominfo")  # the signatory drafted it
    correction.refresh_from_db()
    body = client.get(verify).content.decode()
    assert "data-superseded-by" in body and correction.number in body
    assert reverse("signing:verify", kwargs={"code": correction.code}) in body


def test_it_says_only_revoked_for_a_secret_letter(client, city):
    letter = send_through(city, draft_nota_dinas(city, security="R"))
    _revoke(client, city, letter, reason="Rahasia: alasan")
    client.logout()
    body = client.get(reverse("signing:verify", kwargs={"code": letter.code})).content.decode()
    assert 'data-status="revoked"' in body and "Rahasia: alasan" not in body
    assert letter.subject not in body
