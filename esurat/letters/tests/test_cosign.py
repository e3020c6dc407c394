"""Joint letters: co-signatories sign after the main signatory, in order, on the same PDF.

The main signature issues the number; the letter is delivered only when the last co-signatory
has signed. Driven through the real actions, views and API.
"""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from esurat.letters import actions, selectors
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import CoSignatory, InboxEntry, Letter
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.access import seats_of
from esurat.signing.models import Signature

pytestmark = pytest.mark.django_db

KADIS_PUPR = ("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
SEKDA = ("Setda", "Sekretaris Daerah")


def joint_draft(city, cosigners=(KADIS_PUPR,), **kwargs):
    return draft_nota_dinas(city, **kwargs) if not cosigners else actions.do_update_draft(
        letter=draft_nota_dinas(city, **kwargs), user=city.users["staf.aptika"],
        seat=seats_of(city.users["staf.aptika"])[0],
        cosignatories=[city.position(*c) for c in cosigners],
    )  # fmt: skip


def to_signature(city, letter):
    drafter, reviewer = city.users["staf.aptika"], city.users["kabid.aptika"]
    letter = actions.do_submit(letter=letter, user=drafter,
                               seat=seat_for_action(drafter, letter, Action.SUBMIT))  # fmt: skip
    return actions.do_review(letter=letter, user=reviewer, approve=True,
                             seat=seat_for_action(reviewer, letter, Action.REVIEW))  # fmt: skip


def sign_as(city, letter, username):
    user = city.users[username]
    seat = seat_for_action(user, letter, Action.SIGN)
    assert seat is not None, f"{username} may not sign now"
    return actions.do_sign(letter=letter, seat=seat, user=user, password="pw")


def test_the_main_signature_numbers_the_letter_and_waits_for_the_co_signatory(city):
    letter = to_signature(city, joint_draft(city))
    kadis_pupr = city.users["kadis.pupr"]
    assert seat_for_action(kadis_pupr, letter, Action.SIGN) is None  # not yet their turn
    assert [x.pk for x in selectors.to_sign(city.users["kadis.kominfo"])] == [letter.pk]
    assert selectors.to_sign(kadis_pupr) == []

    letter = sign_as(city, letter, "kadis.kominfo")
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE
    assert letter.number and letter.signed_at is not None
    assert not InboxEntry.objects.filter(letter=letter).exists()  # nobody receives it yet
    assert selectors.to_sign(city.users["kadis.kominfo"]) == []
    assert [x.pk for x in selectors.to_sign(kadis_pupr)] == [letter.pk]
    assert selectors.counters(kadis_pupr)["to_sign"] == 1
    assert selectors.counters(city.users["kadis.kominfo"])["to_sign"] == 0

    number = letter.number
    letter = sign_as(city, letter, "kadis.pupr")
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT and letter.number == number  # numbered once
    assert InboxEntry.objects.filter(letter=letter).exists()
    signatures = list(Signature.objects.filter(letter=letter).order_by("pk"))
    assert [s.user.username for s in signatures] == ["kadis.kominfo", "kadis.pupr"]
    # The co-signatory signs in their own name: the letter's "a.n." is the main signatory's.
    assert signatures[1].qualifier == ""
    assert list(letter.cosignatories.values_list("state", flat=True)) == ["signed"]
    actions_done = list(letter.events.values_list("action", flat=True))
    assert actions_done.count("letter.signed") == 1 and "letter.cosigned" in actions_done
    assert selectors.to_sign(kadis_pupr) == []


def test_co_signatories_sign_in_order(city):
    letter = to_signature(city, joint_draft(city, cosigners=(KADIS_PUPR, SEKDA)))
    letter = sign_as(city, letter, "kadis.kominfo")
    sekda = city.users["sekda"]
    assert seat_for_action(sekda, letter, Action.SIGN) is None
    seat = next(s for s in seats_of(sekda) if s.position == city.position(*SEKDA))
    with pytest.raises(actions.ActionRefused):
        actions.do_sign(letter=letter, seat=seat, user=sekda, password="pw")
    letter = sign_as(city, letter, "kadis.pupr")
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.AWAITING_SIGNATURE
    letter = sign_as(city, letter, "sekda")
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.SENT


def test_the_main_signatory_cannot_sign_twice_and_a_co_signatory_cannot_return(city):
    letter = to_signature(city, joint_draft(city))
    letter = sign_as(city, letter, "kadis.kominfo")
    kominfo = city.users["kadis.kominfo"]
    seat = next(s for s in seats_of(kominfo) if not s.is_delegate)
    with pytest.raises(actions.ActionRefused):
        actions.do_sign(letter=letter, seat=seat, user=kominfo, password="pw")
    pupr = city.users["kadis.pupr"]
    with pytest.raises(actions.ActionRefused, match="can no longer be returned"):
        actions.do_return_by_signatory(letter=letter, user=pupr, note="Tidak setuju",
                                       seat=seat_for_action(pupr, letter, Action.SIGN))  # fmt: skip
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.AWAITING_SIGNATURE


def test_the_chain_refuses_a_co_signatory_twice_or_one_who_may_not_sign(city):
    with pytest.raises(ValidationError):
        joint_draft(city, cosigners=(KADIS_PUPR, KADIS_PUPR))
    with pytest.raises(ValidationError):  # the main signatory again
        joint_draft(city, cosigners=(("Diskominfo", "Kepala Dinas Komunikasi dan Informatika"),))
    staff = city.users["staf.pupr"]
    position = next(s.position for s in seats_of(staff))
    assert not position.can_sign
    with pytest.raises(ValidationError):
        actions.do_update_draft(letter=draft_nota_dinas(city), user=city.users["staf.aptika"],
                                seat=seats_of(city.users["staf.aptika"])[0],
                                cosignatories=[position])  # fmt: skip


def test_a_co_signatory_sees_the_letter_once_submitted(city, client):
    letter = joint_draft(city)
    client.force_login(city.users["kadis.pupr"])
    url = reverse("letters:detail", kwargs={"code": letter.code})
    assert client.get(url).status_code == 404  # a draft is the drafter's own
    letter = to_signature(city, letter)
    page = client.get(url)
    assert page.status_code == 200 and "Co-signatory" in page.content.decode()


def test_the_sign_page_of_a_co_signatory_offers_no_return_and_names_the_number(city, client):
    letter = sign_as(city, to_signature(city, joint_draft(city)), "kadis.kominfo")
    client.force_login(city.users["kadis.pupr"])
    page = client.get(reverse("letters:sign", kwargs={"code": letter.code})).content.decode()
    assert letter.number in page and "Return to the drafter" not in page
    assert "Sign and send" in page  # the last signature sends it
    response = client.post(reverse("letters:sign", kwargs={"code": letter.code}),
                           {"version": letter.version, "password": "pw", "decision": "sign"})  # fmt: skip
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.SENT


def test_the_main_sign_page_says_sign_only_when_co_signatories_follow(city, client):
    letter = to_signature(city, joint_draft(city))
    client.force_login(city.users["kadis.kominfo"])
    url = reverse("letters:sign", kwargs={"code": letter.code})
    page = client.get(url).content.decode()
    assert "Sign and send" not in page and "Return to the drafter" in page
    client.post(url, {"version": letter.version, "password": "pw", "decision": "sign"})
    follow = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert "Waiting for the signature of the Kepala Dinas Pekerjaan Umum" in follow


def test_the_compose_form_keeps_the_co_signatories(city, client):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    url = reverse("letters:edit", kwargs={"code": letter.code})
    form = client.get(url).context["form"]
    pupr = str(city.position(*KADIS_PUPR).code)
    assert pupr in dict(form.fields["cosignatories"].choices)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(to=form.initial["to"], cc=form.initial["cc"], cosignatories=[pupr, ""])
    assert client.post(url, data).status_code == 302
    assert [c.position.code for c in CoSignatory.objects.filter(letter=letter)] == [
        city.position(*KADIS_PUPR).code
    ]
    page = client.get(url).content.decode()
    # Three lines (a second and third co-signatory need no save in between), section open.
    assert 'id="cosignatory-3"' in page and 'id="cosignatory-4"' not in page
    assert re.search(r"<details class=\"mt-2\" open>\s*<summary[^>]*>Joint letter", page)


def test_a_new_letter_offers_three_co_signatory_lines_in_a_closed_section(city, client):
    client.force_login(city.users["staf.aptika"])
    page = client.get(reverse("letters:new")).content.decode()
    assert 'id="cosignatory-3"' in page and 'id="cosignatory-4"' not in page
    assert re.search(r"<details class=\"mt-2\">\s*<summary[^>]*>Joint letter", page)


def test_the_api_creates_a_joint_letter_and_shows_its_co_signatories(city, client):
    client.force_login(city.users["staf.aptika"])
    body = {
        "kind": "nota-dinas", "classification": "000.1.2.3", "subject": "Rapat bersama",
        "body": "<p>Isi</p>",
        "recipients": [{"kind": "to", "target": "agency",
                        "agency": str(city.agencies["Setda"].code)}],
        "reviewers": [str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code)],
        "signatory": str(city.position("Diskominfo",
                                       "Kepala Dinas Komunikasi dan Informatika").code),
        "cosignatories": [str(city.position(*KADIS_PUPR).code)],
    }  # fmt: skip
    response = client.post("/api/v1/letters", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert [c["state"] for c in out["cosignatories"]] == ["waiting"]
    assert out["cosignatories"][0]["position"]["code"] == body["cosignatories"][0]


def test_the_co_signatory_is_told_what_kind_of_signature_waits_and_the_timeline_says_it(
    city, client
):
    letter = sign_as(city, to_signature(city, joint_draft(city)), "kadis.kominfo")
    client.force_login(city.users["kadis.pupr"])
    action_list = client.get(reverse("letters:needs_action")).content.decode()
    assert "Co-signature" in action_list and letter.number in action_list
    detail = client.get(reverse("letters:detail", args=[letter.code])).content.decode()
    assert "You sign it together with the main signatory" in detail
    assert "return it to the drafter" not in detail  # a co-signatory cannot return it
    sign_as(city, letter, "kadis.pupr")
    timeline = client.get(reverse("letters:timeline", args=[letter.code])).content.decode()
    assert "co-signed the letter." in timeline and "letter.cosigned" not in timeline


def test_the_main_signatory_is_not_told_of_a_co_signature(city, client):
    letter = to_signature(city, joint_draft(city))
    client.force_login(city.users["kadis.kominfo"])
    assert "Co-signature" not in client.get(reverse("letters:needs_action")).content.decode()
    detail = client.get(reverse("letters:detail", args=[letter.code])).content.decode()
    assert "return it to the drafter" in detail


def test_main_and_co_signatures_due_come_in_one_list_oldest_first_in_nine_queries(
    city, client, django_assert_max_num_queries
):
    """kadis.pupr signs his own agency's letter as main signatory and co-signs Diskominfo's: both
    are in "To sign", oldest first, read by one query (the page: nine, three of them for the
    disposition sections)."""
    joint = sign_as(city, to_signature(city, joint_draft(city)), "kadis.kominfo")
    staff = city.users["staf.pupr"]
    own = draft_nota_dinas(
        city, drafter="staf.pupr", reviewers=[],
        signatory=city.position(*KADIS_PUPR), subject="Surat Dinas PUPR sendiri",
        to=[{"kind": "to", "target": "agency", "agency": city.agencies["Diskominfo"]}], cc=[],
    )  # fmt: skip
    own = actions.do_submit(letter=own, user=staff,
                            seat=seat_for_action(staff, own, Action.SUBMIT))  # fmt: skip
    assert own.state == Letter.State.AWAITING_SIGNATURE
    assert [x.pk for x in selectors.to_sign(city.users["kadis.pupr"])] == [joint.pk, own.pk]
    assert [x.pk for x in selectors.to_sign(city.users["kadis.kominfo"])] == []
    client.force_login(city.users["kadis.pupr"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("letters:needs_action"))
    assert [x.pk for x in response.context["to_sign"]] == [joint.pk, own.pk]
