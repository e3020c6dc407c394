import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas


@pytest.mark.django_db
def test_it_submits_the_draft(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:submit", args=[letter.code]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW
    assert AuditEvent.objects.filter(letter=letter, action="letter.submitted").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_second_submit(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    client.post(reverse("letters:submit", args=[letter.code]))
    response = client.post(reverse("letters:submit", args=[letter.code]), follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert AuditEvent.objects.filter(letter=letter, action="letter.submitted").count() == 1


@pytest.mark.django_db
def test_it_refuses_someone_who_is_not_the_drafter(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    client.post(reverse("letters:submit", args=[letter.code]))
    client.force_login(city.users["kabid.aptika"])
    client.post(reverse("letters:submit", args=[letter.code]))
    assert AuditEvent.objects.filter(letter=letter, action="letter.submitted").count() == 1


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.pupr"])
    assert client.post(reverse("letters:submit", args=[letter.code])).status_code == 404
    letter.refresh_from_db()
    assert letter.state == Letter.State.DRAFT


@pytest.mark.django_db
def test_it_requires_login_and_post(client, city):
    letter = draft_nota_dinas(city)
    url = reverse("letters:submit", args=[letter.code])
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.get(url).status_code == 405
    letter.refresh_from_db()
    assert letter.state == Letter.State.DRAFT


def _pupr_draft_while_the_kabid_post_is_vacant(city):
    """staf.pupr's Kabid Bina Marga has no holder in the demo city: nobody could paraf, so the
    draft may go straight to the Kadis."""
    return draft_nota_dinas(
        city, drafter="staf.pupr", reviewers=[],
        signatory=city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
        to=[{"kind": "to", "target": "agency", "agency": city.agencies["Diskominfo"]}],
    )  # fmt: skip


@pytest.mark.django_db
def test_it_refuses_to_skip_a_reviewer_appointed_since_the_draft_was_saved(client, city):
    from esurat.organisations.models import Assignment

    letter = _pupr_draft_while_the_kabid_post_is_vacant(city)
    kabid = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    Assignment.objects.create(position=kabid, user=city.users["kadis.pupr"], kind="plh")
    client.force_login(city.users["staf.pupr"])
    response = client.post(reverse("letters:submit", args=[letter.code]), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Kepala Bidang Bina Marga must approve (paraf)" in m for m in messages)
    letter.refresh_from_db()
    assert letter.state == Letter.State.DRAFT and letter.review_round == 0
    assert not AuditEvent.objects.filter(letter=letter, action="letter.submitted").exists()


@pytest.mark.django_db
def test_it_sends_a_draft_without_reviewer_straight_to_the_signatory(client, city):
    letter = _pupr_draft_while_the_kabid_post_is_vacant(city)
    client.force_login(city.users["staf.pupr"])
    response = client.post(reverse("letters:submit", args=[letter.code]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE
    event = AuditEvent.objects.get(letter=letter, action="letter.submitted")
    assert event.data["to"] == "signature"
