"""Revoking a letter tells every outside recipient the way the letter reached them: an e-mail
notice to those it was e-mailed to, a printed notice of revocation (esurat/delivery/notice.py)
for the clerk to carry to those who got it on paper."""

import pytest
from django.urls import reverse

from esurat.api.tests.helpers import API, caller
from esurat.delivery.actions import plan_revocation_notices
from esurat.delivery.mail import deliver
from esurat.delivery.models import Dispatch
from esurat.delivery.tests.conftest import external_party
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.signing.pdf import verification_url
from esurat.signing.tests.helpers import first_page_png, pdftext

pytestmark = pytest.mark.django_db

CLERK, OTHER_CLERK, OUTSIDER = "agendaris.kominfo", "agendaris.pupr", "staf.pupr"
SIGNATORY = "kadis.kominfo"
REASON = "Salah tanggal rapat"


def _letter_to_two_parties(city, security="B"):
    """A sent Diskominfo letter to Kemendagri (by e-mail) and, tembusan, PT Jalan Raya (no
    address: on paper)."""
    mailed = external_party(city, name="Kementerian Dalam Negeri", email="tu@kemendagri.go.id")
    paper = external_party(city, name="PT Jalan Raya", email="")
    paper.address = "Jl. Ahmad Yani No. 7, Banua Raya"
    paper.save(update_fields=["address"])
    to = [{"kind": "to", "target": "external", "external": mailed}]
    cc = [{"kind": "cc", "target": "external", "external": paper}]
    letter = send_through(city, draft_nota_dinas(city, to=to, cc=cc, security=security))
    for code in letter.dispatches.filter(method="email").values_list("code", flat=True):
        assert deliver(str(code)) == "sent"  # what the worker does after the commit
    return letter


def _revoke(client, city, letter, supersede=False):
    client.force_login(city.users[SIGNATORY])
    data = {"reason": REASON, **({"supersede": "on"} if supersede else {})}
    response = client.post(reverse("letters:revoke", kwargs={"code": letter.code}), data)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.REVOKED
    return letter


def _notices(letter):
    return {d.recipient_name: d for d in letter.dispatches.filter(purpose="revocation")}


def test_it_plans_an_email_notice_and_a_paper_notice(client, city):
    letter = _letter_to_two_parties(city)
    copies = {d.recipient_name: d for d in letter.dispatches.filter(purpose="letter")}
    assert {n: d.method for n, d in copies.items()} == {
        "Kementerian Dalam Negeri": "email", "PT Jalan Raya": "print"
    }  # fmt: skip
    letter = _revoke(client, city, letter)
    notices = _notices(letter)
    mail, paper = notices["Kementerian Dalam Negeri"], notices["PT Jalan Raya"]
    assert (mail.method, mail.state, mail.email) == ("email", "queued", "tu@kemendagri.go.id")
    assert (paper.method, paper.state, paper.email) == ("print", "to_print", "")
    assert (paper.key, paper.kind) == (copies["PT Jalan Raya"].key, "cc")
    # Entered in the dispatch book after the letter's copies, each with its own number.
    seqs = sorted(d.book_seq for d in letter.dispatches.all())
    assert len(set(seqs)) == 4 and {mail.book_seq, paper.book_seq} == set(seqs[2:])
    assert (
        paper.agency_id == letter.agency_id and paper.book_year == copies["PT Jalan Raya"].book_year
    )


def test_it_plans_the_notices_only_once(client, city):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    before = list(letter.dispatches.values_list("pk", "book_seq"))
    assert plan_revocation_notices(letter, now=letter.revoked_at) == []
    assert list(letter.dispatches.values_list("pk", "book_seq")) == before
    # The signatory revoking again is refused; still nothing new.
    client.post(reverse("letters:revoke", kwargs={"code": letter.code}), {"reason": "Lagi"})
    assert list(letter.dispatches.values_list("pk", "book_seq")) == before


def test_it_notifies_a_paper_recipient_whatever_the_state_of_its_copy(client, city):
    """Carried, received or still in the office: the book may lag behind the courier."""
    letter = _letter_to_two_parties(city)
    copy = letter.dispatches.get(purpose="letter", method="print")
    Dispatch.objects.filter(pk=copy.pk).update(state="received", received_by="Satpam")
    letter = _revoke(client, city, letter)
    assert _notices(letter)["PT Jalan Raya"].state == "to_print"


