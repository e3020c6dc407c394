"""The dashboard's figures against values computed by hand on the week of conftest.py."""

from decimal import Decimal

import pytest

from esurat.reports.figures import compute, ranking


def test_it_computes_the_city_week_by_hand(city, week):
    f = compute(city.government, week)
    assert f.letters_sent == 3  # L1, L2, L3 (L4 is sent the next Monday)
    assert (f.electronic, f.paper) == (4, 1)  # 3 inbox rows + 1 e-mail; 1 printed copy
    assert f.electronic_share == pytest.approx(80.0)
    # Read after 1, 2 and 4 hours: median 2; p90 at rank 0.9 × 2 = 1.8 → 2 + 0.8 × (4 − 2).
    assert (f.delivered, f.read) == (3, 3)
    assert f.read_p50 == pytest.approx(2.0) and f.read_p90 == pytest.approx(3.6)
    # First dispositions 0.5, 4 and 10 hours after delivery (the withdrawn one is left out).
    assert f.disposed == 3
    assert f.dispose_p50 == pytest.approx(4.0) and f.dispose_p90 == pytest.approx(8.8)
    # Due: done 23:00 local on its due day (on time), done 00:30 local the day after (late),
    # not done.
    assert (f.due, f.on_time, f.late) == (3, 1, 1)
    assert f.on_time_share == pytest.approx(100 / 3)
    # Review 3, 0, 4 h → median 3, p90 3.8; signature 1.5, 1, 2 h → median 1.5, p90 1.9.
    assert f.signed == 3
    assert f.review_p50 == pytest.approx(3.0) and f.review_p90 == pytest.approx(3.8)
    assert f.signature_p50 == pytest.approx(1.5) and f.signature_p90 == pytest.approx(1.9)
    # Working days Mon, Tue, Thu, Fri (Wed is a holiday); active: 2 on Monday (both before
    # 09:00), 1 on Tuesday at 10:00; the holiday and the admin without a position do not count.
    assert f.working_days == 4
    assert (f.active_days, f.early_days) == (3, 2)
    assert f.active_per_day == pytest.approx(0.75)
    assert f.early_share == pytest.approx(200 / 3)
    assert [(d.day, e, p, a, x) for d, e, p, a, x in f.daily] == [
        (2, 2, 0, 2, 2), (3, 1, 1, 1, 0), (4, 1, 0, None, None), (5, 0, 0, None, None),
        (6, 0, 0, None, None),
    ]  # fmt: skip
    assert not f.is_empty


def test_it_computes_the_paper_saved_by_hand(city, week):
    p = compute(city.government, week).paper_saved
    # L1: 3 pages × (2 addressees + file copy) = 9; L2: 1 page (not counted yet) × (1 + 1) = 2;
    # L3: 1 page × (1 e-mailed + 1) = 2 → 13. Envelopes 2 + 1 + 1 = 4. Three acts of disposing.
    assert (p.letters, p.uncounted) == (3, 1)
    assert (p.page_copies, p.envelopes, p.disposition_sheets) == (13, 4, 3)
    assert p.sheets == 16
    assert p.reams == Decimal("0.03")  # 16 / 500
    assert p.paper_cost == 1600 and p.toner_cost == 3200 and p.envelope_cost == 4000
    assert p.total == 8800


def test_it_narrows_the_figures_to_one_agency(city, week):
    kominfo = city.agencies["Diskominfo"]
    f = compute(city.government, week, [kominfo.pk])
    assert (f.letters_sent, f.electronic, f.paper) == (3, 4, 1)  # Kominfo sent them all
    assert (f.delivered, f.read_p50) == (1, pytest.approx(1.0))  # only the Kabid Aptika's copy
    assert (f.due, f.disposed) == (0, 0)  # the dispositions are PUPR's
    assert (f.active_days, f.early_days) == (1, 1)


def test_it_ranks_the_agencies(city, week):
    rows = {r["agency"].short_name: r for r in ranking(city.government, week)}
    assert rows["Diskominfo"]["electronic_share"] == pytest.approx(80.0)
    assert (rows["Dinas PUPR"]["due"], rows["Dinas PUPR"]["on_time"]) == (3, 1)
    assert ranking(city.government, week)[0]["agency"].short_name == "Diskominfo"


def test_it_finds_nothing_in_an_empty_period(city, week):
    from esurat.reports.figures import Period

    empty = Period(week.start.replace(year=2025), week.end.replace(year=2025), week.zone)
    f = compute(city.government, empty)
    assert f.is_empty
    assert f.read_p50 is None and f.electronic_share is None and f.paper_saved.sheets == 0


def test_it_rebuilds_the_daily_rows_to_the_same_figures(city, week):
    from django.core.management import call_command

    from esurat.reports.models import DailyFigures
    from esurat.reports.rollup import build

    before = compute(city.government, week)
    count = DailyFigures.objects.count()
    build(city.government, week.start, week.end)  # again: replaced, not added
    call_command("rollup_figures")  # the last days (today's), nothing in the week
    assert DailyFigures.objects.count() == count
    after = compute(city.government, week)
    assert (after.read_p90, after.paper_saved.sheets) == (
        before.read_p90,
        before.paper_saved.sheets,
    )


def test_it_sets_the_trial_agencies_against_the_live_ones(city, week):
    from esurat.onboarding.actions import do_set_onboarding_state
    from esurat.reports.access import access_evaluation
    from esurat.reports.evaluation import evaluation

    kominfo = city.agencies["Diskominfo"]
    do_set_onboarding_state(agency=kominfo, state="trial", user=city.users["admin"])
    scope, _agency = access_evaluation(city.users["admin"])
    groups = {label: (n, f) for label, n, f in evaluation(scope, None, week, week)["groups"]}
    agencies = city.government.agencies.count()
    assert {label: n for label, (n, _f) in groups.items()} == {
        "Trial agencies": 1,
        "Live agencies": agencies - 1,
    }
    trial = groups["Trial agencies"][1]
    assert (trial.letters_sent, trial.electronic, trial.paper) == (3, 4, 1)  # Kominfo's alone
    assert groups["Live agencies"][1].letters_sent == 0
