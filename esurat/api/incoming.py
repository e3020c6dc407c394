"""Incoming letters over the API: the registry clerk registers a letter with its scan, reads the
OCR proposal, and sends the letter to the head, to a unit, or files it.

The same recipe as the screens (esurat/letters/views/incoming.py): access_letter or the clerk's
agencies → do_* in esurat/letters/incoming.py. Mounted at /api/v1/incoming. Bodies (multipart for
the registration, JSON for the rest) are parsed only after the access check, so a caller who is
no clerk, or an outsider to the letter, gets 404 and never a 422 that would tell them more.
A possible duplicate (same sender, number and date) answers 409 with the letters already
registered; send the registration again with `confirm_duplicate=true` to register it anyway.

Scan first, as on the screen: POST /incoming/scans (multipart `scan`) keeps the scan and has it
read; poll GET /incoming/scans/{code} until `state` is done or failed (or `stalled`); then
POST /incoming/ with the checked fields and `scan_code` instead of the file. A registered letter
is corrected (e.g. with its OCR proposal) by PATCH /incoming/{code}.
"""

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from esurat.api import schemas
from esurat.api.letters import _classification, _kind, letter_out
from esurat.api.schemas import Error, ip_of
from esurat.letters import incoming, scans
from esurat.letters.access import (
    access_clerk_agencies,
    access_incoming_scan,
    access_letter,
    clerk_incoming_letters,
    is_incoming_clerk,
)
from esurat.letters.actions import ActionRefused
from esurat.letters.models import (
    InboxEntry,
    IncomingScan,
    Letter,
    Registration,
    Security,
    Urgency,
)
from esurat.search.models import LetterText

router = Router(tags=["incoming letters"])

REFUSALS = {404: Error, 409: Error, 422: schemas.ValidationErrors}
LIST_SIZE = 50
STALLED_AFTER = datetime.timedelta(minutes=10)  # as on the screen (views/incoming.py)


# --- input ---------------------------------------------------------------------------------------


class RegisterIn(Schema):
    """The metadata fields of the multipart registration (the scan goes in field `scan`)."""

    sender_name: str = Field(max_length=300)
    sender_number: str = Field("", max_length=120)
    sender_date: datetime.date | None = None
    received_on: datetime.date | None = Field(None, description="Today when left out")
    channel: Letter.Channel = Letter.Channel.PAPER
    kind: str = Field("surat-dinas", description="Letter kind code")
    classification: str = Field(max_length=60, description="Classification code, e.g. 000.1.2.3")
    security: Security = Security.ORDINARY
    urgency: Urgency = Urgency.ORDINARY
    subject: str = Field(max_length=300)
    summary: str = ""
    enclosures: int = Field(0, ge=0, le=999)
    agency: UUID | None = Field(None, description="For a clerk of several agencies")
    confirm_duplicate: bool = False
    client_token: UUID | None = Field(None, description="Sending it again registers once")
    scan_code: UUID | None = Field(
        None, description="A scan uploaded first (POST /incoming/scans), instead of `scan`"
    )


class SendIn(Schema):
    to: str = Field(description='"head", or the code of a position right below the head')
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class ScanIn(Schema):
    """The fields of the multipart scan upload besides the file (in field `scan`)."""

    agency: UUID | None = Field(None, description="For a clerk of several agencies")


def _invalid(exc: PydanticValidationError) -> ValidationError:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    return ValidationError({str(e["loc"][-1]) if e["loc"] else "body": [e["msg"]] for e in errors})


