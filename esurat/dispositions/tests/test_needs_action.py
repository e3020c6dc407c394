"""Needs my action lists a head's disposition work: incoming letters the clerk sent on and not yet
disposed, dispositions a delegate prepared for approval, dispositions to report on. Each section's
badge is the navigation counter, and the seats (holder, Plt., delegate) decide who sees what."""

import datetime
import itertools

import pytest
from django.urls import reverse

from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, KADIS, PUPR, SDA, give
from esurat.letters.models import Classification, LetterKind
from esurat.letters.selectors import counters
from esurat.organisations.models import Assignment

ACTION = reverse("letters:needs_action")
NUMBERS = itertools.count(1)  # the sender's numbers: never two alike (a duplicate is refused)


def register_for_head(pupr, subject: str, *, security: str = "B"):
    """Set-up only: the PUPR clerk registers a letter from outside and sends it to the Kadis."""
    from esurat.letters.incoming import do_register_incoming, do_send_to_head

    clerk = pupr.user("agendaris.pupr")
    today = pupr.letter.government.today()
    letter = do_register_incoming(
        user=clerk, agency=pupr.city.agencies[PUPR], sender_name="Kementerian Pekerjaan Umum",
        sender_number=f"PR.01.02/{next(NUMBERS)}",
        sender_date=today - datetime.timedelta(days=3), received_on=today, channel="paper",
        kind=LetterKind.objects.get(code="surat-dinas"),
        classification=Classification.objects.get(code="000.1.2.3"), security=security,
        urgency="segera", subject=subject, scan=None,
    )  # fmt: skip
    if letter.is_narrow:  # an R/SR letter goes to the head unopened at registration
        return letter
    return do_send_to_head(letter=letter, user=clerk)


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # a new request: no seat cache


def sections(client, user) -> dict[str, list[str]]:
    """The page's entries by section (data-entry) as "subject → link", and the badges."""
    import re

    client.force_login(user)
    response = client.get(ACTION)
    assert response.status_code == 200
    body = response.content.decode()
    found: dict[str, list[str]] = {"to-dispose": [], "to-approve": [], "to-report": []}
    for section, block in re.findall(r'data-entry="([a-z-]+)">(.*?)</li>', body, re.S):
        link = re.search(r'href="([^"]+)"', block).group(1)
        subject = re.search(r'<div class="subject">(.*?)</div>', block).group(1)
        subject = re.sub(r"<!--/?esurat:secret-->", "", subject)  # the offline copy's marks
        found[section].append(f"{subject} → {link}")
    return found


