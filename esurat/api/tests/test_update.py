import pytest

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas


@pytest.mark.django_db
def test_it_changes_a_draft_and_keeps_every_version(client, city):
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    sekda = str(city.position("Setda", "Sekretaris Daerah").code)
    chain = [str(city.position("Diskominfo", t).code)
             for t in ("Kepala Bidang Aplikasi Informatika", "Sekretaris Dinas")]  # fmt: skip
    response = staff.patch(f"/letters/{letter.code}", {
        "subject": "Rapat SPBE (revisi)", "urgency": "sangat_segera", "note": "Judul diperjelas",
        "reviewers": chain, "recipients": [{"target": "position", "position": sekda}],
    })  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2 and data["urgency"] == "sangat_segera"
    assert [r["code"] for r in data["reviewers"]] == chain
    assert [r["position"]["code"] for r in data["recipients"]] == [sekda]
    fresh = Letter.objects.get(pk=letter.pk)
    assert (fresh.subject, fresh.version) == ("Rapat SPBE (revisi)", 2)
    versions = staff.get(f"/letters/{letter.code}/versions").json()
    assert [(v["number"], v["subject"], v["note"]) for v in versions] == [
        (1, "Undangan rapat koordinasi", ""), (2, "Rapat SPBE (revisi)", "Judul diperjelas"),
    ]  # fmt: skip
    event = AuditEvent.objects.get(letter=letter, action="letter.updated")
    assert event.data["version"] == 2


@pytest.mark.django_db
def test_it_keeps_the_version_when_only_metadata_changes(client, city):
    letter = draft_nota_dinas(city)
    response = caller(client, city, "staf.aptika").patch(f"/letters/{letter.code}",
                                                         {"security": "T"})  # fmt: skip
    assert response.status_code == 200 and response.json()["version"] == 1
    assert Letter.objects.get(pk=letter.pk).security == "T"


@pytest.mark.django_db
def test_it_refuses_invalid_changes_with_422(client, city):
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    assert staff.patch(f"/letters/{letter.code}", {"kind": "nope"}).status_code == 422
    assert staff.patch(f"/letters/{letter.code}", {"enclosures": -1}).status_code == 422
    assert Letter.objects.get(pk=letter.pk).version == 1
