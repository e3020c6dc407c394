"""A delegate (the head's secretary) prepares a disposition; the head approves it with one tap."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition, DispositionSettings
from esurat.dispositions.tests.conftest import BINA_MARGA, KADIS, PUPR, SDA
from esurat.dispositions.tests.test_dispose import dispose
from esurat.letters.access import can_view
from esurat.letters.models import Participant


@pytest.mark.django_db
def test_it_lets_a_delegate_prepare_and_the_leader_approve(client, pupr, instructions):
    client.force_login(pupr.user("sekdis.pupr"))
    page = client.get(reverse("dispositions:dispose", args=[pupr.letter.code])).content.decode()
    assert "Prepare for approval" in page
    response = dispose(client, pupr.letter, [pupr.position(BINA_MARGA), pupr.position(SDA)],
                       [instructions["Untuk ditindaklanjuti"]])  # fmt: skip
    assert response.status_code == 302
    rows = list(Disposition.objects.filter(letter=pupr.letter))
    assert {d.state for d in rows} == {"prepared"}
    assert {(d.created_by.username, d.created_as) for d in rows} == {("sekdis.pupr", "delegate")}
    assert {d.from_position.title for d in rows} == {KADIS}
    # Nothing reaches the Kabid before the leader decides.
    assert not Participant.objects.filter(letter=pupr.letter, role="disposition").exists()
    assert not can_view(pupr.user("kabid.binamarga"), pupr.letter)
    assert AuditEvent.objects.get(action="disposition.prepared").acting_as == "delegate"

    client.force_login(pupr.user("kadis.pupr"))
    listing = client.get(reverse("dispositions:mine") + "?box=given")
    assert listing.context["counts"]["prepared"] == 2
    detail = client.get(reverse("dispositions:detail", args=[rows[0].code])).content.decode()
    assert "Approve and send" in detail
    response = client.post(reverse("dispositions:approve", args=[rows[0].code]))
    assert response.status_code == 302
    rows = list(Disposition.objects.filter(letter=pupr.letter))
    assert {(d.state, d.sent_by.username, d.sent_as) for d in rows} == {("sent", "kadis.pupr", "")}
    assert set(Participant.objects.filter(letter=pupr.letter, role="disposition")
               .values_list("position__title", flat=True)) == {BINA_MARGA, SDA}  # fmt: skip
    event = AuditEvent.objects.get(action="disposition.approved")
    assert event.actor == pupr.user("kadis.pupr") and sorted(event.data["to"]) == [BINA_MARGA, SDA]


@pytest.mark.django_db
def test_it_does_not_let_the_delegate_approve(client, pupr, instructions):
    client.force_login(pupr.user("sekdis.pupr"))
    dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    d = Disposition.objects.get()
    response = client.post(reverse("dispositions:approve", args=[d.code]))
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[-1] == "Only the leader can approve a prepared disposition."
    d.refresh_from_db()
    assert d.state == "prepared"


@pytest.mark.django_db
def test_it_lets_the_delegate_discard_what_they_prepared(client, pupr, instructions):
    client.force_login(pupr.user("sekdis.pupr"))
    dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    d = Disposition.objects.get()
    response = client.post(reverse("dispositions:discard", args=[d.code]))
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "withdrawn" and d.withdrawn_by == pupr.user("sekdis.pupr")
    assert AuditEvent.objects.filter(action="disposition.discarded").count() == 1
    # A fresh disposition to the same position is possible afterwards.
    dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Koordinasikan"]])
    assert Disposition.objects.filter(state="prepared").count() == 1


@pytest.mark.django_db
def test_it_lets_a_delegate_send_where_the_agency_allows(client, pupr, instructions):
    DispositionSettings.objects.create(agency=pupr.city.agencies[PUPR], delegate_may_send=True)
    client.force_login(pupr.user("sekdis.pupr"))
    response = dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    assert response.status_code == 302
    d = Disposition.objects.get()
    assert (d.state, d.sent_by.username, d.sent_as) == ("sent", "sekdis.pupr", "delegate")
    assert can_view(pupr.user("kabid.sda"), pupr.letter)
    event = AuditEvent.objects.get(action="disposition.sent")
    assert (event.actor.username, event.acting_as) == ("sekdis.pupr", "delegate")


@pytest.mark.django_db
def test_it_hides_a_prepared_disposition_from_others(client, pupr, instructions):
    client.force_login(pupr.user("sekdis.pupr"))
    dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    d = Disposition.objects.get()
    client.force_login(pupr.city.users["sekda"])  # sees the letter (tembusan), not the proposal
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 404
    tree = client.get(reverse("dispositions:tree", args=[pupr.letter.code]))
    assert tree.status_code == 200 and SDA not in tree.content.decode()


@pytest.mark.django_db
def test_it_requires_post_and_answers_not_found_to_an_outsider(client, pupr, instructions):
    client.force_login(pupr.user("sekdis.pupr"))
    dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    d = Disposition.objects.get()
    client.force_login(pupr.user("kadis.pupr"))
    assert client.get(reverse("dispositions:approve", args=[d.code])).status_code == 405
    client.force_login(pupr.user("staf.pupr"))
    assert client.post(reverse("dispositions:approve", args=[d.code])).status_code == 404
    assert client.post(reverse("dispositions:discard", args=[d.code])).status_code == 404
    d.refresh_from_db()
    assert d.state == "prepared"
