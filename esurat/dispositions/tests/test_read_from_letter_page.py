"""Opening the letter page counts as reading the dispositions that brought it to you."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, give


@pytest.mark.django_db
def test_it_marks_the_disposition_read_when_the_letter_is_opened(client, pupr, instructions):
    (disposition,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    response = client.get(reverse("letters:detail", args=[pupr.letter.code]))
    assert response.status_code == 200
    disposition.refresh_from_db()
    assert disposition.state == Disposition.State.READ
    assert disposition.read_by == pupr.user("kabid.binamarga")
    assert AuditEvent.objects.filter(letter=pupr.letter, action__startswith="disposition.read")


@pytest.mark.django_db
def test_it_leaves_the_disposition_unread_when_the_giver_opens_the_letter(
    client, pupr, instructions
):
    (disposition,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kadis.pupr"))
    client.get(reverse("letters:detail", args=[pupr.letter.code]))
    disposition.refresh_from_db()
    assert disposition.state == Disposition.State.SENT
