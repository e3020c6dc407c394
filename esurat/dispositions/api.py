"""The disposition API: a thin interface over the same access_* and do_* functions as the screens.

Mounted under /api/v1/dispositions/ with the API's own authentication (token or session) and
answers (esurat/api/api.py): 404 for what the caller may not see, 409 when the state or the
caller's seat forbids the action (ActionRefused), 422 for bad input (e.g. a position that is not
below the giver). Bodies are parsed after the access check, so an outsider gets 404, not 422.
"""

import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from esurat.api.schemas import Error, PositionRef, ValidationErrors, inline_json_schema, ip_of
from esurat.dispositions import actions, selectors
from esurat.dispositions.access import (
    access_disposition,
    access_follow_up_file,
    candidate_positions,
    giver_seat,
    receiving_seats,
    recipient_seat,
    settings_for,
)
from esurat.dispositions.models import Disposition, FollowUp, Instruction
from esurat.letters.access import access_letter
from esurat.lib.workdays import default_due_date
from esurat.organisations.access import seats_of
from esurat.organisations.models import Position

router = Router(tags=["dispositions"])

REFUSALS = {404: Error, 409: Error, 422: ValidationErrors}


class InstructionOut(Schema):
    code: UUID
    name: str


class DispositionOut(Schema):
    code: UUID
    letter: UUID
    subject: str
    parent: UUID | None
    from_position: PositionRef
    to_position: PositionRef
    instructions: list[str]
    note: str
    due_date: datetime.date
    state: str
    status: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    read_at: datetime.datetime | None
    done_at: datetime.datetime | None


class PageOut(Schema):
    items: list[DispositionOut]
    next_cursor: str | None


class DispositionCountersOut(Schema):
    received: int
    unread: int
    given: int
    prepared: int
    overdue: int


class OptionsOut(Schema):
    as_position: PositionRef
    acting_as: str
    will_be_prepared: bool
    positions: list[PositionRef]
    instructions: list[InstructionOut]
    default_due_date: datetime.date


class DisposeIn(Schema):
    to: list[UUID] = []
    instructions: list[UUID] = []
    note: str = ""
    due_date: datetime.date | None = None
    as_position: UUID | None = None


class ReopenIn(Schema):
    note: str = ""


class FollowUpFileOut(Schema):
    code: UUID = Field(description="GET /dispositions/{code}/files/{file code} downloads it")
    name: str
    content_type: str
    size: int
    sha256: str


class FollowUpOut(Schema):
    code: UUID
    text: str
    files: list[str] = Field(description="The files' SHA-256, in order")
    attachments: list[FollowUpFileOut] = Field(description="The files, in the same order")
    position: str = Field(description="The position that reported")
    created_by: str
    created_at: datetime.datetime


class DispositionDetailOut(DispositionOut):
    follow_ups: list[FollowUpOut] = Field(description="The follow-up reports, oldest first")


def disposition_out(d: Disposition, status: str = "") -> dict:
    return {
        "code": d.code, "letter": d.letter.code, "subject": d.letter.subject,
        "parent": d.parent.code if d.parent_id else None,
        "from_position": d.from_position, "to_position": d.to_position,
        "instructions": [i.name for i in d.instructions.all()], "note": d.note,
        "due_date": d.due_date, "state": d.state, "status": status, "created_at": d.created_at,
        "sent_at": d.sent_at, "read_at": d.read_at, "done_at": d.done_at,
    }  # fmt: skip


def _follow_up_out(f: FollowUp) -> dict:
    files = list(f.files.all())
    return {"code": f.code, "text": f.text, "created_at": f.created_at,
            "position": f.position.title, "created_by": f.created_by.get_full_name(),
            "files": [x.sha256 for x in files],
            "attachments": [{"code": x.code, "name": x.original_name,
                             "content_type": x.content_type, "size": x.size,
                             "sha256": x.sha256} for x in files]}  # fmt: skip


def _body(request, schema: type[Schema]):
    """The JSON body, parsed only after the access check (an outsider gets 404, not 422)."""
    try:
        return schema.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise ValidationError([e["msg"] for e in errors]) from exc


def _documented(schema: type[Schema]) -> dict:
    return {
        "requestBody": {"content": {"application/json": {"schema": inline_json_schema(schema)}}}
    }


