"""Every change the IT administrator makes to the organisation in the admin is in the audit
trail, with what changed (old → new), in the same transaction: a refused change leaves no event."""

import pytest
from django.urls import reverse

from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.audit.tests.admin_forms import form_data
from esurat.organisations.models import Assignment, Position, Unit

KABID = "Kepala Bidang Aplikasi Informatika"


@pytest.fixture
def it_admin(client, city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(city.users["admin"])
    return client


def url(model, view, *args):
    return reverse(f"admin:organisations_{model}_{view}", args=args)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_it_records_a_new_holder_of_a_position(it_admin, city):
    position = city.position("Diskominfo", KABID)
    staff = city.users["staf.aptika"]
    page = it_admin.get(url("position", "change", position.pk))
    response = it_admin.post(page.request["PATH_INFO"], form_data(page, holder=staff.pk))
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.holder == staff
    (event,) = events("position.changed")
    kabid = city.users["kabid.aptika"]
    assert event.data["changes"] == {"holder": [f"{kabid.pk}: {kabid}", f"{staff.pk}: {staff}"]}
    assert event.actor == city.users["admin"] and event.data["id"] == str(position.code)
    assert event.ip_address == "127.0.0.1" and verify_chain(city.government) == (True, None)


def test_it_records_nothing_when_nothing_changed(it_admin, city):
    position = city.position("Diskominfo", KABID)
    page = it_admin.get(url("position", "change", position.pk))
    before = AuditEvent.objects.count()
    assert it_admin.post(page.request["PATH_INFO"], form_data(page)).status_code == 302
    assert AuditEvent.objects.count() == before


def test_it_records_nothing_for_a_refused_change(it_admin, city):
    position = city.position("Diskominfo", KABID)
    page = it_admin.get(url("position", "change", position.pk))
    before = AuditEvent.objects.count()
    response = it_admin.post(page.request["PATH_INFO"], form_data(page, is_head="on"))
    assert response.status_code == 200  # the agency has its head already
    assert AuditEvent.objects.count() == before and not Position.objects.get(pk=position.pk).is_head


def test_it_records_an_acting_appointment_and_its_end(it_admin, city):
    position = city.position("Diskominfo", KABID)
    page = it_admin.get(url("assignment", "add"))
    data = form_data(
        page,
        position=position.pk,
        user=city.users["staf.aptika"].pk,
        kind="plh",
        starts_at_0="2026-12-01",
        starts_at_1="07:30:00",
        note="ST 800/12",
    )
    assert it_admin.post(url("assignment", "add"), data).status_code == 302
    assignment = Assignment.objects.get(note="ST 800/12")
    (created,) = events("assignment.created")
    assert created.data["changes"]["kind"] == [None, "plh"]
    assert created.data["changes"]["note"] == [None, "ST 800/12"]
    page = it_admin.get(url("assignment", "change", assignment.pk))
    refused = form_data(page, ends_at_0="2026-11-01", ends_at_1="00:00:00")  # before it starts
    assert it_admin.post(page.request["PATH_INFO"], refused).status_code == 200
    assert events("assignment.changed") == []
    ended = form_data(page, ends_at_0="2026-12-05", ends_at_1="16:00:00")
    assert it_admin.post(page.request["PATH_INFO"], ended).status_code == 302
    (changed,) = events("assignment.changed")
    assert list(changed.data["changes"]) == ["ends_at"], changed.data
    assert changed.data["changes"]["ends_at"][0] is None


def test_it_records_an_agency_change_with_its_units_inline(it_admin, city):
    agency = city.agencies["Diskominfo"]
    page = it_admin.get(url("agency", "change", agency.pk))
    total = int(page.context["inline_admin_formsets"][0].formset.total_form_count())
    first = page.context["inline_admin_formsets"][0].formset.forms[0].instance
    data = form_data(page, phone="0541-777", **{
        "units-TOTAL_FORMS": str(total + 1), f"units-{total}-name": "Bidang Statistik",
        f"units-{total}-short_code": "STAT", "units-0-DELETE": "on",
    })  # fmt: skip
    assert it_admin.post(page.request["PATH_INFO"], data).status_code == 302
    (agency_event,) = events("agency.changed")
    assert agency_event.data["changes"] == {"phone": [agency.phone, "0541-777"]}
    (created,) = events("unit.created")
    assert created.data["changes"]["name"] == [None, "Bidang Statistik"]
    (deleted,) = events("unit.deleted")
    assert deleted.data["id"] == str(first.code) and not Unit.objects.filter(pk=first.pk).exists()


def test_it_records_a_government_change(it_admin, city):
    government = city.government
    page = it_admin.get(url("government", "change", government.pk))
    data = form_data(page, address="Jl. Merdeka 1")
    assert it_admin.post(page.request["PATH_INFO"], data).status_code == 302
    (event,) = events("government.changed")
    assert event.data["changes"] == {"address": [government.address, "Jl. Merdeka 1"]}


def test_it_records_each_unit_deleted_from_the_list(it_admin, city):
    units = list(Unit.objects.filter(agency=city.agencies["Dinas PUPR"]).order_by("pk")[:2])
    response = it_admin.post(url("unit", "changelist"), {
        "action": "delete_selected", "_selected_action": [u.pk for u in units], "post": "yes",
    })  # fmt: skip
    assert response.status_code == 302
    assert sorted(e.data["id"] for e in events("unit.deleted")) == sorted(
        str(u.code) for u in units
    )
    assert not Unit.objects.filter(pk__in=[u.pk for u in units]).exists()


def test_it_records_nothing_for_a_refused_agency_or_unit_change(it_admin, city):
    agency = city.agencies["Diskominfo"]
    page = it_admin.get(url("agency", "change", agency.pk))
    before = AuditEvent.objects.count()
    taken = form_data(page, short_name="Dinas PUPR", phone="0541-777")  # another agency's name
    assert it_admin.post(page.request["PATH_INFO"], taken).status_code == 200
    unit = Unit.objects.filter(agency=agency).first()
    page = it_admin.get(url("unit", "change", unit.pk))
    elsewhere = Unit.objects.filter(agency=city.agencies["Dinas PUPR"]).first()
    wrong = form_data(page, parent=elsewhere.pk)  # a parent in another agency
    assert it_admin.post(page.request["PATH_INFO"], wrong).status_code == 200
    assert AuditEvent.objects.count() == before
