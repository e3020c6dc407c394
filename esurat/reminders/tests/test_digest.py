"""The 07:00 morning digest: its content per official, and that it is sent once, at 07:00 in
the government's zone, on working days only."""

import re

import pytest
from django.core import mail
from django.db.models import Count

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.notifications.models import Notification
from esurat.reminders.jobs import run_due_jobs
from esurat.reminders.models import JobRun
from esurat.reminders.selectors import digests
from esurat.reminders.tests.conftest import BINA_MARGA, at, give


@pytest.fixture
def work(pupr, incoming, instructions, clock):
    """Monday 21 December: the Kadis PUPR has an unread letter and an incoming letter to
    dispose, and has disposed another to the Kabid Bina Marga, due Tuesday 22; a draft waits
    for the Kabid Aptika's paraf; a secret (R) letter reached the Kadis PUPR as well."""
    city = pupr.city
    clock.move_to(at(21, 9, 10))
    second = send_through(city, draft_nota_dinas(city, subject="Laporan triwulan"))
    give(pupr, "kadis.pupr", [BINA_MARGA], letter=second, due_date=at(22).date())
    clock.move_to(at(21, 9, 20))
    secret = send_through(city, draft_nota_dinas(city, security="R", subject="Rahasia jalan"))
    clock.move_to(at(21, 9, 30))
    draft = draft_nota_dinas(city, subject="Draf surat edaran")
    staff = city.users["staf.aptika"]
    actions.do_submit(letter=draft, seat=seat_for_action(staff, draft, Action.SUBMIT), user=staff)
    return {"pupr": pupr, "incoming": incoming, "second": second, "secret": secret,
            "draft": draft}  # fmt: skip


def _by_user(found, city):
    names = {u.pk: name for name, u in city.users.items()}
    return {names[d.user_id]: d for d in found}


def test_it_gathers_each_officials_work_in_four_sections(work, django_assert_max_num_queries):
    pupr = work["pupr"]
    gov = pupr.city.government
    with django_assert_max_num_queries(12):
        found = _by_user(digests(gov, at(22).date()), pupr.city)
    kadis = found["kadis.pupr"].sections
    # Four letters unread (disposing one does not open it), the newest first.
    assert kadis["unread"].count == 4
    assert kadis["unread"].items[0].code == str(work["secret"].code)
    assert kadis["to_dispose"].count == 1
    assert kadis["to_dispose"].items[0].code == str(work["incoming"].code)
    assert kadis["dispositions_due"].count == 0 and kadis["drafts"].count == 0
    binamarga = found["kabid.binamarga"].sections
    assert binamarga["dispositions_due"].count == 1
    assert binamarga["dispositions_due"].items[0].path.startswith("/dispositions/")
    aptika = found["kabid.aptika"].sections
    assert aptika["drafts"].count == 1
    assert aptika["drafts"].items[0].code == str(work["draft"].code)


def test_it_leaves_secret_letters_out_of_a_delegates_digest(work):
    found = _by_user(digests(work["pupr"].city.government, at(22).date()), work["pupr"].city)
    delegate = found["sekdis.pupr"].sections
    assert delegate["unread"].count == 3
    assert str(work["secret"].code) not in {i.code for i in delegate["unread"].items}
    assert delegate["drafts"].count == 0 and delegate["dispositions_due"].count == 0


def test_it_sends_nothing_to_whom_has_nothing_to_report(work):
    found = _by_user(digests(work["pupr"].city.government, at(22).date()), work["pupr"].city)
    assert "walikota" not in found and "staf.pupr" not in found


def _run(captured, moment):
    with captured(execute=True):
        return run_due_jobs(now=moment)


def _digest_rows():
    return Notification.objects.filter(kind="digest")


def test_it_sends_the_digest_at_seven_not_before(work, clock, django_capture_on_commit_callbacks,
                                                 client):  # fmt: skip
    clock.move_to(at(22, 6, 59))
    assert _run(django_capture_on_commit_callbacks, at(22, 6, 59)) == []
    assert not _digest_rows().exists()
    clock.move_to(at(22, 7, 0))
    runs = _run(django_capture_on_commit_callbacks, at(22, 7, 0))
    digest_run = next(r for r in runs if r.job == JobRun.Job.DIGEST)
    assert digest_run.state == JobRun.State.DONE and digest_run.sent >= 4
    kadis = work["pupr"].user("kadis.pupr")
    assert _digest_rows().filter(user=kadis, channel="inapp").count() == 1
    (email,) = [m for m in mail.outbox if kadis.email in m.to]
    assert "Unread letters: 4" in email.body
    assert "Rahasia jalan" not in email.body and "(a classified letter)" in email.body
    # Each item is a one-tap link: it opens the item after login and logs nobody in.
    links = re.findall(r"http://[^/\s]+(/notifications/o/\S+/)", email.body)
    letter_link = next(link for link in links if client.get(link).status_code == 302)
    assert "/login/" in client.get(letter_link)["Location"]
    client.force_login(kadis)
    assert client.get(letter_link)["Location"].startswith(("/letters/", "/dispositions/"))


def test_it_sends_it_once_when_run_again_at_seven_oh_five(
    work, clock, django_capture_on_commit_callbacks
):
    clock.move_to(at(22, 7, 0))
    _run(django_capture_on_commit_callbacks, at(22, 7, 0))
    rows, mails = _digest_rows().count(), len(mail.outbox)
    clock.move_to(at(22, 7, 5))
    assert _run(django_capture_on_commit_callbacks, at(22, 7, 5)) == []
    assert _digest_rows().count() == rows and len(mail.outbox) == mails
    per_user = _digest_rows().values("user", "channel").annotate(n=Count("pk"))
    assert {row["n"] for row in per_user} == {1}


def test_it_sends_no_digest_on_a_weekend_or_holiday(work, clock,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    for day in (24, 25, 26, 27):  # cuti bersama, Christmas, Saturday, Sunday
        clock.move_to(at(day, 7, 0))
        runs = _run(django_capture_on_commit_callbacks, at(day, 7, 0))
        assert {r.state for r in runs} == {JobRun.State.SKIPPED}
    assert not _digest_rows().exists()
    clock.move_to(at(28, 7, 0))
    _run(django_capture_on_commit_callbacks, at(28, 7, 0))
    assert _digest_rows().filter(event__endswith=":2026-12-28").exists()


def test_it_sends_each_digest_once_when_its_task_runs_twice(
    work, clock, django_capture_on_commit_callbacks
):
    from esurat.reminders.tasks import deliver_digests

    kadis = work["pupr"].user("kadis.pupr")
    chunk = [{"user": kadis.pk, "sections": {"unread": [1, []]}}]
    gov = work["pupr"].city.government
    for _ in range(2):  # a worker killed after its notify() calls, and the task run again
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver_digests.call(gov.pk, "2026-12-22", chunk) == 1
    assert _digest_rows().filter(user=kadis, channel="inapp").count() == 1
    assert len([m for m in mail.outbox if kadis.email in m.to]) == 1
