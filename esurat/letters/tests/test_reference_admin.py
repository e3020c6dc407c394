"""Letter kinds and classification codes changed in the admin are in the audit trail (of the
administrator's government: they belong to none), with what changed; a refused change leaves no
event."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.audit.tests.admin_forms import form_data
from esurat.letters.models import Classification, LetterKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_admin(client, city):
    client.force_login(city.users["admin"])
    return client


def test_it_records_a_new_number_template(it_admin, city):
    kind = LetterKind.objects.get(code="surat-undangan")
    url = reverse("admin:letters_letterkind_change", args=[kind.pk])
    page = it_admin.get(url)
    refused = form_data(page, number_template="{seq}/{nonsense}")
    assert it_admin.post(url, refused).status_code == 200
    assert not AuditEvent.objects.filter(action="letter_kind.changed").exists()
    template = "{classification}/{seq}/UND/{unit_code}/{year}"
    assert it_admin.post(url, form_data(page, number_template=template)).status_code == 302
    event = AuditEvent.objects.get(action="letter_kind.changed")
    assert event.data["changes"] == {"number_template": [kind.number_template, template]}
    assert event.government == city.government and event.actor == city.users["admin"]


def test_it_records_a_classification_code_added_and_deleted(it_admin, city):
    add = reverse("admin:letters_classification_add")
    data = {"code": "999.9.9.9", "name": "Uji coba", "parent": "", "is_active": "on"}
    response = it_admin.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = AuditEvent.objects.get(action="classification.created")
    assert created.data["changes"]["code"] == [None, "999.9.9.9"]
    code = Classification.objects.get(code="999.9.9.9")
    delete = reverse("admin:letters_classification_delete", args=[code.pk])
    assert it_admin.post(delete, {"post": "yes"}).status_code == 302
    assert AuditEvent.objects.get(action="classification.deleted").data["name"] == str(code)
