import pytest

from esurat.api.tests.helpers import caller
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_lists_drafts_with_whose_paraf_they_wait_for(client, city):
    waiting = draft_nota_dinas(city, subject="Menunggu paraf")
    draft = draft_nota_dinas(city, subject="Konsep")
    staff = caller(client, city, "staf.aptika")
    staff.post(f"/letters/{waiting.code}/submit")
    items = staff.get("/letters/drafts").json()["items"]
    by_code = {x["code"]: x for x in items}
    assert by_code[str(waiting.code)]["pending_with"] == "Kepala Bidang Aplikasi Informatika"
    assert by_code[str(draft.code)]["state"] == "draft"
    recipients = by_code[str(draft.code)]["recipients"]
    assert len(recipients) == 2 and "Sekretaris Daerah — Setda" in recipients
    assert caller(client, city, "staf.pupr").get("/letters/drafts").json()["items"] == []


@pytest.mark.django_db
def test_it_lists_what_needs_the_callers_action(client, city):
    letter = draft_nota_dinas(city)
    caller(client, city, "staf.aptika").post(f"/letters/{letter.code}/submit")
    kabid = caller(client, city, "kabid.aptika").get("/letters/needs-action").json()
    assert [x["code"] for x in kabid["to_review"]] == [str(letter.code)] and kabid["to_sign"] == []
    kadis = caller(client, city, "kadis.kominfo").get("/letters/needs-action").json()
    assert kadis == {"to_dispose": [], "to_approve": [], "to_review": [], "to_sign": [],
                     "to_report": []}  # fmt: skip


@pytest.mark.django_db
def test_it_lists_sent_letters_with_their_read_progress(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    items = caller(client, city, "kadis.kominfo").get("/letters/outbox").json()["items"]
    assert [(x["code"], x["number"], x["inbox_total"], x["inbox_read"]) for x in items] == [
        (str(letter.code), letter.number, 2, 0)
    ]
    assert caller(client, city, "kadis.pupr").get("/letters/outbox").json()["items"] == []
