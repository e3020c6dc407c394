"""The letter as a document over the API (esurat/api/documents.py): its PDF, revoking it and
preparing its correction, its delivery outside the system and the dispatch book, and the public
verification facts. Each endpoint is checked for the same people as the screens."""

import datetime
import hashlib
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from esurat.api.tests.helpers import API, caller
from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.delivery.tests.conftest import external_party
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.signing.models import SignedDocument
from esurat.signing.tests.conftest import authority, local_signing, sign, to_signature
from esurat.signing.tests.helpers import pdftext, pyhanko_check
from esurat.tests.tools import require

pytestmark = pytest.mark.django_db
__all__ = ["authority", "local_signing"]  # fixtures

DRAFTER, SIGNATORY, RECIPIENT = "staf.aptika", "kadis.kominfo", "sekda"
CLERK, OTHER_CLERK, OUTSIDER = "agendaris.kominfo", "agendaris.pupr", "staf.pupr"
PEOPLE = (DRAFTER, SIGNATORY, RECIPIENT, CLERK, OTHER_CLERK, OUTSIDER)
# Token, clerk roles, the clerk's agencies, the count, the page: none per row.
QUERIES_BOOK = 5


def _outside_letter(city, *, email="", security="B", name="PT Jalan Raya"):
    """A sent Diskominfo letter to one outside party (on paper without an e-mail address),
    tembusan Sekda: the sender's clerk keeps its dispatch book; Dinas PUPR has no part in it."""
    party = external_party(city, name=name, email=email)
    to = [{"kind": "to", "target": "external", "external": party}]
    letter = send_through(city, draft_nota_dinas(city, to=to, security=security))
    return letter, Dispatch.objects.get(letter=letter, purpose="letter")


def _answers(client, city, send, people=PEOPLE) -> dict:
    """Each person's status code for `send(caller)`, and the anonymous one's."""
    codes = {name: send(caller(client, city, name)).status_code for name in people}
    client.logout()
    codes["anonymous"] = send(_Anonymous(client)).status_code
    return codes


class _Anonymous:
    def __init__(self, client):
        self.client = client

    def get(self, path, **params):
        return self.client.get(API + path, params)

    def post(self, path, data=None):
        return self.client.post(API + path, data or {}, content_type="application/json")


# --- the PDF -------------------------------------------------------------------------------------


def test_it_gives_the_pdf_to_who_may_read_the_letter(client, city):
    letter, _row = _outside_letter(city)
    codes = _answers(client, city, lambda who: who.get(f"/letters/{letter.code}/pdf"))
    assert codes == {DRAFTER: 200, SIGNATORY: 200, RECIPIENT: 200, CLERK: 200,
                     OTHER_CLERK: 404, OUTSIDER: 404, "anonymous": 401}  # fmt: skip
    assert client.get(f"{API}/letters/{uuid.uuid4()}/pdf").status_code == 401
    assert caller(client, city, SIGNATORY).get(f"/letters/{uuid.uuid4()}/pdf").status_code == 404


def test_it_answers_inline_or_as_a_file(client, city):
    letter, _row = _outside_letter(city)
    who = caller(client, city, RECIPIENT)
    name = f"{letter.number.replace('/', '-')}.pdf"
    inline = who.get(f"/letters/{letter.code}/pdf")
    assert inline.status_code == 200 and inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"] == f"inline; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert inline["Cache-Control"] == "private, no-store"
    assert inline.content.startswith(b"%PDF")
    saved = who.get(f"/letters/{letter.code}/pdf", download="1")
    assert saved["Content-Disposition"].startswith(f'attachment; filename="{name}"; ')
    assert who.get(f"/letters/{letter.code}/pdf", download="0")["Content-Disposition"].startswith(
        "inline"
    )


def test_it_gives_the_registered_signed_pdf_byte_for_byte(client, city, authority):
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    document = SignedDocument.objects.get(letter=letter)
    stored = document.file.open("rb").read()
    response = caller(client, city, "kadis.pupr").get(f"/letters/{letter.code}/pdf", download="1")
    assert response.status_code == 200
    assert response.content == stored
    assert hashlib.sha256(response.content).hexdigest() == document.sha256
    assert pyhanko_check(response.content, authority).ok
    # The screen gives the very same bytes.
    client.force_login(city.users["kadis.pupr"])
    screen = client.get(reverse("letters:download", kwargs={"code": letter.code}))
    assert screen.content == response.content
    assert not AuditEvent.objects.filter(action="letter.downloaded").exists()  # B: not logged


