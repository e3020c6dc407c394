"""The disposition instructions and an agency's disposition settings, changed in the admin, are
in the audit trail with what changed (instructions in the administrator's government's chain:
they belong to none); a refused change leaves no event."""

import pytest
from django.urls import reverse

from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.audit.tests.admin_forms import form_data
from esurat.dispositions.models import DispositionSettings, Instruction

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_admin(client, city):
    client.force_login(city.users["admin"])
    return client


def test_it_records_an_instruction_added_changed_and_deleted(it_admin, city):
    response = it_admin.post(reverse("admin:dispositions_instruction_add"),
                             {"name": "", "order": "5", "is_active": "on"})  # fmt: skip
    assert response.status_code == 200  # refused: no name
    assert not AuditEvent.objects.filter(action__startswith="instruction.").exists()
    response = it_admin.post(reverse("admin:dispositions_instruction_add"),
                             {"name": "Pantau dan laporkan", "order": "5", "is_active": "on"})  # fmt: skip
    assert response.status_code == 302
    created = AuditEvent.objects.get(action="instruction.created")
    assert created.data["changes"]["name"] == [None, "Pantau dan laporkan"]
    assert created.government == city.government and created.actor == city.users["admin"]

    instruction = Instruction.objects.get(name="Pantau dan laporkan")
    url = reverse("admin:dispositions_instruction_change", args=[instruction.pk])
    assert it_admin.post(url, form_data(it_admin.get(url), is_active=False)).status_code == 302
    changed = AuditEvent.objects.get(action="instruction.changed")
    assert changed.data["changes"] == {"is_active": [True, False]}

    delete = reverse("admin:dispositions_instruction_delete", args=[instruction.pk])
    assert it_admin.post(delete, {"post": "yes"}).status_code == 302
    assert not Instruction.objects.filter(pk=instruction.pk).exists()
    assert AuditEvent.objects.filter(action="instruction.deleted").count() == 1
    assert verify_chain(city.government) == (True, None)


def test_it_records_an_agency_letting_its_delegates_send(it_admin, city):
    agency = city.agencies["Dinas PUPR"]
    add = reverse("admin:dispositions_dispositionsettings_add")
    response = it_admin.post(add, {"agency": str(agency.pk), "delegate_may_send": "on"})
    assert response.status_code == 302
    assert DispositionSettings.objects.get(agency=agency).delegate_may_send
    event = AuditEvent.objects.get(action="disposition_settings.created")
    assert event.data["changes"]["delegate_may_send"] == [None, True]
    assert event.government == agency.government
