import re
import uuid

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter, Recipient, ReviewStep

TITLE_KADIS_PUPR = "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"


def _post_data(city, **overrides):
    pupr = city.agencies["Dinas PUPR"]
    sekda = city.position("Setda", "Sekretaris Daerah")
    data = {
        "client_token": str(uuid.uuid4()),
        "kind": "nota-dinas",
        "classification": "000.1.2.3 Naskah Dinas",
        "security": "B",
        "urgency": "segera",
        "subject": "Rapat koordinasi jaringan",
        "body": "<p>Dengan hormat,</p><script>alert(1)</script>",
        "enclosures": "1",
        "to": [f"agency:{pupr.code}"],
        "cc": [f"position:{sekda.code}"],
        "reviewers": [
            str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code),
            "",
        ],
        "signatory": str(
            city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika").code
        ),
        "qualifier": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_shows_the_form_with_the_chain_defaults(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:new"))
    assert response.status_code == 200
    form = response.context["form"]
    kabid = city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika")
    kadis = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    assert form["reviewers"].value() == [str(kabid.code)]
    assert form["signatory"].value() == str(kadis.code)
    body = response.content.decode()
    assert "data-once" in body and "data-autosave" in body and "trix-editor" in body
    assert 'name="client_token"' in body


@pytest.mark.django_db
def test_it_proposes_no_vacant_superior_in_the_chain(client, city):
    """Kabid Bina Marga has no holder and nobody acts for it: proposing it would leave the draft
    waiting for a paraf nobody can give; once a Plt is appointed it is proposed."""
    from esurat.organisations.models import Assignment

    client.force_login(city.users["staf.pupr"])
    kabid = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    assert kabid.holder_id is None
    assert client.get(reverse("letters:new")).context["form"]["reviewers"].value() == []
    Assignment.objects.create(position=kabid, user=city.users["kadis.pupr"], kind="plt")
    form = client.get(reverse("letters:new")).context["form"]
    assert form["reviewers"].value() == [str(kabid.code)]


@pytest.mark.django_db
def test_it_creates_a_draft_with_recipients_and_chain(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:new"), _post_data(city))
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:detail", args=[letter.code])
    assert letter.state == Letter.State.DRAFT
    assert (letter.security, letter.urgency, letter.enclosures) == ("B", "segera", 1)
    assert letter.classification.code == "000.1.2.3"
    assert "<script>" not in letter.body and "Dengan hormat" in letter.body
    assert letter.drafter_position == city.position("Diskominfo", "Pranata Komputer Ahli Pertama")
    kinds = sorted(letter.recipients.values_list("kind", "target"))
    assert kinds == [(Recipient.Kind.CC, "position"), (Recipient.Kind.TO, "agency")]
    steps = list(ReviewStep.objects.filter(letter=letter, round=0).values_list("position__title"))
    assert steps == [("Kepala Bidang Aplikasi Informatika",)]
    event = AuditEvent.objects.get(letter=letter, action="letter.created")
    assert event.actor == city.users["staf.aptika"]


@pytest.mark.django_db
def test_it_creates_one_letter_when_the_form_is_posted_twice(client, city):
    client.force_login(city.users["staf.aptika"])
    data = _post_data(city)
    first = client.post(reverse("letters:new"), data)
    second = client.post(reverse("letters:new"), data)
    assert Letter.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action="letter.created").count() == 1


@pytest.mark.django_db
def test_it_keeps_what_was_typed_when_the_form_is_refused(client, city):
    client.force_login(city.users["staf.aptika"])
    data = _post_data(city, to=[], classification="999.999 Tidak ada")
    response = client.post(reverse("letters:new"), data)
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    form = response.context["form"]
    assert "to" in form.errors and "classification" in form.errors
    body = response.content.decode()
    assert "Rapat koordinasi jaringan" in body
    assert data["cc"][0] in body and "checked" in body


@pytest.mark.django_db
def test_it_refuses_a_signatory_who_may_not_sign(client, city):
    client.force_login(city.users["staf.aptika"])
    staff = city.position("Diskominfo", "Pengadministrasi Umum")
    response = client.post(reverse("letters:new"), _post_data(city, signatory=str(staff.code)))
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    assert response.context["form"].errors


@pytest.mark.django_db
def test_it_requires_login(client):
    response = client.get(reverse("letters:new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_refuses_other_methods(client, city):
    client.force_login(city.users["staf.aptika"])
    assert client.put(reverse("letters:new")).status_code == 405


@pytest.mark.django_db
def test_it_sends_someone_without_a_position_away(client, city):
    client.force_login(city.users["admin"])
    response = client.get(reverse("letters:new"))
    assert response.status_code == 302
    assert Letter.objects.count() == 0


def _selected(body: str, select_id: str) -> str | None:
    """The value of the selected option of <select id=…> in the rendered page."""
    match = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', body, re.S)
    assert match, select_id
    chosen = re.search(r'<option value="([^"]*)" selected>', match.group(1))
    return chosen.group(1) if chosen else None


@pytest.mark.django_db
def test_it_shows_the_chosen_chain_again_when_the_form_is_refused(client, city):
    kabid = str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code)
    sekdis = str(city.position("Diskominfo", "Sekretaris Dinas").code)
    kadis_pupr = str(city.position("Dinas PUPR", TITLE_KADIS_PUPR).code)
    client.force_login(city.users["staf.aptika"])
    data = _post_data(city, subject="", reviewers=[kabid, sekdis, ""],
                      cosignatories=[kadis_pupr, "", ""])  # fmt: skip
    response = client.post(reverse("letters:new"), data)
    assert response.status_code == 200 and "subject" in response.context["form"].errors
    assert Letter.objects.count() == 0
    body = response.content.decode()
    # Both paraf lines and the co-signatory line show what was chosen, then one empty line.
    assert _selected(body, "reviewer-1") == kabid and _selected(body, "reviewer-2") == sekdis
    assert _selected(body, "reviewer-3") == ""
    assert _selected(body, "cosignatory-1") == kadis_pupr
    assert _selected(body, "cosignatory-2") == ""
    # The page tells the autosave that the server's form is the truth: no older copy over it.
    assert re.search(r'<form[^>]*id="compose-form"[^>]*data-autosave-bound', body) or re.search(
        r'<form[^>]*data-autosave-bound[^>]*id="compose-form"', body
    )


@pytest.mark.django_db
def test_it_marks_only_a_refused_form_as_bound_for_the_autosave(client, city):
    client.force_login(city.users["staf.aptika"])
    assert "data-autosave-bound" not in client.get(reverse("letters:new")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("reviewers", [[""], [], ["sekdis"]])
def test_it_refuses_a_chain_that_skips_the_kabid(client, city, reviewers):
    sekdis = str(city.position("Diskominfo", "Sekretaris Dinas").code)
    reviewers = [sekdis if r == "sekdis" else r for r in reviewers]
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:new"), _post_data(city, reviewers=reviewers))
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    assert not AuditEvent.objects.filter(action="letter.created").exists()
    body = response.content.decode()
    assert "Kepala Bidang Aplikasi Informatika must approve (paraf) this letter" in body


@pytest.mark.django_db
def test_it_lets_the_drafter_add_a_reviewer_before_or_after_the_required_one(client, city):
    kabid = str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code)
    sekdis = str(city.position("Diskominfo", "Sekretaris Dinas").code)
    client.force_login(city.users["staf.aptika"])
    for chain in ([kabid, sekdis], [sekdis, kabid]):
        response = client.post(reverse("letters:new"), _post_data(city, reviewers=chain))
        assert response.status_code == 302
        letter = Letter.objects.get(code=response["Location"].split("/")[-2])
        planned = letter.review_steps.filter(round=0).order_by("order")
        assert [str(s.position.code) for s in planned] == chain


@pytest.mark.django_db
def test_it_lets_the_kabid_send_their_own_letter_straight_to_the_kadis(client, city):
    client.force_login(city.users["kabid.aptika"])
    response = client.post(reverse("letters:new"), _post_data(city, reviewers=[""]))
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert not letter.review_steps.exists()
    assert AuditEvent.objects.filter(letter=letter, action="letter.created").count() == 1