@pytest.mark.parametrize("security", ["R", "SR"])
def test_it_stamps_a_secret_copy_with_the_reader_and_logs_each_one(client, city, authority,
                                                                   tmp_path, security):  # fmt: skip
    require("pdftotext")
    letter = sign(city, to_signature(city, draft_nota_dinas(city, security=security)))
    document = SignedDocument.objects.get(letter=letter)
    original = document.file.open("rb").read()
    reader = city.users["kadis.pupr"]
    response = caller(client, city, "kadis.pupr").get(f"/letters/{letter.code}/pdf", download="1")
    assert response.status_code == 200
    copy = response.content
    assert copy != original and not pyhanko_check(copy, authority).ok
    text = " ".join(pdftext(copy, tmp_path).split())
    assert f"Salinan untuk {reader.get_full_name()} (NIP {reader.nip})" in text
    assert " WITA." in text  # the government's clock, also for a token caller
    assert SignedDocument.objects.get(letter=letter).file.open("rb").read() == original
    event = AuditEvent.objects.get(action="letter.downloaded", letter=letter)
    assert event.actor == reader and event.data == {
        "security": security, "inline": False, "original_sha256": document.sha256, "signed": True
    }  # fmt: skip
    caller(client, city, "kadis.pupr").get(f"/letters/{letter.code}/pdf")
    events = AuditEvent.objects.filter(action="letter.downloaded", letter=letter).order_by("seq")
    assert [e.data["inline"] for e in events] == [False, True]
    # The registry clerks and the delegate may not read it: 404, and nothing is logged.
    for name in ("agendaris.kominfo", "agendaris.pupr", "sekdis.kominfo"):
        assert caller(client, city, name).get(f"/letters/{letter.code}/pdf").status_code == 404
    assert events.count() == 2


# --- revoke and correct --------------------------------------------------------------------------


def test_it_lets_only_the_signatory_revoke_a_sent_letter(client, city):
    letter, _row = _outside_letter(city)
    body = {"reason": "Salah tanggal rapat"}
    others = (DRAFTER, RECIPIENT, CLERK, OTHER_CLERK, OUTSIDER)
    codes = _answers(client, city, lambda who: who.post(f"/letters/{letter.code}/revoke", body),
                     people=others)  # fmt: skip
    assert codes == {DRAFTER: 409, RECIPIENT: 409, CLERK: 409, OTHER_CLERK: 404, OUTSIDER: 404,
                     "anonymous": 401}  # fmt: skip
    refused = caller(client, city, DRAFTER).post(f"/letters/{letter.code}/revoke", body)
    assert refused.json() == {"detail": "Only the signatory can revoke a sent letter."}
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT
    response = caller(client, city, SIGNATORY).post(f"/letters/{letter.code}/revoke", body)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "revoked"
    letter.refresh_from_db()
    assert letter.state == Letter.State.REVOKED and letter.revoke_reason == "Salah tanggal rapat"
    event = AuditEvent.objects.get(action="letter.revoked", letter=letter)
    assert event.actor == city.users[SIGNATORY] and event.data["reason"] == "Salah tanggal rapat"
    # Twice: the letter is no longer sent.
    again = caller(client, city, SIGNATORY).post(f"/letters/{letter.code}/revoke", body)
    assert again.status_code == 409


def test_it_refuses_a_revocation_without_a_reason(client, city):
    letter, _row = _outside_letter(city)
    signatory = caller(client, city, SIGNATORY)
    assert signatory.post(f"/letters/{letter.code}/revoke", {}).status_code == 422
    blank = signatory.post(f"/letters/{letter.code}/revoke", {"reason": "   "})
    assert blank.status_code == 409
    assert blank.json() == {"detail": "Give the reason for revoking the letter."}
    # An outsider sending garbage learns nothing: 404.
    response = caller(client, city, OUTSIDER).client.post(
        f"{API}/letters/{letter.code}/revoke", "{not json", content_type="application/json",
        headers=caller(client, city, OUTSIDER).headers,
    )  # fmt: skip
    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT


def test_it_prepares_the_correction_of_a_revoked_letter_once(client, city):
    letter, _row = _outside_letter(city)
    path = f"/letters/{letter.code}/correction"
    assert caller(client, city, DRAFTER).post(path).status_code == 409  # not revoked yet
    caller(client, city, SIGNATORY).post(f"/letters/{letter.code}/revoke", {"reason": "Salah"})
    codes = _answers(client, city, lambda who: who.post(path),
                     people=(RECIPIENT, CLERK, OTHER_CLERK, OUTSIDER))  # fmt: skip
    assert codes == {RECIPIENT: 409, CLERK: 409, OTHER_CLERK: 404, OUTSIDER: 404,
                     "anonymous": 401}  # fmt: skip
    response = caller(client, city, DRAFTER).post(path)
    assert response.status_code == 201, response.content
    out = response.json()
    draft = Letter.objects.get(code=out["code"])
    assert out == {"code": str(draft.code), "state": "draft", "corrects": str(letter.code),
                   "url": f"{API}/letters/{draft.code}",
                   "edit_url": reverse("letters:edit", kwargs={"code": draft.code})}  # fmt: skip
    letter.refresh_from_db()
    assert letter.superseded_by == draft and draft.subject == letter.subject
    assert AuditEvent.objects.filter(action="letter.superseded", letter=letter).count() == 1
    # The signatory asking too gets the same draft, not a second one.
    again = caller(client, city, SIGNATORY).post(path)
    assert again.status_code == 200 and again.json()["code"] == str(draft.code)
    assert AuditEvent.objects.filter(action="letter.superseded", letter=letter).count() == 1
    assert caller(client, city, DRAFTER).get(f"/letters/{draft.code}").status_code == 200


# --- delivery outside the system -----------------------------------------------------------------


def test_it_shows_the_outside_deliveries_to_the_drafting_side_and_the_clerk(client, city):
    letter, row = _outside_letter(city)
    codes = _answers(client, city, lambda who: who.get(f"/letters/{letter.code}/deliveries"))
    assert codes == {DRAFTER: 200, SIGNATORY: 200, RECIPIENT: 404, CLERK: 200, OTHER_CLERK: 404,
                     OUTSIDER: 404, "anonymous": 401}  # fmt: skip
    items = caller(client, city, DRAFTER).get(f"/letters/{letter.code}/deliveries").json()
    assert [(d["code"], d["book_number"], d["recipient_name"], d["method"], d["state"])
            for d in items] == [(str(row.code), row.book_number, "PT Jalan Raya", "print",
                                 "to_print")]  # fmt: skip


def test_it_shows_the_email_status_and_attempts(client, city):
    letter, row = _outside_letter(city, email="tu@jalanraya.co.id")
    Dispatch.objects.filter(pk=row.pk).update(state="retrying", attempts=3,
                                              last_error="451 try later")  # fmt: skip
    [item] = caller(client, city, SIGNATORY).get(f"/letters/{letter.code}/deliveries").json()
    assert (item["method"], item["state"], item["attempts"], item["email"]) == (
        "email", "retrying", 3, "tu@jalanraya.co.id"
    )  # fmt: skip
    assert "last_error" not in item  # the mail server's answer is for the clerk's book
    entry = caller(client, city, CLERK).get(f"/dispatches/{row.code}").json()
    assert entry["last_error"] == "451 try later" and entry["letter"]["code"] == str(letter.code)


def test_it_has_no_deliveries_before_the_letter_is_sent(client, city):
    draft = draft_nota_dinas(city)
    assert caller(client, city, DRAFTER).get(f"/letters/{draft.code}/deliveries").status_code == 404