def _seat(user, letter, as_position):
    seats = receiving_seats(user, letter)
    if as_position:
        seats = [s for s in seats if s.position.code == as_position]
    if not seats:
        raise actions.ActionRefused(
            _("This letter has not reached your position; you cannot dispose it.")
        )
    return seats[0]


@router.get("/", response=PageOut, url_name="disposition_list")
def disposition_list(request, box: str = "received", after: str | None = None):
    """My dispositions: box = received | given | overdue; pass next_cursor as `after`."""
    user = request.auth
    if box not in selectors.BOXES:
        box = "received"
    if user.government is None:  # a technical account outside any government
        return {"items": [], "next_cursor": None}
    marks = selectors.deadlines(user.government)
    page = selectors.my_dispositions(user, box=box, cursor=after, today=marks.today)
    return {"items": [disposition_out(d, marks.status(d)) for d in page.items],
            "next_cursor": page.next_cursor}  # fmt: skip


@router.get("/counters", response=DispositionCountersOut, url_name="disposition_counters")
def disposition_counters(request):
    """Open received, unread, open given, awaiting approval, overdue."""
    return selectors.counters(request.auth)


@router.get("/letters/{uuid:code}/options", response={200: OptionsOut, **REFUSALS},
            url_name="disposition_options")  # fmt: skip
def disposition_options(request, code: UUID, as_position: UUID | None = None):
    """What the dispose screen offers: positions below the seat, instructions, default due."""
    letter = access_letter(request.auth, code, ip_address=ip_of(request))
    seat = _seat(request.auth, letter, as_position)
    options = settings_for(seat.position.agency)
    return {
        "as_position": seat.position, "acting_as": seat.acting_as,
        "will_be_prepared": seat.is_delegate and not options.delegate_may_send,
        "positions": candidate_positions(seat, sideways=options.allow_sideways),
        "instructions": list(Instruction.objects.filter(is_active=True)),
        "default_due_date": default_due_date(letter.government, letter.urgency),
    }  # fmt: skip


@router.post("/letters/{uuid:code}", response={201: list[DispositionOut], **REFUSALS},
             url_name="disposition_dispose", openapi_extra=_documented(DisposeIn))  # fmt: skip
def disposition_dispose(request, code: UUID):
    """Dispose the letter to one or more positions (by position code). Body: DisposeIn."""
    user = request.auth
    letter = access_letter(user, code, ip_address=ip_of(request))
    payload = _body(request, DisposeIn)
    seat = _seat(user, letter, payload.as_position)
    positions = list(
        Position.objects.filter(code__in=payload.to, agency__government_id=letter.government_id)
    )
    instructions = list(Instruction.objects.filter(code__in=payload.instructions, is_active=True))
    if len(positions) != len(set(payload.to)):
        raise ValidationError(_("Unknown position."), code="position")
    if len(instructions) != len(set(payload.instructions)):
        raise ValidationError(_("Unknown instruction."), code="instruction")
    rows = actions.do_dispose(
        letter=letter, seat=seat, user=user, to_positions=positions, instructions=instructions,
        note=payload.note, due_date=payload.due_date, ip_address=ip_of(request),
    )  # fmt: skip
    fresh = Disposition.objects.filter(pk__in=[d.pk for d in rows]).select_related(
        "letter", "parent", "from_position", "to_position"
    ).prefetch_related("instructions")  # fmt: skip
    return 201, [disposition_out(d) for d in fresh]


@router.get("/letters/{uuid:code}/tree", response={200: list[DispositionOut], 404: Error},
            url_name="disposition_tree")  # fmt: skip
def disposition_tree(request, code: UUID):
    """Every disposition of the letter the caller may see, in tree order (parents first)."""
    letter = access_letter(request.auth, code, ip_address=ip_of(request))
    marks = selectors.deadlines(letter.government)
    flat = []

    def walk(nodes):
        for node in nodes:
            node.disposition.letter = letter
            flat.append(disposition_out(node.disposition, node.status))
            walk(node.children)

    walk(selectors.tree(letter, request.auth, marks=marks))
    return flat


def _get(request, code) -> Disposition:
    return access_disposition(request.auth, code, ip_address=ip_of(request))


def _reload(d: Disposition) -> dict:
    fresh = Disposition.objects.select_related(
        "letter__government", "parent", "from_position", "to_position"
    ).get(pk=d.pk)
    return disposition_out(fresh, selectors.deadlines(fresh.letter.government).status(fresh))


