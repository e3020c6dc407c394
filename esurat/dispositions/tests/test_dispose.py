import pytest
from django.urls import reverse

from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, TEKNIK_JALAN
from esurat.letters.access import can_view
from esurat.letters.models import Participant
from esurat.lib.workdays import add_working_days


def dispose(client, letter, positions, instructions, *, note="", due=None, **extra):
    due = due or add_working_days(letter.government, letter.government.today(), 5)
    data = {
        "to": [str(p.code) for p in positions],
        "instructions": [str(i.code) for i in instructions],
        "note": note,
        "due_date": due.isoformat(),
        **extra,
    }
    return client.post(reverse("dispositions:dispose", args=[letter.code]), data)


@pytest.mark.django_db
def test_it_shows_the_positions_below_and_prefills_the_due_date(client, pupr):
    client.force_login(pupr.user("kadis.pupr"))
    response = client.get(reverse("dispositions:dispose", args=[pupr.letter.code]))
    assert response.status_code == 200
    body = response.content.decode()
    for title in (BINA_MARGA, SDA, TEKNIK_JALAN, "Sekretaris Dinas"):
        assert title in body
    assert "Kepala Bidang Aplikasi Informatika" not in body  # another agency
    expected = add_working_days(pupr.letter.government, pupr.letter.government.today(), 5)
    assert f'value="{expected.isoformat()}"' in body
    assert "Untuk ditindaklanjuti" in body


@pytest.mark.django_db
def test_it_disposes_down_two_levels(client, pupr, instructions):
    letter = pupr.letter
    staff = pupr.user("staf.pupr")
    assert not can_view(staff, letter)

    client.force_login(pupr.user("kadis.pupr"))
    kabids = [pupr.position(BINA_MARGA), pupr.position(SDA)]
    follow = [instructions["Untuk ditindaklanjuti"]]
    response = dispose(client, letter, kabids, follow, note="Segera tindak lanjuti")
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:detail", args=[letter.code])
    roots = list(Disposition.objects.filter(letter=letter).order_by("to_position__title"))
    assert [(d.to_position.title, d.state, d.parent_id) for d in roots] == [
        (BINA_MARGA, "sent", None), (SDA, "sent", None)
    ]  # fmt: skip
    assert roots[0].batch == roots[1].batch
    assert [i.name for i in roots[0].instructions.all()] == ["Untuk ditindaklanjuti"]
    assert roots[0].note == "Segera tindak lanjuti"
    event = AuditEvent.objects.get(action="disposition.sent", letter=letter)
    assert sorted(event.data["to"]) == [BINA_MARGA, SDA]
    assert event.acting_for == pupr.position("Kepala Dinas Pekerjaan Umum dan Penataan Ruang")

    # The Kabid re-disposes to his staff; his own disposition counts as read.
    client.force_login(pupr.user("kabid.binamarga"))
    response = dispose(client, letter, [pupr.position(TEKNIK_JALAN)],
                       [instructions["Siapkan konsep jawaban"]])  # fmt: skip
    assert response.status_code == 302
    child = Disposition.objects.get(letter=letter, to_position=pupr.position(TEKNIK_JALAN))
    bina_marga = Disposition.objects.get(letter=letter, to_position=pupr.position(BINA_MARGA))
    assert child.parent == bina_marga and child.from_position == pupr.position(BINA_MARGA)
    assert bina_marga.state == "read" and bina_marga.read_by == pupr.user("kabid.binamarga")

    # Each recipient became a participant, so the staff member now sees the letter.
    roles = set(Participant.objects.filter(letter=letter, role="disposition")
                .values_list("position__title", flat=True))  # fmt: skip
    assert roles == {BINA_MARGA, SDA, TEKNIK_JALAN}
    staff = type(staff).objects.get(pk=staff.pk)
    assert can_view(staff, letter)
    client.force_login(staff)
    response = client.get(reverse("dispositions:tree", args=[letter.code]))
    assert response.status_code == 200
    assert verify_chain(letter.government) == (True, None)


@pytest.mark.django_db
def test_it_refuses_to_dispose_upward_or_sideways(client, pupr, instructions):
    client.force_login(pupr.user("kadis.pupr"))
    dispose(client, pupr.letter, [pupr.position(BINA_MARGA)], [instructions["Untuk diketahui"]])
    client.force_login(pupr.user("kabid.binamarga"))
    for target in (pupr.position("Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
                   pupr.position(SDA)):  # fmt: skip
        response = dispose(client, pupr.letter, [target], [instructions["Untuk diketahui"]])
        assert response.status_code == 200
        assert "You can only dispose to positions below yours" in response.content.decode()
        assert target.title in response.content.decode()
    assert not Disposition.objects.filter(from_position=pupr.position(BINA_MARGA)).exists()
    assert not AuditEvent.objects.filter(
        action="disposition.sent", acting_for=pupr.position(BINA_MARGA)
    ).exists()


@pytest.mark.django_db
def test_it_refuses_someone_the_letter_has_not_reached(client, pupr, instructions):
    """Before a disposition reaches the Kabid he cannot even see the letter: 404."""
    client.force_login(pupr.user("kabid.binamarga"))
    response = dispose(client, pupr.letter, [pupr.position(TEKNIK_JALAN)],
                       [instructions["Untuk diketahui"]])  # fmt: skip
    assert response.status_code == 404
    assert not Disposition.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_reader_whose_position_did_not_receive_it(client, pupr, instructions):
    """The drafter sees the letter but it is not in their inbox: no disposing."""
    client.force_login(pupr.user("staf.aptika"))
    response = client.get(reverse("dispositions:dispose", args=[pupr.letter.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:detail", args=[pupr.letter.code])
    assert not Disposition.objects.exists()


@pytest.mark.django_db
def test_it_requires_an_instruction_and_refuses_a_second_disposition(client, pupr, instructions):
    client.force_login(pupr.user("kadis.pupr"))
    response = dispose(client, pupr.letter, [pupr.position(SDA)], [])
    assert response.status_code == 200
    assert "Choose at least one instruction." in response.content.decode()
    dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    response = dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Koordinasikan"]])
    assert response.status_code == 200
    assert "has already been disposed to" in response.content.decode()
    assert Disposition.objects.filter(letter=pupr.letter).count() == 1


@pytest.mark.django_db
def test_it_refuses_a_due_date_in_the_past(client, pupr, instructions):
    import datetime

    client.force_login(pupr.user("kadis.pupr"))
    past = pupr.letter.government.today() - datetime.timedelta(days=1)
    response = dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]],
                       due=past)  # fmt: skip
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.content.decode()
    assert not Disposition.objects.exists()


@pytest.mark.django_db
def test_it_requires_login_and_the_right_method(client, pupr):
    url = reverse("dispositions:dispose", args=[pupr.letter.code])
    assert client.get(url).status_code == 302
    client.force_login(pupr.user("kadis.pupr"))
    assert client.put(url).status_code == 405


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, pupr, instructions):
    client.force_login(pupr.city.users["walikota"])
    response = dispose(client, pupr.letter, [pupr.position(SDA)], [instructions["Untuk diketahui"]])
    assert response.status_code == 404
    assert client.get(reverse("dispositions:dispose", args=[pupr.letter.code])).status_code == 404