def test_it_lists_the_dispatch_book_for_the_sending_agencys_clerk_only(client, city):
    letter, row = _outside_letter(city)
    _secret, secret_row = _outside_letter(city, security="R", name="Kejaksaan Negeri")
    codes = _answers(client, city, lambda who: who.get("/dispatch-book"))
    assert codes == {DRAFTER: 404, SIGNATORY: 404, RECIPIENT: 404, CLERK: 200, OTHER_CLERK: 200,
                     OUTSIDER: 404, "anonymous": 401}  # fmt: skip
    book = caller(client, city, CLERK).get("/dispatch-book").json()
    assert book["agency"]["short_name"] == "Diskominfo" and book["count"] == 2
    assert (book["page"], book["pages"]) == (1, 1)
    by_code = {x["code"]: x for x in book["items"]}
    assert by_code[str(row.code)]["letter"]["subject"] == letter.subject
    assert by_code[str(secret_row.code)]["letter"]["subject"] is None  # R: not in the book
    assert [x["code"] for x in book["items"]] == [str(secret_row.code), str(row.code)]  # newest
    other = caller(client, city, OTHER_CLERK).get("/dispatch-book").json()
    assert other["agency"]["short_name"] == "Dinas PUPR" and other["items"] == []
    to_print = caller(client, city, CLERK).get("/dispatch-book", show="to_print").json()
    assert to_print["count"] == 2
    assert (
        caller(client, city, CLERK).get("/dispatch-book", show="mail_problem").json()["count"] == 0
    )
    assert caller(client, city, CLERK).get("/dispatch-book", page="0").status_code == 422


def test_it_reads_the_dispatch_book_in_a_fixed_number_of_queries(client, city,
                                                                  django_assert_num_queries):  # fmt: skip
    for name in ("PT Jalan Raya", "Kejaksaan Negeri", "Universitas Banua"):
        _outside_letter(city, name=name)
    clerk = caller(client, city, CLERK)
    clerk.get("/dispatch-book")  # warm: token last-used bookkeeping
    with django_assert_num_queries(QUERIES_BOOK):
        assert clerk.get("/dispatch-book").json()["count"] == 3


def _wall_clock(dt: datetime.datetime, zone) -> str:
    """A time as a person types it: the government's wall clock, no zone."""
    return timezone.localtime(dt, zone).strftime("%Y-%m-%dT%H:%M:%S")


def test_it_lets_the_clerk_print_carry_and_record_the_receipt(client, city):
    letter, row = _outside_letter(city)
    clerk_user = city.users[CLERK]
    clerk = caller(client, city, CLERK)
    printed = clerk.post(f"/dispatches/{row.code}/printed")
    assert printed.status_code == 200 and printed.json()["state"] == "printed"
    assert clerk.post(f"/dispatches/{row.code}/printed").json() == {
        "detail": "This copy is not waiting to be printed."
    }
    carried_at = (timezone.now() - datetime.timedelta(hours=3)).replace(microsecond=0)
    response = clerk.post(
        f"/dispatches/{row.code}/record",
        {
            "carried_by": "Pak Udin (kurir)",
            "carried_at": _wall_clock(carried_at, city.government.zone),
        },
    )
    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert (row.state, row.carried_by, row.carried_at, row.recorded_by) == (
        "carried", "Pak Udin (kurir)", carried_at, clerk_user
    )  # fmt: skip
    received_at = timezone.now() - datetime.timedelta(hours=1)
    response = clerk.post(f"/dispatches/{row.code}/record", {
        "carried_by": "Pak Udin (kurir)", "carried_at": carried_at.isoformat(),
        "received_by": "Bu Sari", "received_at": received_at.isoformat(),
    })  # fmt: skip
    assert response.status_code == 200 and response.json()["state"] == "received"
    assert response.json()["received_by"] == "Bu Sari"
    final = clerk.post(f"/dispatches/{row.code}/record",
                       {"carried_by": "X", "carried_at": carried_at.isoformat()})  # fmt: skip
    assert final.status_code == 409
    row.refresh_from_db()
    assert row.carried_by == "Pak Udin (kurir)"
    actions = list(AuditEvent.objects.filter(action__startswith="delivery.", actor=clerk_user)
                   .order_by("seq").values_list("action", flat=True))  # fmt: skip
    assert actions == ["delivery.printed", "delivery.carried", "delivery.received"]
    [item] = caller(client, city, DRAFTER).get(f"/letters/{letter.code}/deliveries").json()
    assert (item["state"], item["received_by"]) == ("received", "Bu Sari")