@pytest.mark.django_db
def test_it_lists_the_heads_disposition_work_with_links_and_counts(client, pupr):
    road = register_for_head(pupr, "Pemeliharaan jalan nasional")
    secret = register_for_head(pupr, "Audit investigatif proyek jembatan", security="R")
    kadis, sekdis = pupr.user("kadis.pupr"), pupr.user("sekdis.pupr")
    detail = lambda letter: reverse("letters:detail", args=[letter.code])  # noqa: E731

    page = sections(client, kadis)
    assert page["to-dispose"] == [f"{road.subject} → {detail(road)}",
                                  f"{secret.subject} → {detail(secret)}"]  # fmt: skip
    body = client.get(ACTION).content.decode()
    assert reverse("dispositions:dispose", args=[road.code]) in body
    kadis_counts = counters(fresh(kadis))
    assert (kadis_counts["to_dispose"], kadis_counts["to_approve"]) == (2, 0)
    # The delegate prepares the Kadis's dispositions, but never sees the secret letter.
    assert sections(client, sekdis)["to-dispose"] == [f"{road.subject} → {detail(road)}"]
    assert counters(fresh(sekdis))["to_dispose"] == 1

    # The Sekdis prepares a disposition to two Kabids: one entry to approve for the Kadis.
    prepared = give(pupr, "sekdis.pupr", [BINA_MARGA, SDA], letter=road)
    assert {d.state for d in prepared} == {"prepared"}
    first = Disposition.objects.filter(batch=prepared[0].batch).order_by("created_at", "pk")[0]
    page = sections(client, kadis)
    assert page["to-dispose"] == [f"{secret.subject} → {detail(secret)}"]
    assert page["to-approve"] == [
        f"{road.subject} → {reverse('dispositions:detail', args=[first.code])}"
    ]
    body = client.get(ACTION).content.decode()
    assert f"To: {BINA_MARGA}, {SDA}" in body and "Prepared by Sekdis Pupr" in body
    kadis_counts = counters(fresh(kadis))
    assert (kadis_counts["to_dispose"], kadis_counts["to_approve"]) == (1, 1)
    assert kadis_counts["dispositions"] == 1  # the Dispositions tab: one waiting for approval
    assert kadis_counts["action"] == 2
    assert f'{kadis_counts["action"]}<span class="visually-hidden"> waiting</span>' in body
    assert '1<span class="visually-hidden"> waiting for you</span>' in body
    assert sections(client, sekdis) == {"to-dispose": [], "to-approve": [], "to-report": []}

    # Approved: the Kabid has it to report on; the Kadis has nothing left on that letter.
    client.force_login(kadis)
    assert client.post(reverse("dispositions:approve", args=[first.code])).status_code == 302
    assert sections(client, kadis)["to-approve"] == []
    to_bina_marga = Disposition.objects.get(letter=road, to_position=pupr.position(BINA_MARGA))
    assert sections(client, pupr.user("kabid.binamarga"))["to-report"] == [
        f"{road.subject} → {reverse('dispositions:detail', args=[to_bina_marga.code])}"
    ]
    assert counters(fresh(pupr.user("kabid.binamarga")))["to_report"] == 1
    client.force_login(pupr.user("kabid.binamarga"))
    response = client.post(reverse("dispositions:report", args=[to_bina_marga.code]),
                           {"text": "Sudah ditinjau di lapangan."})  # fmt: skip
    assert response.status_code == 302
    assert sections(client, pupr.user("kabid.binamarga"))["to-report"] == []

    # Someone from another agency sees none of it.
    assert sections(client, pupr.user("kadis.kominfo")) == {
        "to-dispose": [], "to-approve": [], "to-report": [],
    }  # fmt: skip


@pytest.mark.django_db
def test_it_gives_a_withdrawn_disposition_back_to_dispose(client, pupr):
    road = register_for_head(pupr, "Pemeliharaan jalan nasional")
    kadis = pupr.user("kadis.pupr")
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=road)
    assert sections(client, kadis)["to-dispose"] == []
    client.force_login(kadis)
    assert client.post(reverse("dispositions:withdraw", args=[d.code])).status_code == 302
    assert [e.split(" → ")[0] for e in sections(client, kadis)["to-dispose"]] == [road.subject]


@pytest.mark.django_db
def test_an_acting_head_sees_the_heads_work(client, pupr):
    """A Plt. of the Kadis disposes and approves as the Kadis does."""
    road = register_for_head(pupr, "Pemeliharaan jalan nasional")
    secret = register_for_head(pupr, "Audit investigatif proyek jembatan", security="R")
    give(pupr, "sekdis.pupr", [BINA_MARGA], letter=road)
    plt = pupr.user("kabid.sda")
    Assignment.objects.create(position=pupr.position(KADIS), user=plt, kind=Assignment.Kind.PLT,
                              starts_at=pupr.letter.created_at - datetime.timedelta(days=1))  # fmt: skip
    page = sections(client, plt)
    assert [e.split(" → ")[0] for e in page["to-dispose"]] == [secret.subject]
    assert [e.split(" → ")[0] for e in page["to-approve"]] == [road.subject]
    body = client.get(ACTION).content.decode()
    assert f"As: {KADIS}" in body  # two seats: each entry says for which


