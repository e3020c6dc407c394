"""A signatory's BSrE NIK entered or changed in the admin is in the audit trail, masked: only
its last four digits; a refused one leaves no event."""

import json

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.audit.tests.admin_forms import form_data
from esurat.signing.models import SignerProfile

pytestmark = pytest.mark.django_db
NIK, NEW_NIK = "6471010101800001", "6471010101800099"


def test_it_records_a_nik_masked(client, city):
    client.force_login(city.users["admin"])
    kadis = city.users["kadis.kominfo"]
    add = reverse("admin:signing_signerprofile_add")
    assert client.post(add, {"user": kadis.pk, "nik": "12345"}).status_code == 200  # refused
    assert not AuditEvent.objects.filter(action__startswith="signer_profile").exists()
    assert client.post(add, {"user": kadis.pk, "nik": NIK}).status_code == 302
    created = AuditEvent.objects.get(action="signer_profile.created")
    assert created.data["changes"]["nik"] == [None, "…0001"]
    assert created.data["name"] == str(kadis)
    profile = SignerProfile.objects.get(user=kadis)
    url = reverse("admin:signing_signerprofile_change", args=[profile.pk])
    assert client.post(url, form_data(client.get(url), nik=NEW_NIK)).status_code == 302
    changed = AuditEvent.objects.get(action="signer_profile.changed")
    assert changed.data["changes"] == {"nik": ["…0001", "…0099"]}
    for event in (created, changed):
        assert NIK not in json.dumps(event.data) and NEW_NIK not in json.dumps(event.data)