def test_it_refuses_a_receipt_in_the_future_or_before_the_carrying(client, city):
    _letter, row = _outside_letter(city)
    clerk = caller(client, city, CLERK)
    now = timezone.now()
    tomorrow = clerk.post(
        f"/dispatches/{row.code}/record",
        {"carried_by": "Kurir", "carried_at": (now + datetime.timedelta(days=1)).isoformat()},
    )
    assert tomorrow.status_code == 422
    assert tomorrow.json()["detail"][0]["msg"] == "The date cannot be later than today."
    early = clerk.post(f"/dispatches/{row.code}/record", {
        "carried_by": "Kurir", "carried_at": now.isoformat(), "received_by": "Satpam",
        "received_at": (now - datetime.timedelta(days=1)).isoformat()})  # fmt: skip
    assert early.status_code == 422
    assert clerk.post(f"/dispatches/{row.code}/record", {"carried_by": "Kurir"}).status_code == 422
    row.refresh_from_db()
    assert row.state == "to_print" and not row.carried_by


def test_it_retries_a_failed_email_or_sends_it_on_paper(client, city):
    letter, row = _outside_letter(city, email="tu@jalanraya.co.id")
    clerk = caller(client, city, CLERK)
    assert clerk.post(f"/dispatches/{row.code}/retry").status_code == 409  # queued, not failed
    Dispatch.objects.filter(pk=row.pk).update(state="failed", attempts=10, next_attempt_at=None)
    retried = clerk.post(f"/dispatches/{row.code}/retry")
    assert retried.status_code == 200
    assert (retried.json()["state"], retried.json()["attempts"]) == ("retrying", 0)
    assert AuditEvent.objects.filter(action="delivery.retried", letter=letter).exists()
    on_paper = clerk.post(f"/dispatches/{row.code}/on-paper")
    assert on_paper.status_code == 200
    assert (on_paper.json()["method"], on_paper.json()["state"]) == ("print", "to_print")
    assert clerk.post(f"/dispatches/{row.code}/on-paper").json() == {
        "detail": "Only a letter whose e-mail failed can be sent on paper."
    }
    assert AuditEvent.objects.filter(action="delivery.switched_to_print", letter=letter).exists()


@pytest.mark.parametrize("action", ["printed", "retry", "on-paper", "record"])
def test_it_refuses_the_dispatch_actions_to_all_but_the_sending_agencys_clerk(client, city,
                                                                               action):  # fmt: skip
    _letter, row = _outside_letter(city)
    others = (DRAFTER, SIGNATORY, RECIPIENT, OTHER_CLERK, OUTSIDER)
    body = {"carried_by": "Kurir", "carried_at": timezone.now().isoformat()}
    codes = _answers(client, city, lambda who: who.post(f"/dispatches/{row.code}/{action}", body),
                     people=others)  # fmt: skip
    assert codes == {name: 404 for name in others} | {"anonymous": 401}
    viewed = _answers(client, city, lambda who: who.get(f"/dispatches/{row.code}"), people=others)
    assert viewed == {name: 404 for name in others} | {"anonymous": 401}
    row.refresh_from_db()
    assert row.state == "to_print" and not row.carried_by
    assert caller(client, city, CLERK).get(f"/dispatches/{uuid.uuid4()}").status_code == 404


# --- public verification -------------------------------------------------------------------------