def _json(request, schema: type[Schema]):
    """The JSON body, parsed only after the access check (an outsider gets 404, not 422)."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        raise _invalid(exc) from exc


def _form(request) -> RegisterIn:
    data = {k: v for k, v in request.POST.items() if v != ""}
    try:
        return RegisterIn.model_validate(data)
    except PydanticValidationError as exc:
        raise _invalid(exc) from exc


def _documented(schema: type[Schema], media: str = "application/json") -> dict:
    body = schemas.inline_json_schema(schema)
    if media == "multipart/form-data":
        body["properties"]["scan"] = {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": "One PDF, or photos (JPEG/PNG) of the pages in order",
        }  # fmt: skip
        body["description"] = "The scan goes in `scan`, or was uploaded first (`scan_code`)."
    return {"requestBody": {"content": {media: {"schema": body}}}}


# --- output --------------------------------------------------------------------------------------


class TextOut(Schema):
    state: str = Field(description="pending, running, done or failed")
    source: str
    pages: int
    proposal: dict = Field(description="sender, sender_number, sender_date, subject found")
    error: str
    applied_at: datetime.datetime | None


class DeliveryOut(Schema):
    position: schemas.PositionRef
    delivered_at: datetime.datetime
    read_at: datetime.datetime | None


class IncomingOut(schemas.LetterOut):
    agenda_number: str | None
    channel: str
    summary: str
    text: TextOut | None
    deliveries: list[DeliveryOut]


class IncomingItemOut(Schema):
    code: UUID
    agenda_number: str | None
    subject: str
    state: str
    security: Security
    urgency: Urgency
    sender: str | None
    sender_number: str
    sender_date: datetime.date | None
    received_on: datetime.date | None
    created_at: datetime.datetime
    text_state: str | None


class IncomingListOut(Schema):
    waiting: list[IncomingItemOut] = Field(description="Registered, not yet sent on or filed")
    latest: list[IncomingItemOut] = Field(description="Sent or filed, newest first")


class SecretOut(Schema):
    code: UUID
    agenda_number: str | None
    detail: str


class DuplicateOut(Schema):
    code: UUID
    agenda_number: str | None
    subject: str
    sender: str | None
    sender_number: str
    sender_date: datetime.date | None
    created_at: datetime.datetime


class DuplicatesOut(Schema):
    detail: str
    duplicates: list[DuplicateOut]


def _agenda(letter: Letter) -> str | None:
    registration = letter.registrations.filter(direction="in", agency=letter.agency_id).first()
    return registration.agenda_number if registration else None


def _text_out(text: LetterText | None) -> dict | None:
    if text is None:
        return None
    return {"state": text.state, "source": text.source, "pages": text.pages,
            "proposal": text.proposal or {}, "error": text.error,
            "applied_at": text.applied_at}  # fmt: skip


def incoming_out(user, letter: Letter) -> dict:
    deliveries = InboxEntry.objects.filter(letter=letter).select_related("position__agency")
    return {
        **letter_out(user, letter), "agenda_number": _agenda(letter), "channel": letter.channel,
        "summary": letter.summary,
        "text": _text_out(LetterText.objects.filter(letter=letter).first()),
        "deliveries": [{"position": e.position, "delivered_at": e.delivered_at,
                        "read_at": e.read_at} for e in deliveries.order_by("delivered_at")],
    }  # fmt: skip


def _item(letter: Letter) -> dict:
    text = getattr(letter, "scan_text", None)  # None when the letter has no scan
    agenda = (
        f"{letter.agenda_seq:05d}/{letter.agenda_year}"
        if getattr(letter, "agenda_seq", None)
        else None
    )
    return {
        "code": letter.code, "agenda_number": agenda, "subject": letter.subject,
        "state": letter.state, "security": letter.security, "urgency": letter.urgency,
        "sender": letter.sender.name if letter.sender_id else None,
        "sender_number": letter.sender_number, "sender_date": letter.sender_date,
        "received_on": letter.received_on, "created_at": letter.created_at,
        "text_state": text.state if text else None,
    }  # fmt: skip


def _duplicate(letter: Letter) -> dict:
    registration = next((r for r in letter.registrations.all() if r.direction == "in"), None)
    return {"code": letter.code, "subject": letter.subject,
            "agenda_number": registration.agenda_number if registration else None,
            "sender": letter.sender.name if letter.sender_id else None,
            "sender_number": letter.sender_number, "sender_date": letter.sender_date,
            "created_at": letter.created_at}  # fmt: skip


# --- access --------------------------------------------------------------------------------------


def _clerk_agencies(request):
    """The agencies whose registry the caller keeps; anyone else gets 404."""
    return access_clerk_agencies(request.auth).order_by("pk")


def _access(request, code) -> Letter:
    """The registered incoming letter if the caller may read it, else 404."""
    letter = access_letter(request.auth, code, ip_address=ip_of(request))
    if letter.origin != Letter.Origin.REGISTERED:
        raise Http404
    return letter


def _access_as_clerk(request, code) -> Letter:
    letter = _access(request, code)
    if not is_incoming_clerk(request.auth, letter):
        raise Http404
    return letter


# --- the operations ------------------------------------------------------------------------------


@router.post("/", response={201: IncomingOut, 202: SecretOut, 404: Error, 409: DuplicatesOut | Error,
                            422: schemas.ValidationErrors},
             url_name="incoming_register",
             openapi_extra=_documented(RegisterIn, "multipart/form-data"))  # fmt: skip
def incoming_register(request):
    """Register an incoming letter (multipart: the metadata fields and the scan in `scan`, or
    `scan_code` of a scan uploaded first).

    The agenda number is issued at once; a scan sent here is read in the background (see
    /proposal); a scan uploaded first keeps its reading. Registering the same `scan_code` again
    answers the letter it was registered as.
    A possible duplicate answers 409 with `duplicates` unless `confirm_duplicate=true`.
    """
    agencies = _clerk_agencies(request)
    payload = _form(request)
    if payload.agency is not None:
        agency = agencies.filter(code=payload.agency).first()
        if agency is None:
            raise ValidationError({"agency": [_("You are not a registry clerk of this agency.")]})
    else:
        agency = agencies.first()
    scan, upload = None, None
    if payload.scan_code is not None:
        upload = access_incoming_scan(request.auth, payload.scan_code)
        if request.FILES.getlist("scan"):
            raise ValidationError({"scan": [_("Send either the scan or scan_code, not both.")]})
        if upload.letter_id is None and payload.agency is not None and upload.agency != agency:
            raise ValidationError({"scan_code": [_("This scan was uploaded for another agency.")]})
        agency = upload.agency
    else:
        try:
            scan = scans.prepare_scan(request.FILES.getlist("scan"))
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from exc
    try:
        letter = incoming.do_register_incoming(
            user=request.auth, agency=agency, sender_name=payload.sender_name,
            sender_number=payload.sender_number, sender_date=payload.sender_date,
            received_on=payload.received_on or agency.government.today(),
            channel=payload.channel, kind=_kind(payload.kind),
            classification=_classification(payload.classification), security=payload.security,
            urgency=payload.urgency, subject=payload.subject, summary=payload.summary,
            enclosures=payload.enclosures, scan=scan, upload=upload,
            allow_duplicate=payload.confirm_duplicate,
            client_token=payload.client_token, ip_address=ip_of(request),
        )  # fmt: skip
    except incoming.PossibleDuplicate as exc:
        return 409, {"detail": str(exc), "duplicates": [_duplicate(d) for d in exc.letters]}
    if letter.is_narrow:  # secret letters go to the head unopened: the clerk may not read them
        return 202, {"code": letter.code, "agenda_number": _agenda(letter),
                     "detail": _("Registered and sent to the head of the agency: secret letters "
                                 "go to the head unopened.")}  # fmt: skip
    return 201, incoming_out(request.auth, letter)


@router.get("/", response={200: IncomingListOut, 404: Error}, url_name="incoming_list")
def incoming_list(request):
    """The registry's incoming letters: those waiting to be sent on, then the latest 50."""
    agencies = _clerk_agencies(request)
    agenda = Registration.objects.filter(letter=OuterRef("pk"), direction="in",
                                         agency=OuterRef("agency"))  # fmt: skip
    rows = (
        clerk_incoming_letters(agencies)
        .annotate(agenda_seq=Subquery(agenda.values("seq")[:1]),
                  agenda_year=Subquery(agenda.values("year")[:1]))
        .select_related("sender", "scan_text")
    )  # fmt: skip
    waiting = rows.filter(state=Letter.State.REGISTERED).order_by("-created_at")[:LIST_SIZE]
    latest = rows.exclude(state=Letter.State.REGISTERED).order_by("-created_at")[:LIST_SIZE]
    return {"waiting": [_item(x) for x in waiting], "latest": [_item(x) for x in latest]}


