"""Each agency's rollout (not started → trial → live), its checklist, and what it means for
delivery: letters to an agency not live also go out by e-mail or on paper."""

import datetime

import pytest
from django.urls import reverse

from esurat.accounts.models import Role
from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.onboarding.checklist import checklists
from esurat.onboarding.models import AgencyOnboarding

pytestmark = pytest.mark.django_db


def _move(client, agency, state, on=""):
    return client.post(reverse("onboarding:agency", kwargs={"code": agency.code}),
                       {"state": state, "on": on})  # fmt: skip


def test_it_moves_an_agency_through_trial_to_live_with_dates_and_audit(client, admin, city):
    pupr = city.agencies["Dinas PUPR"]
    assert _move(client, pupr, "trial", "2026-11-02").status_code == 302
    row = AgencyOnboarding.objects.get(agency=pupr)
    pupr.refresh_from_db()
    assert row.state == "trial" and row.trial_started_on == datetime.date(2026, 11, 2)
    assert not pupr.is_onboarded
    _move(client, pupr, "live", "2026-11-30")
    row.refresh_from_db()
    pupr.refresh_from_db()
    assert row.state == "live" and row.live_on == datetime.date(2026, 11, 30) and pupr.is_onboarded
    events = list(AuditEvent.objects.filter(action="onboarding.state_changed").order_by("seq"))
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("live", "trial"),
        ("trial", "live"),
    ]
    assert events[0].actor == city.users["admin"]


def test_it_refuses_a_move_to_the_same_state(client, admin, city):
    pupr = city.agencies["Dinas PUPR"]
    response = _move(client, pupr, "live")  # no row: live already
    assert response.status_code == 302
    assert not AgencyOnboarding.objects.exists()
    assert not AuditEvent.objects.filter(action="onboarding.state_changed").exists()


def test_it_refuses_wrong_methods_and_outsiders(client, city):
    pupr = city.agencies["Dinas PUPR"]
    client.force_login(city.users["staf.pupr"])
    assert _move(client, pupr, "trial").status_code == 404
    assert not AgencyOnboarding.objects.exists()
    client.force_login(city.users["admin"])
    url = reverse("onboarding:agency", kwargs={"code": pupr.code})
    assert client.put(url).status_code == 405


def test_it_computes_the_checklist(client, admin, city, django_assert_max_num_queries):
    from django.core.files.base import ContentFile

    from esurat.organisations.demo import demo_emblem_png

    kominfo = city.agencies["Diskominfo"]
    sheet = checklists([kominfo])[0]
    done = {item.label: item.done for item in sheet.items}
    assert list(done.values()) == [True, False, False, True, True, False]
    city.government.logo.save("lambang.png", ContentFile(demo_emblem_png()))
    for user in city.users.values():
        user.last_login = city.government.today() and datetime.datetime.now(datetime.UTC)
        user.save(update_fields=["last_login"])
    from esurat.signing.models import SignerProfile

    for i, position in enumerate(kominfo.positions.filter(can_sign=True, holder__isnull=False)):
        SignerProfile.objects.create(user=position.holder, nik=f"{i:016d}")
    kominfo.refresh_from_db()
    sheet = checklists([kominfo])[0]
    assert sheet.done == 6 and sheet.percent == 100
    page = client.get(reverse("onboarding:agency", kwargs={"code": kominfo.code}))
    assert page.content.count(b'data-done="1"') == 6
    # The overview counts in a fixed number of queries, however many agencies.
    with django_assert_max_num_queries(13):
        assert client.get(reverse("onboarding:overview")).status_code == 200


def test_it_counts_the_registry_clerk_and_number_formats(city):
    pupr = city.agencies["Dinas PUPR"]
    Role.objects.filter(agency=pupr, kind="clerk").delete()
    pupr.unit_code = ""
    items = checklists([pupr])[0].items
    assert not items[3].done and not items[4].done


def test_it_delivers_to_an_agency_not_live_by_email_as_well(client, admin, city):
    pupr = city.agencies["Dinas PUPR"]
    head = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    to = [{"kind": "to", "target": "position", "position": head}]
    _move(client, pupr, "trial")
    letter = send_through(city, draft_nota_dinas(city, to=to))
    copy = Dispatch.objects.get(letter=letter)
    assert copy.to_agency == pupr and copy.method == "email" and copy.email == pupr.email
    assert letter.inbox_entries.filter(position=head).exists()
    _move(client, pupr, "live")
    letter = send_through(city, draft_nota_dinas(city, to=to))
    assert not Dispatch.objects.filter(letter=letter).exists()
    assert letter.inbox_entries.filter(position=head).exists()