@pytest.fixture
def _fresh_rate_limits(monkeypatch):
    from esurat.signing import views

    monkeypatch.setattr(views, "_clock", lambda: 1_800_000_000.0)  # one fixed window per test
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_it_gives_the_public_facts_without_login(client, city, authority):
    letter = sign(city, to_signature(city, draft_nota_dinas(city)))
    document = SignedDocument.objects.get(letter=letter)
    response = client.get(f"{API}/letters/{letter.code}/verification")
    assert response.status_code == 200
    facts = response.json()
    signature = letter.signatures.get()
    assert facts == {
        "status": "valid", "narrow": False, "not_certified": True, "number": letter.number,
        "date": letter.letter_date.isoformat(), "kind": "Nota Dinas",
        "subject": "Undangan rapat koordinasi", "agency": "Dinas Komunikasi dan Informatika",
        "signers": [{"name": "Ir. Siti Rahmawati, M.T.",
                     "position": "Kepala Dinas Komunikasi dan Informatika", "qualifier": "",
                     "signed_at": facts["signers"][0]["signed_at"]}],
        "sha256": document.sha256, "revoked_at": None, "revoke_reason": None,
        "superseded_by": None, "corrects": None,
    }  # fmt: skip
    signed_at = datetime.datetime.fromisoformat(facts["signers"][0]["signed_at"])
    assert abs(signed_at - signature.signed_at) < datetime.timedelta(milliseconds=1)  # JSON: ms


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_it_says_a_revoked_letter_is_revoked_and_names_its_sent_correction(client, city):
    letter, _row = _outside_letter(city)
    caller(client, city, SIGNATORY).post(f"/letters/{letter.code}/revoke", {"reason": "Salah"})
    facts = client.get(f"{API}/letters/{letter.code}/verification").json()
    assert facts["status"] == "revoked" and facts["revoke_reason"] == "Salah"
    assert facts["revoked_at"] and facts["superseded_by"] is None
    draft = Letter.objects.get(
        code=caller(client, city, DRAFTER).post(f"/letters/{letter.code}/correction").json()["code"]
    )
    assert client.get(f"{API}/letters/{letter.code}/verification").json()["superseded_by"] is None
    correction = send_through(city, draft)
    facts = client.get(f"{API}/letters/{letter.code}/verification").json()
    assert facts["superseded_by"] == {"code": str(correction.code), "number": correction.number}


@pytest.mark.usefixtures("_fresh_rate_limits")
@pytest.mark.parametrize("security", ["R", "SR"])
def test_it_tells_only_existence_and_status_of_a_secret_letter(client, city, security):
    letter = send_through(city, draft_nota_dinas(city, security=security,
                                                 subject="Rencana operasi"))  # fmt: skip
    response = client.get(f"{API}/letters/{letter.code}/verification")
    assert response.status_code == 200
    assert response.json() == {
        "status": "valid", "narrow": True, "not_certified": False, "number": None, "date": None,
        "kind": None, "subject": None, "agency": None, "signers": [], "sha256": None,
        "revoked_at": None, "revoke_reason": None, "superseded_by": None, "corrects": None,
    }  # fmt: skip
    assert b"Rencana operasi" not in response.content and letter.number.encode() not in (
        response.content
    )


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_it_404s_for_a_draft_or_an_unknown_code(client, city):
    draft = draft_nota_dinas(city)
    assert client.get(f"{API}/letters/{draft.code}/verification").status_code == 404
    assert client.get(f"{API}/letters/{uuid.uuid4()}/verification").status_code == 404


@pytest.mark.usefixtures("_fresh_rate_limits")
def test_it_rate_limits_each_address_together_with_the_page(client, city):
    letter, _row = _outside_letter(city)
    path = f"{API}/letters/{letter.code}/verification"
    for _ in range(15):
        assert client.get(path).status_code == 200
    for _ in range(15):
        assert (
            client.get(reverse("signing:verify", kwargs={"code": letter.code})).status_code == 200
        )
    response = client.get(path)
    assert response.status_code == 429
    assert letter.number not in response.content.decode() and "detail" in response.json()
    assert client.get(path, REMOTE_ADDR="10.0.0.9").status_code == 200


# --- the schema ----------------------------------------------------------------------------------


def test_it_documents_every_document_endpoint(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/letters/{code}/pdf": "get", "/letters/{code}/revoke": "post",
        "/letters/{code}/correction": "post", "/letters/{code}/deliveries": "get",
        "/letters/{code}/verification": "get", "/dispatch-book": "get",
        "/dispatches/{code}": "get", "/dispatches/{code}/printed": "post",
        "/dispatches/{code}/record": "post", "/dispatches/{code}/retry": "post",
        "/dispatches/{code}/on-paper": "post",
    }  # fmt: skip
    for path, method in expected.items():
        assert set(paths[API + path]) == {method}, path
    pdf = paths[f"{API}/letters/{{code}}/pdf"]["get"]["responses"]["200"]
    assert "application/pdf" in pdf["content"]
    assert "security" not in paths[f"{API}/letters/{{code}}/verification"]["get"]
    revoke = paths[f"{API}/letters/{{code}}/revoke"]["post"]["requestBody"]
    assert "reason" in revoke["content"]["application/json"]["schema"]["properties"]
