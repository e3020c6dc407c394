import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_renders_the_timeline_partial(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:timeline", args=[letter.code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="panel" id="timeline"')
    assert "<html" not in body
    assert "Muhammad Rizky Pratama" in body and letter.number in body


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:timeline", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    letter = draft_nota_dinas(city)
    url = reverse("letters:timeline", args=[letter.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.post(url).status_code == 405


def _timeline(client, city, letter, username="staf.aptika"):
    client.force_login(city.users[username])
    return client.get(reverse("letters:timeline", args=[letter.code])).content.decode()


@pytest.mark.django_db
def test_delivery_counts_inboxes_in_the_singular_and_the_plural(client, city):
    # To the head of Dinas PUPR only (no tembusan): one inbox.
    one = send_through(city, draft_nota_dinas(city, cc=[]))
    assert "The letter was delivered to 1 inbox." in _timeline(client, city, one)
    # To Dinas PUPR, tembusan Sekda: two.
    two = send_through(city, draft_nota_dinas(city))
    assert "The letter was delivered to 2 inboxes." in _timeline(client, city, two)


@pytest.mark.django_db
def test_a_letter_only_to_outside_parties_does_not_say_zero_inboxes(client, city):
    from esurat.letters.models import ExternalParty

    party = ExternalParty.objects.create(
        government=city.government, name="PT Jaya Konstruksi",
        match_key=ExternalParty.key_for("PT Jaya Konstruksi"), email="surat@jaya.example",
    )  # fmt: skip
    to = [{"kind": "to", "target": "external", "external": party}]
    letter = send_through(city, draft_nota_dinas(city, to=to, cc=[]))
    body = _timeline(client, city, letter)
    assert "0 inbox" not in body
    assert "No recipient is on e-Surat: the letter leaves by e-mail or on paper." in body


def test_every_letter_event_the_code_records_has_a_sentence_in_the_timeline():
    """A new audit action of a letter without a sentence would show as "Name: letter.x." (it
    happened with letter.cosigned). The actions are read from the source, as the policy test
    reads the URL names."""
    import re
    from pathlib import Path

    from esurat.letters.views.letter import event_texts

    root = Path(__file__).resolve().parents[2]
    recorded = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "letter.py":
            continue  # letter.py: the view that holds the sentences
        recorded |= set(re.findall(r'"((?:letter|number|delivery|disposition)\.[a-z_]+)"',
                                   path.read_text()))  # fmt: skip
    assert "letter.cosigned" in recorded and "letter.signed" in recorded  # the scan works
    missing = recorded - set(event_texts()) - {"letter.delivered"}  # delivered: _delivered_text
    assert not missing, missing


def _submitted(city, **kwargs):
    from esurat.letters import actions
    from esurat.letters.access import Action, seat_for_action

    letter = draft_nota_dinas(city, **kwargs)
    seat = seat_for_action(letter.drafter, letter, Action.SUBMIT)
    return actions.do_submit(letter=letter, seat=seat, user=letter.drafter)


@pytest.mark.django_db
def test_it_says_a_draft_with_a_reviewer_was_submitted_for_review(client, city):
    letter = _submitted(city)  # staff, paraf by the Kabid
    body = _timeline(client, city, letter)
    assert "(Pranata Komputer Ahli Pertama) submitted the draft for review." in body
    assert "straight for signature" not in body


@pytest.mark.django_db
def test_it_says_a_draft_without_reviewer_went_straight_to_signature(client, city):
    letter = _submitted(city, reviewers=[])  # the Kabid's own letter, signed by the Kadis
    body = _timeline(client, city, letter, username="kabid.aptika")
    assert (
        "(Kepala Bidang Aplikasi Informatika) submitted the draft straight for signature, "
        "without review (paraf)." in body
    )
    assert "for review." not in body