@pytest.mark.django_db
def test_it_keeps_the_number_of_queries_whatever_the_work(
    client, pupr, django_assert_max_num_queries
):
    kadis = pupr.user("kadis.pupr")
    road = register_for_head(pupr, "Surat 0")
    give(pupr, "sekdis.pupr", [BINA_MARGA], letter=road)
    client.force_login(kadis)
    # Session, user, seats, one query per section (five) and the counters.
    with django_assert_max_num_queries(9) as first:
        client.get(ACTION)
    for i in range(1, 6):
        letter = register_for_head(pupr, f"Surat {i}")
        if i % 2:
            give(pupr, "sekdis.pupr", [BINA_MARGA, SDA], letter=letter)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(ACTION)
    assert len(response.context["to_dispose"]) == 2
    assert len(response.context["to_approve"]) == 4
    # Dispositions to report on add their instructions and the holiday calendar: two more.
    for proposal in response.context["to_approve"]:
        client.post(reverse("dispositions:approve", args=[proposal.first.code]))
    client.force_login(pupr.user("kabid.binamarga"))
    with django_assert_max_num_queries(11):
        response = client.get(ACTION)
    assert len(response.context["to_report"]) == 4


@pytest.mark.django_db
def test_it_counts_everything_in_one_query(pupr, django_assert_num_queries):
    register_for_head(pupr, "Pemeliharaan jalan nasional")
    user = fresh(pupr.user("kadis.pupr"))
    from esurat.organisations.access import seats_of

    seats_of(user)
    with django_assert_num_queries(1):
        result = counters(user)
    assert result["to_dispose"] == 1 and result["action"] == 1


@pytest.mark.django_db
def test_it_refuses_anonymous_users_and_posts(client, pupr):
    response = client.get(ACTION)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(pupr.user("kadis.pupr"))
    assert client.post(ACTION).status_code == 405


@pytest.mark.django_db
def test_the_api_lists_the_same_work_and_counts(client, pupr):
    """GET /letters/needs-action and /me answer what the page shows: the letter to dispose, the
    delegate's proposal to approve, the disposition to report on (an integrator's phone app shows
    the Kadis the same list)."""
    from esurat.api.tests.helpers import caller

    road = register_for_head(pupr, "Pemeliharaan jalan nasional")
    bridge = register_for_head(pupr, "Rehabilitasi jembatan kota")
    drain = register_for_head(pupr, "Normalisasi saluran drainase")
    prepared = give(pupr, "sekdis.pupr", [BINA_MARGA, SDA], letter=road)
    (to_kabid,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=bridge)
    kadis = caller(client, pupr.city, "kadis.pupr")

    body = kadis.get("/letters/needs-action").json()
    assert [x["code"] for x in body["to_dispose"]] == [str(drain.code)]
    assert {x["code"] for x in body["to_approve"]} == {str(d.code) for d in prepared}
    assert body["to_report"] == [] and body["to_review"] == [] and body["to_sign"] == []
    counts = kadis.get("/me").json()["counters"]
    assert (counts["to_dispose"], counts["to_approve"], counts["to_report"]) == (1, 1, 0)
    assert counts["action"] == 2

    kabid = caller(client, pupr.city, "kabid.binamarga")
    body = kabid.get("/letters/needs-action").json()
    (entry,) = body["to_report"]
    assert entry["code"] == str(to_kabid.code) and entry["subject"] == bridge.subject
    assert kabid.get("/me").json()["counters"]["to_report"] == 1


