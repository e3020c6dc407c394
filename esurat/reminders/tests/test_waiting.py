""" "Waiting on whom": the letter page and the disposition page name the position holding the
item now, who sits there (acting officials included) and since when."""

from django.urls import reverse

from esurat.dispositions.models import Disposition
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.models import Assignment
from esurat.reminders.selectors import Role, waiting_on_disposition, waiting_on_letter
from esurat.reminders.tests.conftest import BINA_MARGA, KADIS, at, give

KABID_APTIKA = "Kepala Bidang Aplikasi Informatika"
KADIS_KOMINFO = "Kepala Dinas Komunikasi dan Informatika"


def _submitted(city):
    letter = draft_nota_dinas(city)
    user = city.users["staf.aptika"]
    return actions.do_submit(
        letter=letter, seat=seat_for_action(user, letter, Action.SUBMIT), user=user
    )


def _panel(response) -> str:
    html = response.content.decode()
    start = html.find("data-waiting")
    if start < 0:
        return ""
    return html[start : html.index("</section>", start)]


def test_it_names_the_reviewer_whose_paraf_is_awaited_and_since_when(client, city, clock):
    letter = _submitted(city)
    clock.move_to(at(22, 10, 30))
    client.force_login(city.users["staf.aptika"])
    panel = _panel(client.get(reverse("letters:detail", args=[letter.code])))
    assert KABID_APTIKA in panel
    assert "Paraf awaited" in panel
    assert "since 21 Dec 2026 09:00" in panel
    assert city.users["kabid.aptika"].full_name in panel


def test_it_names_the_acting_official_beside_the_holder(client, city):
    letter = _submitted(city)
    Assignment.objects.create(position=city.position("Diskominfo", KABID_APTIKA),
                              user=city.users["staf.aptika"], kind=Assignment.Kind.PLH)  # fmt: skip
    client.force_login(city.users["kabid.aptika"])
    panel = _panel(client.get(reverse("letters:detail", args=[letter.code])))
    assert f"Plh. {city.users['staf.aptika'].full_name}" in panel
    assert city.users["kabid.aptika"].full_name in panel


def test_it_moves_to_the_signatory_from_the_approval(city, clock):
    letter = _submitted(city)
    clock.move_to(at(23, 14))
    kabid = city.users["kabid.aptika"]
    letter = actions.do_review(letter=letter, seat=seat_for_action(kabid, letter, Action.REVIEW),
                               user=kabid, approve=True)  # fmt: skip
    clock.move_to(at(28, 8))
    (holding,) = waiting_on_letter(letter).holdings
    assert holding.role == Role.SIGNATURE
    assert holding.position == city.position("Diskominfo", KADIS_KOMINFO)
    assert holding.since == at(23, 14)
    assert [p.name for p in holding.people] == [city.users["kadis.kominfo"].full_name]


def test_it_follows_an_incoming_letter_to_the_head_then_the_disposition(client, pupr, incoming,
                                                                        clock):  # fmt: skip
    clock.move_to(at(22, 8))
    client.force_login(pupr.user("kadis.pupr"))
    panel = _panel(client.get(reverse("letters:detail", args=[incoming.code])))
    assert KADIS in panel and "Not yet disposed" in panel and "since 21 Dec 2026 09:00" in panel
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=incoming, due_date=at(28).date())
    panel = _panel(client.get(reverse("letters:detail", args=[incoming.code])))
    assert "Not yet disposed" not in panel
    assert BINA_MARGA in panel and "Follow-up awaited" in panel and "due 28 Dec 2026" in panel
    assert "since 22 Dec 2026 08:00" in panel
    response = client.get(reverse("dispositions:detail", args=[d.code]))
    assert BINA_MARGA in _panel(response)
    assert pupr.user("kabid.binamarga").full_name in _panel(response)


def test_it_shows_nothing_once_the_follow_up_is_reported(pupr, instructions):
    from esurat.dispositions.actions import do_report_follow_up
    from esurat.organisations.access import seats_of

    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], due_date=at(28).date())
    user = pupr.user("kabid.binamarga")
    do_report_follow_up(disposition=d, seat=seats_of(user)[0], user=user, text="Selesai.")
    assert waiting_on_disposition(Disposition.objects.get(pk=d.pk)).holdings == []


def test_it_lists_unopened_recipients_only_to_the_drafting_side(client, pupr):
    sekda = "Sekretaris Daerah"
    client.force_login(pupr.city.users["staf.aptika"])  # the drafter: may see read receipts
    panel = _panel(client.get(reverse("letters:detail", args=[pupr.letter.code])))
    assert "Not yet opened" in panel and sekda in panel and KADIS in panel
    client.force_login(pupr.user("kadis.pupr"))  # a recipient: may not
    panel = _panel(client.get(reverse("letters:detail", args=[pupr.letter.code])))
    assert "Not yet opened" not in panel and sekda not in panel


def test_it_keeps_the_letter_page_refusals(client, pupr):
    url = reverse("letters:detail", args=[pupr.letter.code])
    assert client.get(url).status_code == 302  # login required
    client.force_login(pupr.city.users["staf.pupr"])  # not involved in this letter
    assert client.get(url).status_code == 404
    client.force_login(pupr.user("kadis.pupr"))
    assert client.post(url).status_code == 405
