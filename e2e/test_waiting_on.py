"""Waiting on whom (issue 10, item 4): the drafter of a draft sees whose paraf it waits for, who
sits there (the Plh. beside the holder) and since when; the Kadis PUPR, on a 360px phone, sees
on a letter she disposed that the Kabid Bina Marga has not reported yet, and until when."""

from e2e.conftest import login, t
from esurat.dispositions.tests.conftest import add_holder, give
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.lib.workdays import add_working_days
from esurat.organisations.models import Assignment

PUPR = "Dinas PUPR"
BINA_MARGA = "Kepala Bidang Bina Marga"
KABID_APTIKA = "Kepala Bidang Aplikasi Informatika"


def test_waiting_on(city, open_page, live_server, shoot):
    url = live_server.url
    draft = draft_nota_dinas(city, subject="Undangan rapat evaluasi SPBE")
    staff = city.users["staf.aptika"]
    draft = actions.do_submit(letter=draft, seat=seat_for_action(staff, draft, Action.SUBMIT),
                              user=staff)  # fmt: skip
    Assignment.objects.create(position=city.position("Diskominfo", KABID_APTIKA),
                              user=city.users["sekdis.kominfo"], kind=Assignment.Kind.PLH)  # fmt: skip

    drafter = open_page()
    login(drafter, url, "staf.aptika")
    drafter.goto(f"{url}/letters/{draft.code}/")
    panel = drafter.locator("[data-waiting]")
    assert panel.get_by_role("heading", name=t("Waiting on")).is_visible()
    assert KABID_APTIKA in panel.inner_text()
    assert f"Plh. {city.users['sekdis.kominfo'].full_name}" in panel.inner_text()
    assert t("Paraf awaited") in panel.inner_text()
    shoot(drafter, "drafter-paraf-awaited")

    add_holder(city, "kabid.binamarga", PUPR, BINA_MARGA)
    letter = send_through(city, draft_nota_dinas(city, subject="Pemeliharaan jalan kota"))
    due = add_working_days(city.government, city.government.today(), 5)

    class _Pupr:  # what give() needs of the dispositions' fixture
        def user(self, name):
            return city.users[name]

    pupr = _Pupr()
    pupr.letter = letter
    give(pupr, "kadis.pupr", [BINA_MARGA], due_date=due)

    kadis = open_page(phone=True)
    login(kadis, url, "kadis.pupr")
    kadis.goto(f"{url}/letters/{letter.code}/")
    panel = kadis.locator("[data-waiting]")
    panel.scroll_into_view_if_needed()
    assert BINA_MARGA in panel.inner_text()
    assert t("Follow-up awaited") in panel.inner_text()
    shoot(kadis, "kadis-phone-follow-up-awaited")
