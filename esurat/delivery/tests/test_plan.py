"""Sending a letter enters its outside recipients in the dispatch book, in the same transaction."""

import pytest

from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.delivery.tests.conftest import external_party, letter_to_outside
from esurat.letters.actions import ActionRefused
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.signing.tests.conftest import sign

pytestmark = pytest.mark.django_db


def test_it_plans_an_email_for_an_outside_party_with_an_address(city, authority):
    letter = sign(city, letter_to_outside(city))
    row = Dispatch.objects.get(letter=letter)
    assert letter.state == Letter.State.SENT
    assert (row.method, row.state, row.email) == ("email", "queued", "tu@kemendagri.go.id")
    assert row.recipient_name == "Kementerian Dalam Negeri" and row.kind == "to"
    assert row.agency == city.agencies["Diskominfo"] and row.book_seq == 1
    event = AuditEvent.objects.get(action="delivery.planned", letter=letter)
    assert event.data == {"email": 1, "print": 0}


def test_it_marks_for_print_an_agency_not_onboarded_and_a_party_without_address(city):
    pupr = city.agencies["Dinas PUPR"]
    pupr.is_onboarded, pupr.email = False, ""
    pupr.save()
    party = external_party(city, name="PT Jalan Raya", email="")
    to = [{"kind": "to", "target": "agency", "agency": pupr},
          {"kind": "to", "target": "external", "external": party}]  # fmt: skip
    letter = send_through(city, draft_nota_dinas(city, to=to))
    rows = {d.recipient_name: d for d in Dispatch.objects.filter(letter=letter)}
    assert set(rows) == {"Dinas Pekerjaan Umum dan Penataan Ruang", "PT Jalan Raya"}
    assert all(d.method == "print" and d.state == "to_print" for d in rows.values())
    assert sorted(d.book_seq for d in rows.values()) == [1, 2]
    # The agency still gets the letter in e-Surat too, for the day it is onboarded.
    assert letter.inbox_entries.filter(position__agency=pupr).exists()


def test_it_never_emails_a_secret_letter(city, authority):
    letter = sign(city, letter_to_outside(city, security="R"))
    row = Dispatch.objects.get(letter=letter)
    assert (row.method, row.state, row.email) == ("print", "to_print", "")


def test_it_plans_nothing_for_recipients_inside_the_system(city):
    letter = send_through(city, draft_nota_dinas(city))
    assert not Dispatch.objects.filter(letter=letter).exists()
    assert not AuditEvent.objects.filter(action="delivery.planned").exists()


def test_it_plans_nothing_when_the_signing_fails(city, authority):
    sign(city, letter_to_outside(city))  # the signatory's key now exists
    letter = letter_to_outside(city, party=external_party(city, name="Ombudsman RI"))
    with pytest.raises(ActionRefused):
        sign(city, letter, secret="kunci-yang-salah")
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and not letter.number
    assert not Dispatch.objects.filter(letter=letter).exists()
