"""The correcting letter: a new draft prefilled from the revoked one, linked to it."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.lib.dates import long_date_id
from esurat.signing.tests.helpers import pdftext
from esurat.tests.tools import require

pytestmark = pytest.mark.django_db


def _revoked(client, city):
    letter = send_through(city, draft_nota_dinas(city, subject="Rapat tanggal 5"))
    client.force_login(city.users["kadis.kominfo"])
    client.post(reverse("letters:revoke", kwargs={"code": letter.code}),
                {"reason": "Tanggal salah"})  # fmt: skip
    letter.refresh_from_db()
    return letter


def test_it_creates_a_prefilled_draft_linked_to_the_revoked_letter(client, city):
    letter = _revoked(client, city)
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    letter.refresh_from_db()
    draft = letter.superseded_by
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:edit", kwargs={"code": draft.code})
    assert draft.state == Letter.State.DRAFT and not draft.number
    assert (draft.subject, draft.body, draft.kind, draft.security) == (
        letter.subject, letter.body, letter.kind, letter.security)  # fmt: skip
    assert draft.signatory_position == letter.signatory_position
    assert draft.drafter == city.users["staf.aptika"]

    def targets(x):
        return sorted(x.recipients.values_list("kind", "target", "position", "agency"))

    assert targets(draft) == targets(letter)
    assert [s.position for s in draft.review_steps.filter(round=0)] == [
        s.position for s in letter.review_steps.filter(round=0)
    ]
    assert AuditEvent.objects.filter(action="letter.superseded", letter=letter).exists()
    assert AuditEvent.objects.filter(action="letter.correction_of", letter=draft).exists()
    # A second click opens the same draft.
    client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    assert list(Letter.objects.filter(supersedes=letter)) == [draft]
    assert Letter.objects.filter(state=Letter.State.DRAFT).count() == 1
    body = client.get(reverse("letters:detail", kwargs={"code": draft.code})).content.decode()
    assert letter.number in body  # "This letter corrects letter …"


def test_it_lets_recipients_follow_the_correction_once_sent(client, city):
    letter = _revoked(client, city)
    client.force_login(city.users["staf.aptika"])
    client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    letter.refresh_from_db()
    correction = send_through(city, letter.superseded_by)
    client.force_login(city.users["kadis.pupr"])
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert "data-superseded-by" in body and correction.number in body


def test_it_replaces_a_withdrawn_correction(client, city):
    letter = _revoked(client, city)
    client.force_login(city.users["staf.aptika"])
    client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    letter.refresh_from_db()
    first = letter.superseded_by
    client.post(reverse("letters:withdraw", kwargs={"code": first.code}))
    client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    letter.refresh_from_db()
    assert letter.superseded_by != first and letter.superseded_by.state == Letter.State.DRAFT


def test_it_refuses_a_correction_of_a_letter_not_revoked_or_by_others(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    assert Letter.objects.count() == 1
    letter = _revoked(client, city)
    for name in ("kadis.pupr", "sekdis.kominfo"):  # a recipient, the Kadis's delegate
        client.force_login(city.users[name])
        assert (
            client.post(reverse("letters:supersede", kwargs={"code": letter.code})).status_code
            == 302
        )
    letter.refresh_from_db()
    assert letter.superseded_by is None


def test_it_puts_a_reviewer_required_since_the_revoked_letter_into_the_correction(client, city):
    from esurat.organisations.models import Assignment

    # Drafted while the Kabid Bina Marga post was vacant: signed without paraf, then revoked.
    kadis = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    to = [{"kind": "to", "target": "agency", "agency": city.agencies["Diskominfo"]}]
    draft = draft_nota_dinas(city, drafter="staf.pupr", reviewers=[], signatory=kadis, to=to)
    letter = send_through(city, draft, reviewers=(), signer="kadis.pupr")
    client.force_login(city.users["kadis.pupr"])
    client.post(reverse("letters:revoke", kwargs={"code": letter.code}), {"reason": "Salah"})
    kabid = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    Assignment.objects.create(position=kabid, user=city.users["kadis.pupr"], kind="plt")
    client.force_login(city.users["staf.pupr"])
    response = client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    letter.refresh_from_db()
    assert response.status_code == 302 and letter.superseded_by is not None
    assert [s.position for s in letter.superseded_by.review_steps.filter(round=0)] == [kabid]


def test_the_correction_names_the_letter_it_corrects_in_its_pdf_and_verification_page(
    client, city, tmp_path
):
    require("pdftotext")
    letter = _revoked(client, city)
    client.force_login(city.users["staf.aptika"])
    client.post(reverse("letters:supersede", kwargs={"code": letter.code}))
    letter.refresh_from_db()
    correction = send_through(city, letter.superseded_by)
    sentence = (
        f"Ralat atas surat Nomor {letter.number} tanggal {long_date_id(letter.letter_date)} "
        "perihal Rapat tanggal 5."
    )
    client.force_login(city.users["kadis.pupr"])
    pdf = client.get(reverse("letters:download", kwargs={"code": correction.code}))
    assert pdf.status_code == 200
    assert sentence in " ".join(pdftext(pdf.content, tmp_path).split())

    client.logout()
    page = client.get(reverse("signing:verify", kwargs={"code": correction.code}))
    body = page.content.decode()
    assert "data-corrects" in body and letter.number in body and "Rapat tanggal 5" in body
    assert f'href="{reverse("signing:verify", kwargs={"code": letter.code})}"' in body
    # ...and the corrected letter's page still points forward to the correction.
    back = client.get(reverse("signing:verify", kwargs={"code": letter.code})).content.decode()
    assert "data-superseded-by" in back and correction.number in back
    api = client.get(f"/api/v1/letters/{correction.code}/verification").json()
    assert api["corrects"] == {"code": str(letter.code), "number": letter.number}
