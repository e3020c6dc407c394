import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, give


@pytest.mark.django_db
def test_it_marks_a_disposition_read_when_its_recipient_opens_it(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kadis.pupr"))  # the giver opening it changes nothing
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 200
    d.refresh_from_db()
    assert d.state == "sent" and d.read_at is None

    client.force_login(pupr.user("kabid.binamarga"))
    response = client.get(reverse("dispositions:detail", args=[d.code]))
    assert response.status_code == 200
    assert "Untuk ditindaklanjuti" in response.content.decode()
    d.refresh_from_db()
    assert d.state == "read" and d.read_by == pupr.user("kabid.binamarga") and d.read_as == ""
    first = d.read_at
    client.get(reverse("dispositions:detail", args=[d.code]))
    d.refresh_from_db()
    assert d.read_at == first
    assert AuditEvent.objects.filter(action="disposition.read").count() == 1


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider_and_for_unknown_codes(client, pupr):
    import uuid

    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("staf.pupr"))  # Teknik Jalan: nothing disposed to him yet
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 404
    assert client.get(reverse("dispositions:detail", args=[uuid.uuid4()])).status_code == 404
    assert client.post(reverse("dispositions:detail", args=[d.code])).status_code == 405
    d.refresh_from_db()
    assert d.state == Disposition.State.SENT