def test_it_prints_the_notice_with_number_reason_and_addressee(client, city, tmp_path):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    paper = _notices(letter)["PT Jalan Raya"]
    client.force_login(city.users[CLERK])
    response = client.get(reverse("delivery:notice", kwargs={"code": paper.code}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    data = response.content
    assert data.startswith(b"%PDF")
    text = " ".join(pdftext(data, tmp_path).split())
    for expected in ("PEMBERITAHUAN PENCABUTAN SURAT", letter.number, REASON, "PT Jalan Raya",
                     "Jl. Ahmad Yani No. 7", letter.subject, "DICABUT", paper.book_number,
                     verification_url(letter), "tidak memerlukan tanda tangan"):  # fmt: skip
        assert expected in text, expected
    assert "Undangan rapat koordinasi" in text
    first_page_png(data, "revocation_notice", tmp_path)


def test_it_names_the_correcting_letter_once_it_is_sent(client, city, tmp_path):
    letter = _revoke(client, city, _letter_to_two_parties(city), supersede=True)
    paper = _notices(letter)["PT Jalan Raya"]
    client.force_login(city.users[CLERK])
    url = reverse("delivery:notice", kwargs={"code": paper.code})
    text = " ".join(pdftext(client.get(url).content, tmp_path).split())
    assert "Surat pengganti (ralat) : -" in text  # the correction is still a draft
    correction = send_through(city, letter.superseded_by, drafter=SIGNATORY)
    text = " ".join(pdftext(client.get(url).content, tmp_path).split())
    assert f"Surat pengganti (ralat) : Nomor {correction.number}" in text
    first_page_png(client.get(url).content, "revocation_notice_corrected", tmp_path)


def test_it_leaves_the_subject_and_reason_of_a_secret_letter_off_the_notice(client, city, tmp_path):
    letter = _revoke(client, city, _letter_to_two_parties(city, security="R"))
    notices = _notices(letter)
    assert {d.method for d in notices.values()} == {"print"}  # R is never e-mailed
    client.force_login(city.users[CLERK])
    response = client.get(
        reverse("delivery:notice", kwargs={"code": notices["PT Jalan Raya"].code})
    )
    text = " ".join(pdftext(response.content, tmp_path).split())
    assert letter.number in text and "Rahasia" in text and "PT Jalan Raya" in text
    assert REASON not in text and letter.subject not in text
    first_page_png(response.content, "revocation_notice_secret", tmp_path)


def test_it_gives_the_notice_to_the_sending_agencys_clerk_only(client, city):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    paper = _notices(letter)["PT Jalan Raya"]
    url = reverse("delivery:notice", kwargs={"code": paper.code})
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name in (OTHER_CLERK, OUTSIDER, SIGNATORY):
        client.force_login(city.users[name])
        assert client.get(url).status_code == 404, name
    client.force_login(city.users[CLERK])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    # A copy of the letter has no notice of its own.
    copy = letter.dispatches.get(purpose="letter", method="print")
    assert client.get(reverse("delivery:notice", kwargs={"code": copy.code})).status_code == 404


def test_it_offers_the_notice_to_print_on_the_dispatch_page(client, city):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    paper = _notices(letter)["PT Jalan Raya"]
    client.force_login(city.users[CLERK])
    page = reverse("delivery:dispatch", kwargs={"code": paper.code})
    body = client.get(page).content.decode()
    assert reverse("delivery:notice", kwargs={"code": paper.code}) in body
    assert reverse("letters:download", kwargs={"code": letter.code}) not in body
    # Printed, carried and received as a letter's copy is.
    assert client.post(reverse("delivery:printed", kwargs={"code": paper.code})).status_code == 302
    response = client.post(page, {"carried_by": "Pak Udin (kurir)",
                                  "carried_at": "2020-01-02T09:00"})  # fmt: skip
    assert response.status_code == 302
    paper.refresh_from_db()
    assert (paper.state, paper.carried_by) == ("carried", "Pak Udin (kurir)")


def test_it_holds_back_a_revoked_letters_copy_still_in_the_office(client, city):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    copy = letter.dispatches.get(purpose="letter", method="print")
    notice = _notices(letter)["PT Jalan Raya"]
    client.force_login(city.users[CLERK])
    body = client.get(reverse("delivery:dispatch", kwargs={"code": copy.code})).content.decode()
    assert 'data-held-back="1"' in body
    assert reverse("delivery:dispatch", kwargs={"code": notice.code}) in body
    assert reverse("letters:download", kwargs={"code": letter.code}) not in body
    client.post(reverse("delivery:printed", kwargs={"code": copy.code}))
    copy.refresh_from_db()
    assert copy.state == "to_print"  # refused: print the notice instead
    # The clerk's to-do list shows the notice, not the copy that stays in the office.
    todo = client.get(reverse("delivery:book") + "?show=to_print").content.decode()
    assert notice.book_number in todo and copy.book_number not in todo
    assert copy.book_number in client.get(reverse("delivery:book")).content.decode()


def test_it_sends_a_failed_email_notice_on_paper_but_not_the_revoked_letter(client, city):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    mail = _notices(letter)["Kementerian Dalam Negeri"]
    copy = letter.dispatches.get(purpose="letter", method="email")
    Dispatch.objects.filter(pk__in=[mail.pk, copy.pk]).update(state="failed")
    client.force_login(city.users[CLERK])
    client.post(reverse("delivery:on_paper", kwargs={"code": copy.code}))
    copy.refresh_from_db()
    assert (copy.method, copy.state) == ("email", "failed")
    client.post(reverse("delivery:on_paper", kwargs={"code": mail.code}))
    mail.refresh_from_db()
    assert (mail.method, mail.state) == ("print", "to_print")
    response = client.get(reverse("delivery:notice", kwargs={"code": mail.code}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- the API --------------------------------------------------------------------------------------


def test_it_gives_the_notice_over_the_api_to_the_clerk_only(client, city, tmp_path):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    paper = _notices(letter)["PT Jalan Raya"]
    path = f"/dispatches/{paper.code}/notice"
    response = caller(client, city, CLERK).get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "PT Jalan Raya" in pdftext(response.content, tmp_path)
    saved = caller(client, city, CLERK).get(path, download="1")
    assert saved["Content-Disposition"].startswith("attachment;")
    for name in (OTHER_CLERK, OUTSIDER, SIGNATORY):
        assert caller(client, city, name).get(path).status_code == 404, name
    client.logout()
    assert client.get(API + path).status_code == 401
    copy = letter.dispatches.get(purpose="letter", method="print")
    assert caller(client, city, CLERK).get(f"/dispatches/{copy.code}/notice").status_code == 404


def test_it_lists_the_notices_in_the_deliveries_and_the_dispatch_book(client, city):
    letter = _revoke(client, city, _letter_to_two_parties(city))
    deliveries = caller(client, city, CLERK).get(f"/letters/{letter.code}/deliveries").json()
    assert sorted((d["purpose"], d["method"], d["state"]) for d in deliveries) == [
        ("letter", "email", "sent"), ("letter", "print", "to_print"),
        ("revocation", "email", "queued"), ("revocation", "print", "to_print"),
    ]  # fmt: skip
    book = caller(client, city, CLERK).get("/dispatch-book", show="to_print").json()
    assert [(i["purpose"], i["recipient_name"]) for i in book["items"]] == [
        ("revocation", "PT Jalan Raya")
    ]
    assert book["items"][0]["letter"]["state"] == "revoked"


def test_it_withholds_an_email_of_the_letter_not_sent_yet(client, city, mailoutbox):
    """Revoked before the worker sent it: the e-mail never goes out, and its recipient, who
    never got the letter, gets no notice either."""
    party = external_party(city, name="Kementerian Dalam Negeri", email="tu@kemendagri.go.id")
    to = [{"kind": "to", "target": "external", "external": party}]
    letter = send_through(city, draft_nota_dinas(city, to=to))
    copy = letter.dispatches.get(purpose="letter", method="email")
    assert copy.state == "queued"
    letter = _revoke(client, city, letter)
    copy.refresh_from_db()
    assert copy.state == Dispatch.State.WITHHELD and copy.next_attempt_at is None
    assert _notices(letter) == {}
    assert deliver(str(copy.code)) == "withheld" and mailoutbox == []
