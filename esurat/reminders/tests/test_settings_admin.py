"""A government's reminder setting (the working days a draft may wait), changed in the admin, is
in the audit trail; out of range, it is refused and nothing is recorded."""

from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.audit.tests.admin_forms import form_data
from esurat.reminders.jobs import draft_wait_days
from esurat.reminders.models import ReminderSettings


def test_it_records_the_setting_and_the_scheduler_uses_it(client, city):
    client.force_login(city.users["admin"])
    add = reverse("admin:reminders_remindersettings_add")
    gov = city.government
    assert draft_wait_days(gov) == 2  # the default, without a row
    refused = client.post(add, {"government": str(gov.pk), "draft_wait_days": "0"})
    assert refused.status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="reminder_settings.").exists()
    assert client.post(add, {"government": str(gov.pk), "draft_wait_days": "4"}).status_code == 302
    created = AuditEvent.objects.get(action="reminder_settings.created")
    assert created.data["changes"]["draft_wait_days"] == [None, 4]
    assert draft_wait_days(gov) == 4
    row = ReminderSettings.objects.get(government=gov)
    url = reverse("admin:reminders_remindersettings_change", args=[row.pk])
    assert client.post(url, form_data(client.get(url), draft_wait_days=3)).status_code == 302
    assert AuditEvent.objects.get(action="reminder_settings.changed").data["changes"] == {
        "draft_wait_days": [4, 3]
    }


def test_it_keeps_the_admin_pages_for_administrators(client, city):
    add = reverse("admin:reminders_remindersettings_add")
    assert client.get(add).status_code == 302  # login first
    client.force_login(city.users["staf.pupr"])
    assert client.get(add).status_code == 302  # not staff: back to the admin login
    client.force_login(city.users["admin"])
    runs = reverse("admin:reminders_jobrun_changelist")
    assert client.get(runs).status_code == 200
    assert client.get(reverse("admin:reminders_jobrun_add")).status_code == 403