@pytest.mark.django_db
def test_the_api_answers_in_a_fixed_number_of_queries(client, pupr, django_assert_max_num_queries):
    from esurat.api.tests.helpers import caller

    kadis = caller(client, pupr.city, "kadis.pupr")
    register_for_head(pupr, "Pemeliharaan jalan nasional")
    give(pupr, "sekdis.pupr", [BINA_MARGA], letter=register_for_head(pupr, "Jembatan"))
    with django_assert_max_num_queries(25) as few:
        assert kadis.get("/letters/needs-action").status_code == 200
    for i in range(4):
        letter = register_for_head(pupr, f"Surat masuk ke-{i}")
        give(pupr, "sekdis.pupr", [BINA_MARGA, SDA], letter=letter)
        register_for_head(pupr, f"Surat lain ke-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert kadis.get("/letters/needs-action").status_code == 200


@pytest.mark.django_db
def test_the_awaiting_mark_follows_the_rule_through_every_disposition_action(pupr):
    """The "to dispose" list reads InboxEntry.awaiting_disposal (a small partial index) instead
    of the whole inbox history; after register, send on, dispose, prepare, approve, discard and
    withdraw it lists exactly what the rule itself (awaiting_disposal_by_rule) finds, for the
    Kadis, their delegate (no R letter) and a Plt."""
    from esurat.dispositions import actions
    from esurat.dispositions.access import receiving_seats
    from esurat.dispositions.selectors import _awaiting_disposal_qs, awaiting_disposal_by_rule

    kadis, sekdis = pupr.user("kadis.pupr"), pupr.user("sekdis.pupr")
    plt = pupr.user("kabid.sda")
    Assignment.objects.create(position=pupr.position(KADIS), user=plt, kind="plt")

    def check():
        for user in (kadis, sekdis, plt):
            user = fresh(user)
            marked = set(_awaiting_disposal_qs(user).values_list("pk", flat=True))
            assert marked == set(awaiting_disposal_by_rule(user).values_list("pk", flat=True))
            assert counters(user)["to_dispose"] == len(marked)

    road = register_for_head(pupr, "Pemeliharaan jalan nasional")
    bridge = register_for_head(pupr, "Rehabilitasi jembatan kota")
    register_for_head(pupr, "Audit investigatif", security="R")
    check()
    assert counters(fresh(kadis))["to_dispose"] == 3
    (sent,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=road)
    check()

    def seat_of(user, letter):
        return receiving_seats(fresh(user), letter)[0]

    actions.do_withdraw(disposition=sent, seat=seat_of(kadis, road), user=kadis)
    check()  # withdrawn: the letter waits again
    assert counters(fresh(kadis))["to_dispose"] == 3
    prepared = give(pupr, "sekdis.pupr", [BINA_MARGA, SDA], letter=bridge)
    check()
    actions.do_discard(disposition=prepared[0], seat=seat_of(kadis, bridge), user=kadis)
    check()  # one row of the proposal discarded, the other still answers the letter
    actions.do_approve(disposition=prepared[1], seat=seat_of(kadis, bridge), user=kadis)
    check()
    assert counters(fresh(kadis))["to_dispose"] == 2


@pytest.mark.django_db
def test_the_migration_marks_what_the_rule_finds(pupr):
    """letters/0007 marks the inbox rows of letters that waited before the mark existed."""
    import importlib

    from django.apps import apps

    from esurat.dispositions.selectors import _awaiting_disposal_qs, awaiting_disposal_by_rule
    from esurat.letters.models import InboxEntry

    road = register_for_head(pupr, "Pemeliharaan jalan nasional")
    register_for_head(pupr, "Rehabilitasi jembatan kota")
    give(pupr, "kadis.pupr", [BINA_MARGA], letter=road)
    InboxEntry.objects.update(awaiting_disposal=False)
    migration = importlib.import_module("esurat.letters.migrations.0007_inbox_awaiting_disposal")
    migration.mark_awaiting(apps, None)
    kadis = fresh(pupr.user("kadis.pupr"))
    marked = set(_awaiting_disposal_qs(kadis).values_list("pk", flat=True))
    assert len(marked) == 1
    assert marked == set(awaiting_disposal_by_rule(kadis).values_list("pk", flat=True))