@router.get("/{uuid:code}", response={200: IncomingOut, 404: Error}, url_name="incoming_detail")
def incoming_detail(request, code: UUID):
    """One incoming letter, for anyone who may read it (the clerk, the head, disposed staff)."""
    return incoming_out(request.auth, _access(request, code))


@router.get("/{uuid:code}/proposal", response={200: TextOut | None, 404: Error},
            url_name="incoming_proposal")  # fmt: skip
def incoming_proposal(request, code: UUID):
    """The text read from the scan and what it proposes (for the clerk); poll while pending."""
    letter = _access_as_clerk(request, code)
    text = LetterText.objects.filter(letter=letter).first()
    if text is None:
        raise Http404
    return _text_out(text)


@router.post("/{uuid:code}/send", response={200: IncomingOut, **REFUSALS},
             url_name="incoming_send", openapi_extra=_documented(SendIn))  # fmt: skip
def incoming_send(request, code: UUID):
    """Send the letter to the head of the agency (to="head") or to a unit (a position code)."""
    letter = _access_as_clerk(request, code)
    payload = _json(request, SendIn)
    user, note = request.auth, payload.note
    if payload.to == "head":
        incoming.do_send_to_head(letter=letter, user=user, note=note, ip_address=ip_of(request))
    else:
        try:
            position_code = UUID(payload.to)
        except ValueError as exc:
            raise ValidationError({"to": [_('Write "head" or a position code.')]}) from exc
        position = incoming.unit_positions(letter.agency).filter(code=position_code).first()
        if position is None:
            raise ActionRefused(_("A letter can only be sent to a unit of this agency."))
        incoming.do_send_to_unit(letter=letter, user=user, position=position, note=note,
                                 ip_address=ip_of(request))  # fmt: skip
    return incoming_out(user, Letter.objects.get(pk=letter.pk))


