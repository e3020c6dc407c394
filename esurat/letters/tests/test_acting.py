"""Acting officials (Plt/Plh) and delegates: they act for the position, and the record says so."""

import datetime

import pytest
from django.utils import timezone

from esurat.audit.models import AuditEvent
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import InboxEntry
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.access import seats_of
from esurat.organisations.models import Assignment
from esurat.signing.models import Signature


def _fresh(user):
    user.__dict__.pop("_seats_cache", None)
    return user


@pytest.mark.django_db
def test_it_lets_a_plt_sign_with_the_qualifier_and_records_it(city):
    kadis_pos = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    sekda = city.users["sekda"]
    Assignment.objects.create(position=kadis_pos, user=sekda, kind="plt")
    letter = draft_nota_dinas(city)
    letter = send_through(city, letter, signer="sekda")
    signature = Signature.objects.get(letter=letter)
    assert signature.user == sekda and signature.acting_as == "plt"
    assert signature.qualifier == "Plt."
    event = AuditEvent.objects.get(letter=letter, action="letter.signed")
    assert event.actor == sekda and event.acting_for == kadis_pos and event.acting_as == "plt"


@pytest.mark.django_db
def test_it_records_who_read_for_whom(city):
    pupr_head = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    plh = city.users["staf.pupr"]
    Assignment.objects.create(position=pupr_head, user=plh, kind="plh")
    letter = send_through(city, draft_nota_dinas(city))
    seats = seats_of(_fresh(plh))
    entries = actions.do_mark_read(letter=letter, user=plh, seats=seats)
    assert [e.position for e in entries] == [pupr_head]
    entry = InboxEntry.objects.get(letter=letter, position=pupr_head)
    assert entry.read_by == plh and entry.read_as == "plh"
    # The first open counts; a later open by the holder changes nothing.
    holder = city.users["kadis.pupr"]
    assert actions.do_mark_read(letter=letter, user=holder, seats=seats_of(holder)) == []
    entry.refresh_from_db()
    assert entry.read_by == plh


@pytest.mark.django_db
def test_it_ends_acting_rights_when_the_assignment_ends(city):
    kadis_pos = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    sekda = city.users["sekda"]
    now = timezone.now()
    Assignment.objects.create(position=kadis_pos, user=sekda, kind="plh",
                              starts_at=now - datetime.timedelta(days=3),
                              ends_at=now - datetime.timedelta(days=1))  # fmt: skip
    letter = draft_nota_dinas(city)
    staff = city.users["staf.aptika"]
    letter = actions.do_submit(letter=letter, seat=seats_of(staff)[0], user=staff)
    kabid = city.users["kabid.aptika"]
    letter = actions.do_review(letter=letter, seat=seats_of(kabid)[0], user=kabid, approve=True)
    assert seat_for_action(_fresh(sekda), letter, Action.SIGN) is None


@pytest.mark.django_db
def test_it_never_lets_a_delegate_sign(city):
    letter = draft_nota_dinas(city)
    staff = city.users["staf.aptika"]
    letter = actions.do_submit(letter=letter, seat=seats_of(staff)[0], user=staff)
    kabid = city.users["kabid.aptika"]
    letter = actions.do_review(letter=letter, seat=seats_of(kabid)[0], user=kabid, approve=True)
    delegate = city.users["sekdis.kominfo"]
    assert seat_for_action(delegate, letter, Action.SIGN) is None
    delegate_seat = next(s for s in seats_of(delegate) if s.is_delegate)
    with pytest.raises(actions.ActionRefused):
        actions.do_sign(letter=letter, seat=delegate_seat, user=delegate, password="pw")
    letter.refresh_from_db()
    assert letter.state == "awaiting_signature" and letter.number == ""