@router.get("/{uuid:code}", response={200: DispositionDetailOut, 404: Error},
            url_name="disposition_detail")  # fmt: skip
def disposition_detail(request, code: UUID):
    """One disposition, with its follow-up reports and their files."""
    d = _get(request, code)
    reports = d.follow_ups.select_related("position", "created_by").prefetch_related("files")
    return {**_reload(d), "follow_ups": [_follow_up_out(f) for f in reports]}


FILE_OUT = {"responses": {200: {"description": "The file, as an attachment to save", "content": {
    t: {"schema": {"type": "string", "format": "binary"}}
    for t in ("application/pdf", "image/jpeg", "image/png")}}}}  # fmt: skip


@router.get("/{uuid:code}/files/{uuid:file_code}", response={200: None, 404: Error},
            url_name="disposition_follow_up_file", openapi_extra=FILE_OUT)  # fmt: skip
def disposition_follow_up_file(request, code: UUID, file_code: UUID):
    """A file of a follow-up report, for whoever may see the disposition (as on its page)."""
    row = access_follow_up_file(request.auth, code, file_code, ip_address=ip_of(request))
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name,
                            content_type=row.content_type)  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/{uuid:code}/read", response={200: DispositionOut, **REFUSALS},
             url_name="disposition_read")  # fmt: skip
def disposition_read(request, code: UUID):
    """Mark the disposition read (the first open counts); for its recipient."""
    d = _get(request, code)
    if recipient_seat(request.auth, d, allow_delegate=True) is None:
        raise actions.ActionRefused(_("Only the recipient can mark this disposition read."))
    actions.do_mark_read(letter=d.letter, user=request.auth, seats=seats_of(request.auth),
                         ip_address=ip_of(request))  # fmt: skip
    return _reload(d)


def _giver_action(request, d: Disposition, action, **kwargs) -> dict:
    seat = giver_seat(request.auth, d, allow_delegate=True)
    if seat is None:
        raise actions.ActionRefused(_("Only the giver can do this."))
    action(disposition=d, seat=seat, user=request.auth, ip_address=ip_of(request), **kwargs)
    return _reload(d)


@router.post("/{uuid:code}/withdraw", response={200: DispositionOut, **REFUSALS},
             url_name="disposition_withdraw")  # fmt: skip
def disposition_withdraw(request, code: UUID):
    """Withdraw an unread disposition (the giver)."""
    return _giver_action(request, _get(request, code), actions.do_withdraw)


@router.post("/{uuid:code}/approve", response={200: DispositionOut, **REFUSALS},
             url_name="disposition_approve")  # fmt: skip
def disposition_approve(request, code: UUID):
    """Send what a delegate prepared (the leader; the whole batch, one tap)."""
    return _giver_action(request, _get(request, code), actions.do_approve)


@router.post("/{uuid:code}/discard", response={200: DispositionOut, **REFUSALS},
             url_name="disposition_discard")  # fmt: skip
def disposition_discard(request, code: UUID):
    """Discard a prepared disposition (the leader or the delegate who prepared it)."""
    return _giver_action(request, _get(request, code), actions.do_discard)


@router.post("/{uuid:code}/reopen", response={200: DispositionOut, **REFUSALS},
             url_name="disposition_reopen", openapi_extra=_documented(ReopenIn))  # fmt: skip
def disposition_reopen(request, code: UUID):
    """Reopen a done disposition (the giver). Body: ReopenIn (optional)."""
    d = _get(request, code)
    payload = _body(request, ReopenIn)
    return _giver_action(request, d, actions.do_reopen, note=payload.note)


@router.post("/{uuid:code}/follow-up", response={201: FollowUpOut, **REFUSALS},
             url_name="disposition_follow_up")  # fmt: skip
def disposition_follow_up(
    request, code: UUID, text: Form[str] = "", files: File[list[UploadedFile]] = None
):
    """Report the follow-up (multipart: text and files); closes the recipient's branch."""
    d = _get(request, code)
    seat = recipient_seat(request.auth, d)
    if seat is None:
        raise actions.ActionRefused(
            _("Only the recipient can report the follow-up of this disposition.")
        )
    follow_up = actions.do_report_follow_up(
        disposition=d, seat=seat, user=request.auth, text=text, uploads=files or [],
        ip_address=ip_of(request),
    )  # fmt: skip
    return 201, _follow_up_out(follow_up)