@router.post("/{uuid:code}/file", response={200: IncomingOut, **REFUSALS},
             url_name="incoming_file", openapi_extra=_documented(NoteIn))  # fmt: skip
def incoming_file(request, code: UUID):
    """File the letter without disposition (arsipkan). Body: {"note": ...} (optional)."""
    letter = _access_as_clerk(request, code)
    payload = _json(request, NoteIn)
    incoming.do_file_without_disposition(letter=letter, user=request.auth, note=payload.note,
                                         ip_address=ip_of(request))  # fmt: skip
    return incoming_out(request.auth, Letter.objects.get(pk=letter.pk))


# --- scan first ----------------------------------------------------------------------------------


def _scan_out(upload: IncomingScan) -> dict:
    stalled = upload.is_waiting and timezone.now() - upload.updated_at > STALLED_AFTER
    return {"code": upload.code, "state": upload.state, "stalled": stalled,
            "name": upload.original_name, "pages": upload.pages, "sha256": upload.sha256,
            "source": upload.source, "proposal": upload.proposal or {}, "error": upload.error,
            "letter": upload.letter.code if upload.letter_id else None,
            "created_at": upload.created_at, "updated_at": upload.updated_at}  # fmt: skip


def _documented_upload() -> dict:
    body = ScanIn.model_json_schema()
    body["properties"]["scan"] = {
        "type": "array", "items": {"type": "string", "format": "binary"},
        "description": "One PDF, or photos (JPEG/PNG) of the pages in order",
    }  # fmt: skip
    body["required"] = ["scan"]
    return {"requestBody": {"content": {"multipart/form-data": {"schema": body}}}}


@router.post("/scans", response={201: schemas.ScanUploadOut, 404: Error,
                                 422: schemas.ValidationErrors},
             url_name="incoming_scan_upload", openapi_extra=_documented_upload())  # fmt: skip
def incoming_scan_upload(request):
    """Scan first: keep a scan (multipart `scan`) for a letter not yet registered, and read it.

    Checked by content like the registration's scan. Poll GET /incoming/scans/{code} for the
    proposal, then register with POST /incoming/ and `scan_code`.
    """
    agencies = _clerk_agencies(request)
    code = request.POST.get("agency") or None
    agency = agencies.first()
    if code is not None:
        try:
            agency = agencies.filter(code=UUID(code)).first()
        except ValueError:
            agency = None
        if agency is None:
            raise ValidationError({"agency": [_("You are not a registry clerk of this agency.")]})
    try:
        scan = scans.prepare_scan(request.FILES.getlist("scan"))
    except ValidationError as exc:
        raise ValidationError({"scan": exc.messages}) from exc
    upload = incoming.do_upload_incoming_scan(user=request.auth, agency=agency, scan=scan,
                                              ip_address=ip_of(request))  # fmt: skip
    return 201, _scan_out(upload)


@router.get("/scans/{uuid:code}", response={200: schemas.ScanUploadOut, 404: Error},
            url_name="incoming_scan_detail")  # fmt: skip
def incoming_scan_detail(request, code: UUID):
    """An uploaded scan: its reading's state and proposal (poll while pending or running)."""
    return _scan_out(access_incoming_scan(request.auth, code))


@router.delete("/scans/{uuid:code}", response={204: None, 404: Error, 409: Error},
               url_name="incoming_scan_discard")  # fmt: skip
def incoming_scan_discard(request, code: UUID):
    """Discard an uploaded scan that will not be registered (409 once registered)."""
    upload = access_incoming_scan(request.auth, code)
    incoming.do_discard_incoming_scan(upload=upload, user=request.auth, ip_address=ip_of(request))
    return HttpResponse(status=204)


@router.patch("/{uuid:code}", response={200: IncomingOut, **REFUSALS},
              url_name="incoming_correct",
              openapi_extra=_documented(schemas.IncomingCorrectionIn))  # fmt: skip
def incoming_correct(request, code: UUID):
    """Correct a registered letter's sender, number, date or subject, e.g. with the values of
    its OCR proposal (GET /incoming/{code}/proposal) as the clerk checked them.

    Allowed while the letter is registered or sent on (409 once filed); absent or empty values
    leave a field as it is. The audit event keeps the previous values.
    """
    letter = _access_as_clerk(request, code)
    payload = _json(request, schemas.IncomingCorrectionIn)
    values = {k: v for k, v in payload.dict().items() if v not in (None, "")}
    incoming.do_apply_ocr_proposal(letter=letter, user=request.auth, values=values,
                                   ip_address=ip_of(request))  # fmt: skip
    return incoming_out(request.auth, Letter.objects.get(pk=letter.pk))
