"""R and SR letters: a delegate sees nothing of them unless their own position is named."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, give, letter_to_pupr
from esurat.dispositions.tests.test_dispose import dispose


@pytest.mark.django_db
def test_it_hides_a_secret_letter_and_its_dispositions_from_the_delegate(
    client, pupr, instructions
):
    secret = letter_to_pupr(pupr.city, security="R", subject="Rencana pengamanan")
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=secret)
    client.force_login(pupr.user("sekdis.pupr"))
    assert client.get(reverse("dispositions:dispose", args=[secret.code])).status_code == 404
    assert dispose(client, secret, [pupr.position(BINA_MARGA)],
                   [instructions["Untuk diketahui"]]).status_code == 404  # fmt: skip
    assert client.get(reverse("dispositions:tree", args=[secret.code])).status_code == 404
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 404
    assert client.get(reverse("dispositions:sheet", args=[d.code])).status_code == 404
    given = client.get(reverse("dispositions:mine") + "?box=given")
    assert "Rencana pengamanan" not in given.content.decode()
    assert given.context["counts"]["given"] == 0
    # The same delegate does see an ordinary letter's dispositions of the leader.
    give(pupr, "kadis.pupr", [BINA_MARGA])
    given = client.get(reverse("dispositions:mine") + "?box=given")
    assert given.context["counts"]["given"] == 1
    assert Disposition.objects.filter(created_by=pupr.user("sekdis.pupr")).count() == 0


@pytest.mark.django_db
def test_it_logs_every_read_of_a_secret_letters_disposition(client, pupr):
    secret = letter_to_pupr(pupr.city, security="R")
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA], letter=secret)
    client.force_login(pupr.user("kabid.binamarga"))
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 200
    reads = AuditEvent.objects.filter(action="letter.read", letter=secret,
                                      actor=pupr.user("kabid.binamarga"))  # fmt: skip
    assert reads.count() == 1
