"""The do_* actions that create work for someone tell them: in-app rows per person, after the
commit only, once per event, acting officials and delegates labelled."""

import datetime

import pytest
from django.utils import timezone

from esurat.dispositions.actions import do_dispose, do_report_follow_up
from esurat.dispositions.models import Instruction
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications.dispatch import notify
from esurat.notifications.models import Notification
from esurat.organisations.access import seats_of
from esurat.organisations.models import Assignment

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def inapp(user, kind=None):
    rows = Notification.objects.filter(user=user, channel="inapp")
    return list(rows.filter(kind=kind) if kind else rows)


def test_it_tells_the_reviewer_the_signatory_and_the_addressees(
    city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = send_through(city, draft_nota_dinas(city))
    to_review = inapp(city.users["kabid.aptika"], Kind.TO_REVIEW)
    assert [n.title for n in to_review] == ["Draft to paraf: Undangan rapat koordinasi"]
    assert to_review[0].url == f"/letters/{letter.code}/"
    assert len(inapp(city.users["kadis.kominfo"], Kind.TO_SIGN)) == 1
    (to,) = inapp(city.users["kadis.pupr"], Kind.INBOX_TO)
    assert to.title == "New letter: Undangan rapat koordinasi" and to.letter_id == letter.pk
    assert to.acting_label == "" and to.state == "sent"
    (cc,) = inapp(city.users["sekda"], Kind.INBOX_CC)
    assert cc.title == "Copy of a letter: Undangan rapat koordinasi"
    # The delegate of the Kadis Kominfo gets what the position gets, labelled.
    (delegated,) = inapp(city.users["sekdis.kominfo"], Kind.TO_SIGN)
    assert delegated.acting_label == "as delegate of Kepala Dinas Komunikasi dan Informatika"
    assert inapp(city.users["staf.pupr"]) == []


def test_it_notifies_nobody_before_the_commit(city):
    letter = draft_nota_dinas(city)
    send_through(city, letter)  # the test's transaction never commits
    assert Notification.objects.count() == 0


def test_it_labels_an_acting_official(city, django_capture_on_commit_callbacks):
    head = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    Assignment.objects.create(position=head, user=city.users["staf.pupr"], kind="plh",
                              starts_at=timezone.now() - datetime.timedelta(days=1))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        send_through(city, draft_nota_dinas(city))
    (row,) = inapp(city.users["staf.pupr"], Kind.INBOX_TO)
    assert row.acting_label == "as Plh. Kepala Dinas Pekerjaan Umum dan Penataan Ruang"


def test_it_tells_the_drafter_a_draft_was_returned(city, django_capture_on_commit_callbacks):
    letter = draft_nota_dinas(city)
    staff, kabid = city.users["staf.aptika"], city.users["kabid.aptika"]
    with django_capture_on_commit_callbacks(execute=True):
        letter = actions.do_submit(letter=letter, user=staff,
                                   seat=seat_for_action(staff, letter, Action.SUBMIT))  # fmt: skip
        actions.do_review(letter=letter, user=kabid, approve=False, note="Perbaiki tanggal",
                          seat=seat_for_action(kabid, letter, Action.REVIEW))  # fmt: skip
    (row,) = inapp(staff, Kind.RETURNED)
    assert row.body == "Perbaiki tanggal"


def test_it_tells_of_a_disposition_and_its_follow_up(city, django_capture_on_commit_callbacks):
    letter = send_through(city, draft_nota_dinas(city, urgency="segera"))
    kadis = city.users["kadis.pupr"]
    bina_marga = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    bina_marga.holder = city.users["staf.pupr"]
    bina_marga.save()
    with django_capture_on_commit_callbacks(execute=True):
        (d,) = do_dispose(letter=letter, seat=seats_of(kadis)[0], user=kadis,
                          to_positions=[bina_marga],
                          instructions=list(Instruction.objects.all()[:1]))  # fmt: skip
    (row,) = inapp(city.users["staf.pupr"], Kind.DISPOSITION)
    assert row.url == f"/dispositions/{d.code}/" and row.disposition_id == d.pk and row.urgent
    staff = city.users["staf.pupr"]
    with django_capture_on_commit_callbacks(execute=True):
        do_report_follow_up(disposition=d, seat=seats_of(staff)[0], user=staff, text="Selesai")
    (row,) = inapp(kadis, Kind.FOLLOW_UP)
    assert row.body == "Kepala Bidang Bina Marga: Selesai"


def test_it_makes_nothing_new_for_the_same_key(city, django_capture_on_commit_callbacks):
    user = city.users["kadis.pupr"]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(kind="digest", users_or_seats=[user], title="Ringkasan", body="", url="/",
                   key="digest:test")  # fmt: skip
    assert len(inapp(user)) == 1


def test_it_refuses_an_unknown_kind(city):
    with pytest.raises(ValueError):
        notify(kind="gossip", users_or_seats=[city.users["sekda"]], title="x", body="", url="/",
               key="k")  # fmt: skip


def test_it_tells_the_holders_of_a_revoked_letter_and_of_its_correction(
    city, django_capture_on_commit_callbacks
):
    from esurat.signing.actions import do_revoke_letter, do_supersede

    kadis = city.users["kadis.kominfo"]
    letter = send_through(city, draft_nota_dinas(city))
    with django_capture_on_commit_callbacks(execute=True):
        do_revoke_letter(letter=letter, seat=seats_of(kadis)[0], user=kadis, reason="Salah tanggal")
    (row,) = inapp(city.users["kadis.pupr"], Kind.REVOKED)
    assert row.title == "Letter revoked: Undangan rapat koordinasi"
    assert row.body.endswith("Reason: Salah tanggal")
    assert len(inapp(city.users["sekda"], Kind.REVOKED)) == 1  # the copy (tembusan) too
    staff = city.users["staf.aptika"]
    correction = do_supersede(letter=letter, seat=seats_of(staff)[0], user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        correction = send_through(city, correction)
    (row,) = inapp(city.users["kadis.pupr"], Kind.CORRECTED)
    assert row.url == f"/letters/{correction.code}/" and correction.number in row.body
