"""The drafter addresses a letter to an outside party: typed in (added to the directory) or
picked from the directory; editing keeps it."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.delivery.tests.conftest import external_party
from esurat.letters.models import ExternalParty, Letter
from esurat.letters.tests.test_letter_new import _post_data

pytestmark = pytest.mark.django_db


def test_it_adds_a_typed_outside_party_to_the_directory_and_the_letter(client, city):
    client.force_login(city.users["staf.aptika"])
    data = _post_data(city, to=[], external_name="  Kementerian Dalam  Negeri ",
                      external_email="TU@Kemendagri.go.id", external_kind="to")  # fmt: skip
    response = client.post(reverse("letters:new"), data)
    assert response.status_code == 302
    letter = Letter.objects.get()
    party = ExternalParty.objects.get()
    assert (party.name, party.email) == ("Kementerian Dalam Negeri", "tu@kemendagri.go.id")
    recipient = letter.recipients.get(target="external")
    assert recipient.external == party and recipient.kind == "to"
    assert AuditEvent.objects.filter(action="external_party.saved").count() == 1
    # The letter page and the edit form show it; saving the edit form keeps it.
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert "Kementerian Dalam Negeri" in body
    response = client.get(reverse("letters:edit", kwargs={"code": letter.code}))
    assert f"external:{party.code}" in response.context["form"]["to"].value()
    edit = _post_data(city, to=[f"external:{party.code}"], subject="Rapat (diubah)")
    assert (
        client.post(reverse("letters:edit", kwargs={"code": letter.code}), edit).status_code == 302
    )
    assert list(letter.recipients.filter(kind="to").values_list("external", flat=True)) == [
        party.pk
    ]


def test_it_picks_an_outside_party_from_the_directory(client, city):
    party = external_party(city)
    client.force_login(city.users["staf.aptika"])
    body = client.get(reverse("letters:new")).content.decode()
    assert f"external:{party.code}" in body and "tu@kemendagri.go.id" in body
    data = _post_data(city, cc=[f"external:{party.code}"])
    assert client.post(reverse("letters:new"), data).status_code == 302
    letter = Letter.objects.get()
    assert letter.recipients.get(kind="cc").external == party
    # The same name typed again finds the same entry; a new address replaces the old one.
    data = _post_data(city, external_name="kementerian dalam negeri.",
                      external_email="persuratan@kemendagri.go.id")  # fmt: skip
    assert client.post(reverse("letters:new"), data).status_code == 302
    party.refresh_from_db()
    assert ExternalParty.objects.count() == 1 and party.email == "persuratan@kemendagri.go.id"


def test_it_refuses_an_outside_party_of_another_government_or_a_bad_address(client, city):
    from esurat.organisations.models import Government

    other = Government.objects.create(name="Pemerintah Kota Lain", short_name="Lain")
    foreign = ExternalParty.objects.create(government=other, name="X", match_key="x")
    client.force_login(city.users["staf.aptika"])
    response = client.post(
        reverse("letters:new"), _post_data(city, to=[f"external:{foreign.code}"])
    )
    assert response.status_code == 200 and "to" in response.context["form"].errors
    response = client.post(reverse("letters:new"), _post_data(
        city, external_name="PT Maju", external_email="bukan-alamat"))  # fmt: skip
    assert response.status_code == 200 and "external_email" in response.context["form"].errors
    response = client.post(reverse("letters:new"), _post_data(
        city, to=[], external_email="a@b.go.id"))  # fmt: skip
    assert response.status_code == 200 and "external_name" in response.context["form"].errors
    assert not Letter.objects.exists()
