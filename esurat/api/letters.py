"""Letters over the API: the boxes, one letter, and every step of its life.

The same recipe as the screens (esurat/letters/views/): access_letter → seat_for_action → do_*.
An outsider gets 404 (also when the body is invalid: see `access_before_validation`), an action
the letter's state or the caller's seat does not allow gets 409 with the reason, bad input 422.
"""

from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import Field

from esurat.api import schemas
from esurat.api.reference import agency_ref, position_ref
from esurat.api.schemas import Error, ip_of
from esurat.delivery.actions import do_save_external_party
from esurat.dispositions import selectors as disposition_selectors
from esurat.dispositions.api import DispositionOut, disposition_out
from esurat.letters import actions, selectors
from esurat.letters.access import (
    Action,
    access_letter,
    allowed_actions,
    is_drafting_insider,
    registrations_visible_to,
    seat_for_action,
    timeline_visible_to,
    versions_visible_to,
)
from esurat.letters.models import (
    Attachment,
    Classification,
    ExternalParty,
    InboxEntry,
    Letter,
    LetterKind,
    Registration,
    Urgency,
)
from esurat.lib.files import file_response
from esurat.organisations.access import seats_of
from esurat.organisations.models import Agency, Position

router = Router(tags=["letters"])

REFUSALS = {409: Error, 422: schemas.ValidationErrors}


def invalid(loc: list[str], message: str) -> NinjaValidationError:
    return NinjaValidationError([{"type": "value_error", "loc": loc, "msg": message}])


# --- output --------------------------------------------------------------------------------------


def _loaded(obj, field: str):
    """The related object when it was fetched with the row, else None (no query per row)."""
    descriptor = type(obj)._meta.get_field(field)
    return getattr(obj, field) if descriptor.is_cached(obj) else None


def _title(position) -> str | None:
    return position.title if position else None


def letter_summary(letter: Letter) -> dict:
    recipients = getattr(letter, "_prefetched_objects_cache", {}).get("recipients")
    return {
        "code": letter.code, "subject": letter.subject, "state": letter.state,
        "number": letter.number, "letter_date": letter.letter_date, "kind": letter.kind.name,
        "security": letter.security, "urgency": letter.urgency,
        "agency": letter.agency.short_name,
        "drafter_position": _title(_loaded(letter, "drafter_position")),
        "signatory_position": _title(_loaded(letter, "signatory_position")),
        "updated_at": letter.updated_at, "sent_at": letter.sent_at,
        "recipients": [r.label() for r in recipients] if recipients is not None else None,
        "pending_with": getattr(letter, "pending_with", None),
        "inbox_total": getattr(letter, "inbox_total", None),
        "inbox_read": getattr(letter, "inbox_read", None),
    }  # fmt: skip


def _inbox_item(entry: InboxEntry, agenda: dict) -> dict:
    letter = entry.letter
    return {
        "letter": letter.code, "subject": letter.subject, "number": letter.number,
        "letter_date": letter.letter_date, "kind": letter.kind.name, "security": entry.security,
        "urgency": entry.urgency, "from_agency": letter.agency.short_name,
        "sender": letter.sender.name if letter.sender else None,
        "inbox": entry.position.title, "recipient_kind": entry.kind,
        "delivered_at": entry.delivered_at, "read_at": entry.read_at,
        "agenda_number": agenda.get((letter.pk, entry.position.agency_id)),
    }  # fmt: skip


def _agenda_numbers(entries: list[InboxEntry]) -> dict:
    """(letter id, agency id) → the incoming agenda number of that agency, for a page of the
    caller's inbox: each entry's position is the caller's own seat, so its agency's book is theirs.
    One query for the page."""
    rows = Registration.objects.filter(
        letter_id__in={e.letter_id for e in entries},
        agency_id__in={e.position.agency_id for e in entries},
        direction=Registration.Direction.IN,
    ).only("letter_id", "agency_id", "year", "seq")
    return {(r.letter_id, r.agency_id): r.agenda_number for r in rows}


def _name(user) -> str | None:
    return user.get_full_name() if user else None


def letter_out(user, letter: Letter) -> dict:
    """Everything about one letter the caller may see (they were checked by access_letter). The
    review chain and its notes are for the drafting chain only, as on the letter page."""
    steps = (
        list(
            letter.review_steps.select_related("position__agency", "acted_by").order_by(
                "round", "order"
            )
        )
        if is_drafting_insider(user, letter)
        else []
    )
    recipients = letter.recipients.select_related("position__agency", "agency", "external")
    signatures = letter.signatures.select_related("position__agency", "user")
    return {
        "code": letter.code, "origin": letter.origin, "state": letter.state,
        "kind": letter.kind, "classification": letter.classification,
        "security": letter.security, "urgency": letter.urgency, "subject": letter.subject,
        "body": letter.body, "enclosures": letter.enclosures, "number": letter.number,
        "letter_date": letter.letter_date, "agency": agency_ref(letter.agency),
        "drafter": _name(letter.drafter),
        "drafter_position": position_ref(letter.drafter_position),
        "signatory_position": position_ref(letter.signatory_position),
        "cosignatories": [{"position": position_ref(c.position), "state": c.state}
                          for c in letter.cosignatories.select_related("position__agency")],
        "qualifier": letter.qualifier, "version": letter.version,
        "review_round": letter.review_round, "created_at": letter.created_at,
        "updated_at": letter.updated_at, "signed_at": letter.signed_at,
        "sent_at": letter.sent_at, "sender": letter.sender.name if letter.sender else None,
        "sender_number": letter.sender_number, "sender_date": letter.sender_date,
        "received_on": letter.received_on,
        "recipients": [{"kind": r.kind, "target": r.target, "position": position_ref(r.position),
                        "agency": agency_ref(r.agency) if r.agency else None,
                        "external": _party_out(r.external) if r.external else None,
                        "label": r.label()} for r in recipients],
        "reviewers": [position_ref(s.position) for s in steps if s.round == 0],
        "review_steps": [{"round": s.round, "order": s.order, "position": position_ref(s.position),
                          "state": s.state, "version": s.version, "note": s.note,
                          "acted_by": _name(s.acted_by), "acted_as": s.acted_as,
                          "acted_at": s.acted_at} for s in steps if s.round > 0],
        "signatures": [{"position": position_ref(s.position), "signed_by": _name(s.user),
                        "acting_as": s.acting_as, "qualifier": s.qualifier, "version": s.version,
                        "content_sha256": s.content_sha256, "provider": s.provider,
                        "level": s.level, "signed_at": s.signed_at} for s in signatures],
        "attachments": [_attachment_out(a) for a in letter.attachments.all()],
        "registrations": [{"agency": r.agency.short_name, "direction": r.direction,
                           "agenda_number": r.agenda_number, "registered_at": r.registered_at}
                          for r in registrations_visible_to(user, letter).select_related("agency")],
        "allowed_actions": sorted(a.value for a in allowed_actions(user, letter)),
    }  # fmt: skip


def _party_out(p: ExternalParty) -> dict:
    return {"code": p.code, "name": p.name, "email": p.email, "address": p.address}


def _attachment_out(a: Attachment) -> dict:
    return {"code": a.code, "name": a.name, "content_type": a.content_type,
            "size": a.size, "sha256": a.sha256, "uploaded_at": a.uploaded_at}  # fmt: skip


# --- input ---------------------------------------------------------------------------------------


def _kind(code: str) -> LetterKind:
    kind = LetterKind.objects.filter(code=code, is_active=True).first()
    if kind is None:
        raise invalid(["body", "kind"], _("Unknown letter kind."))
    return kind


def _classification(code: str) -> Classification:
    found = Classification.objects.filter(code=code.strip(), is_active=True).first()
    if found is None:
        raise invalid(["body", "classification"], _("Unknown classification code."))
    return found


def _positions(user, codes: list[UUID], field: str) -> list[Position]:
    """Positions of the caller's government, in the order given."""
    found = {
        p.code: p
        for p in Position.objects.filter(
            code__in=codes, agency__government_id=user.government_id
        ).select_related("agency")
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise invalid(["body", field], _("Unknown position: %(code)s.") % {"code": missing[0]})
    return [found[c] for c in codes]


def _external(user, row: schemas.RecipientIn, i: int, ip_address) -> ExternalParty:
    """The outside party named by code, or by name (and e-mail) as the compose form allows: found
    in the government's directory or added to it (do_save_external_party)."""
    if row.external:
        party = ExternalParty.objects.filter(code=row.external,
                                             government_id=user.government_id).first()  # fmt: skip
        if party is None:
            raise invalid(["body", "recipients", str(i)], _("Unknown outside party."))
        return party
    if not row.name.strip():
        raise invalid(["body", "recipients", str(i)], _("Give the name of the outside party."))
    if row.email:
        try:
            validate_email(row.email.strip())
        except DjangoValidationError as exc:
            raise invalid(
                ["body", "recipients", str(i)], _("Enter a valid e-mail address.")
            ) from exc
    return do_save_external_party(government=user.government, user=user, name=row.name,
                                  email=row.email, ip_address=ip_address)  # fmt: skip


def _recipients(user, rows: list[schemas.RecipientIn], ip_address=None) -> list[dict]:
    position_codes = [r.position for r in rows if r.target == "position" and r.position]
    positions = {p.code: p for p in _positions(user, position_codes, "recipients")}
    agency_codes = [r.agency for r in rows if r.target in ("agency", "agency_all") and r.agency]
    agencies = {
        a.code: a
        for a in Agency.objects.filter(code__in=agency_codes, government_id=user.government_id)
    }
    result = []
    for i, r in enumerate(rows):
        position = positions.get(r.position) if r.target == "position" else None
        agency = agencies.get(r.agency) if r.target in ("agency", "agency_all") else None
        if r.target == "position" and position is None:
            raise invalid(["body", "recipients", str(i)], _("Choose the recipient's position."))
        if r.target in ("agency", "agency_all") and agency is None:
            raise invalid(["body", "recipients", str(i)], _("Choose the recipient's agency."))
        row = {"kind": r.kind, "target": r.target, "position": position, "agency": agency}
        if r.target == "external":
            row["external"] = _external(user, r, i, ip_address)
        result.append(row)
    return result


def _drafting_seat(user, as_position: UUID | None):
    """The seat the caller writes from: the one named by as_position when they hold several."""
    seats = [s for s in seats_of(user) if not s.is_delegate]
    if not seats:
        raise invalid(["body"], _("You hold no position, so you cannot write letters."))
    if as_position is None:
        return seats[0]
    seat = next((s for s in seats if s.position.code == as_position), None)
    if seat is None:
        raise invalid(["body", "as_position"], _("You cannot write letters for this position."))
    return seat


def _seat(user, letter: Letter, action: Action):
    """The seat for `action`, or ActionRefused (409) saying why not."""
    seat = seat_for_action(user, letter, action)
    if seat is not None:
        return seat
    if action == Action.EDIT and letter.origin == Letter.Origin.REGISTERED:
        raise actions.ActionRefused(_("An incoming letter's sender, number, date and subject are "
                                      "corrected with PATCH /api/v1/incoming/{code}."))  # fmt: skip
    drafter_only = (Action.EDIT, Action.SUBMIT, Action.WITHDRAW)
    if action in drafter_only and letter.is_editable:
        raise actions.ActionRefused(_("Only the drafter can do this."))
    raise actions.ActionRefused({
        Action.EDIT: _("This letter can no longer be changed."),
        Action.SUBMIT: _("This letter has already been submitted."),
        Action.WITHDRAW: _("Only a draft can be withdrawn."),
        Action.REVIEW: _("This letter is not waiting for your review."),
        Action.SIGN: _("This letter is not waiting for your signature."),
    }[action])  # fmt: skip


def _access(request, code) -> Letter:
    return access_letter(request.auth, code, ip_address=ip_of(request))


def _access_attachment(request, code) -> Attachment:
    """The attachment if the caller may read its letter (checked by access_letter), else 404."""
    letter_code = (
        Attachment.objects.filter(code=code).values_list("letter__code", flat=True).first()
    )
    if letter_code is None:
        raise Http404
    letter = _access(request, letter_code)
    attachment = letter.attachments.get(code=code)
    attachment.letter = letter
    return attachment


# Operations whose body is validated after the path's object was found visible: an outsider
# sending garbage learns nothing from a 422 (esurat/api/api.py calls this on ValidationError).
LETTER_ROUTES = {"letter_detail", "letter_update", "letter_attachment_add", "letter_review",
                 "letter_sign", "letter_return"}  # fmt: skip
ATTACHMENT_ROUTES = {"attachment_download", "attachment_remove"}


def access_before_validation(request) -> None:
    match = request.resolver_match
    if match is None or "code" not in match.kwargs or not getattr(request, "auth", None):
        return
    if match.url_name in LETTER_ROUTES:
        _access(request, match.kwargs["code"])
    elif match.url_name in ATTACHMENT_ROUTES:
        _access_attachment(request, match.kwargs["code"])


# --- the boxes -----------------------------------------------------------------------------------


class InboxQuery(schemas.Schema):
    unread: bool = False
    urgency: Urgency | None = None
    kind: str | None = Field(None, description="Letter kind code")
    agency: UUID | None = Field(None, description="Code of the sending agency")
    cursor: str | None = None


@router.get("/letters/inbox", response={200: schemas.InboxPage, 422: schemas.ValidationErrors},
            url_name="letter_inbox")  # fmt: skip
def letter_inbox(request, filters: Query[InboxQuery]):
    """Letters delivered to the caller's positions, newest first, 25 a page."""
    user = request.auth
    kind_id = agency_id = None
    if filters.kind:
        kind_id = LetterKind.objects.filter(code=filters.kind).values_list("pk", flat=True).first()
        if kind_id is None:
            raise invalid(["query", "kind"], _("Unknown letter kind."))
    if filters.agency:
        agency_id = (
            Agency.objects.filter(code=filters.agency, government_id=user.government_id)
            .values_list("pk", flat=True)
            .first()
        )
        if agency_id is None:
            raise invalid(["query", "agency"], _("Unknown agency."))
    page = selectors.inbox_page(
        user, cursor=filters.cursor, unread=filters.unread, urgency=filters.urgency or "",
        kind=kind_id, agency=agency_id,
    )  # fmt: skip
    agenda = _agenda_numbers(page.items) if page.items else {}
    return {"items": [_inbox_item(e, agenda) for e in page.items],
            "next_cursor": page.next_cursor}  # fmt: skip


@router.get("/letters/outbox", response=schemas.LetterPage, url_name="letter_outbox")
def letter_outbox(request, cursor: str | None = None):
    """Sent letters drafted or signed by the caller's positions, with read progress."""
    page = selectors.outbox_page(request.auth, cursor=cursor)
    return {"items": [letter_summary(x) for x in page.items], "next_cursor": page.next_cursor}


@router.get("/letters/drafts", response=schemas.LetterPage, url_name="letter_drafts")
def letter_drafts(request, cursor: str | None = None):
    """Letters the caller's positions are drafting, up to their signature."""
    page = selectors.drafts_page(request.auth, cursor=cursor)
    return {"items": [letter_summary(x) for x in page.items], "next_cursor": page.next_cursor}


class NeedsActionOut(Schema):
    """What waits for the caller, as on the Needs my action page (the first 100 of each)."""

    to_dispose: list[schemas.LetterSummaryOut] = Field(
        description="Incoming letters the registry sent on to me, not yet disposed"
    )
    to_approve: list[DispositionOut] = Field(
        description="Dispositions a delegate prepared for my approval (rows of each act)"
    )
    to_review: list[schemas.LetterSummaryOut] = Field(description="Drafts waiting for my paraf")
    to_sign: list[schemas.LetterSummaryOut] = Field(
        description="Letters waiting for my signature or co-signature"
    )
    to_report: list[DispositionOut] = Field(
        description="Open dispositions to me waiting for my follow-up, earliest due first")  # fmt: skip


@router.get("/letters/needs-action", response=NeedsActionOut, url_name="letter_needs_action")
def letter_needs_action(request):
    """Everything waiting for the caller: letters to dispose, delegate-prepared dispositions to
    approve, drafts to review, letters to sign, dispositions to report on."""
    user = request.auth
    approve = [row for proposal in disposition_selectors.awaiting_approval(user)
               for row in proposal.rows]  # fmt: skip
    prefetch_related_objects(approve, "instructions", "parent", "from_position__agency",
                             "to_position__agency")  # fmt: skip
    to_dispose = [entry.letter for entry in disposition_selectors.awaiting_disposal(user)]
    prefetch_related_objects(to_dispose, "kind")
    return {
        "to_dispose": [letter_summary(letter) for letter in to_dispose],
        "to_approve": [disposition_out(d) for d in approve],
        "to_review": [letter_summary(step.letter) for step in selectors.to_review(user)],
        "to_sign": [letter_summary(x) for x in selectors.to_sign(user)],
        "to_report": [disposition_out(d, status)
                      for d, status in disposition_selectors.to_report(user)],
    }  # fmt: skip


# --- one letter ----------------------------------------------------------------------------------


@router.post("/letters", response={201: schemas.LetterOut, **REFUSALS}, url_name="letter_create")
def letter_create(request, payload: schemas.LetterIn):
    """Write a new draft. Posting the same client_token again returns the first draft."""
    user = request.auth
    seat = _drafting_seat(user, payload.as_position)
    letter = actions.do_create_draft(
        seat=seat, user=user, kind=_kind(payload.kind),
        classification=_classification(payload.classification), security=payload.security,
        urgency=payload.urgency, subject=payload.subject, body=payload.body,
        recipients=_recipients(user, payload.recipients, ip_of(request)),
        reviewers=_positions(user, payload.reviewers, "reviewers"),
        signatory=_positions(user, [payload.signatory], "signatory")[0],
        cosignatories=_positions(user, payload.cosignatories, "cosignatories"),
        qualifier=payload.qualifier, enclosures=payload.enclosures,
        client_token=payload.client_token, ip_address=ip_of(request),
    )  # fmt: skip
    if letter.drafter_id != user.pk:
        letter = _access(request, letter.code)  # someone else's client_token: 404 unless visible
    return 201, letter_out(user, letter)


@router.get("/letters/{uuid:code}", response=schemas.LetterOut, url_name="letter_detail")
def letter_detail(request, code: UUID):
    """One letter. Opening it records the first read for each of the caller's inboxes."""
    letter = _access(request, code)
    actions.do_mark_read(letter=letter, user=request.auth, seats=seats_of(request.auth),
                         ip_address=ip_of(request))  # fmt: skip
    return letter_out(request.auth, letter)


@router.patch("/letters/{uuid:code}", response={200: schemas.LetterOut, **REFUSALS},
              url_name="letter_update")  # fmt: skip
def letter_update(request, code: UUID, payload: schemas.LetterPatch):
    """Change a draft or a returned letter; send only the fields that change."""
    user = request.auth
    letter = _access(request, code)
    seat = _seat(user, letter, Action.EDIT)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    fields = {k: given[k] for k in ("security", "urgency", "subject", "body", "enclosures",
                                    "qualifier") if k in given}  # fmt: skip
    if "kind" in given:
        fields["kind"] = _kind(given["kind"])
    if "classification" in given:
        fields["classification"] = _classification(given["classification"])
    if "recipients" in given:
        fields["recipients"] = _recipients(user, payload.recipients, ip_of(request))
    if "reviewers" in given:
        fields["reviewers"] = _positions(user, payload.reviewers, "reviewers")
    if "signatory" in given:
        fields["signatory"] = _positions(user, [payload.signatory], "signatory")[0]
    if "cosignatories" in given:
        fields["cosignatories"] = _positions(user, payload.cosignatories, "cosignatories")
    letter = actions.do_update_draft(letter=letter, seat=seat, user=user, note=payload.note,
                                     ip_address=ip_of(request), **fields)  # fmt: skip
    return letter_out(user, letter)


@router.post("/letters/{uuid:code}/attachments", response={201: schemas.AttachmentOut, **REFUSALS},
             url_name="letter_attachment_add")  # fmt: skip
def letter_attachment_add(request, code: UUID, file: File[UploadedFile]):
    """Attach a PDF, JPEG or PNG (multipart field `file`) to a draft; checked by content."""
    letter = _access(request, code)
    seat = _seat(request.auth, letter, Action.EDIT)
    attachment = actions.do_add_attachment(letter=letter, seat=seat, user=request.auth,
                                           upload=file, ip_address=ip_of(request))  # fmt: skip
    return 201, _attachment_out(attachment)


FILE_OUT = {"responses": {200: {"description": "The file, as an attachment to save", "content": {
    t: {"schema": {"type": "string", "format": "binary"}}
    for t in ("application/pdf", "image/jpeg", "image/png")}}}}  # fmt: skip


@router.get("/attachments/{uuid:code}", url_name="attachment_download",
            response={200: None, 404: Error}, openapi_extra=FILE_OUT)  # fmt: skip
def attachment_download(request, code: UUID):
    """The attached file itself, for anyone who may read its letter."""
    attachment = _access_attachment(request, code)
    return file_response(attachment.file.open("rb"), name=attachment.name,
                         content_type=attachment.content_type)  # fmt: skip


@router.delete("/attachments/{uuid:code}", response={204: None, **REFUSALS},
               url_name="attachment_remove")  # fmt: skip
def attachment_remove(request, code: UUID):
    """Remove an attachment from a draft (the drafter)."""
    attachment = _access_attachment(request, code)
    seat = _seat(request.auth, attachment.letter, Action.EDIT)
    actions.do_remove_attachment(attachment=attachment, seat=seat, user=request.auth,
                                 ip_address=ip_of(request))  # fmt: skip
    return 204, None


@router.post("/letters/{uuid:code}/submit", response={200: schemas.LetterOut, **REFUSALS},
             url_name="letter_submit")  # fmt: skip
def letter_submit(request, code: UUID):
    """Send the draft up its review chain (or to the signatory when it has none)."""
    letter = _access(request, code)
    seat = _seat(request.auth, letter, Action.SUBMIT)
    letter = actions.do_submit(letter=letter, seat=seat, user=request.auth,
                               ip_address=ip_of(request))  # fmt: skip
    return letter_out(request.auth, letter)


@router.post("/letters/{uuid:code}/review", response={200: schemas.LetterOut, **REFUSALS},
             url_name="letter_review")  # fmt: skip
def letter_review(request, code: UUID, payload: schemas.ReviewIn):
    """Paraf: approve the draft, or return it to the drafter with a note."""
    letter = _access(request, code)
    seat = _seat(request.auth, letter, Action.REVIEW)
    letter = actions.do_review(letter=letter, seat=seat, user=request.auth,
                               approve=payload.approve, note=payload.note,
                               ip_address=ip_of(request))  # fmt: skip
    return letter_out(request.auth, letter)


@router.post("/letters/{uuid:code}/sign", response={200: schemas.LetterOut, **REFUSALS},
             url_name="letter_sign")  # fmt: skip
def letter_sign(request, code: UUID, payload: schemas.SignIn):
    """Sign with the password typed again: the letter gets its number and is delivered."""
    letter = _access(request, code)
    seat = _seat(request.auth, letter, Action.SIGN)
    if payload.version is not None and payload.version != letter.version:
        raise actions.ActionRefused(
            _("The letter changed while you were reading it. Read it again.")
        )
    letter = actions.do_sign(letter=letter, seat=seat, user=request.auth,
                             password=payload.password, secret=payload.passphrase,
                             ip_address=ip_of(request))  # fmt: skip
    return letter_out(request.auth, letter)


@router.post("/letters/{uuid:code}/return", response={200: schemas.LetterOut, **REFUSALS},
             url_name="letter_return")  # fmt: skip
def letter_return(request, code: UUID, payload: schemas.ReturnIn):
    """The signatory returns the draft to the drafter instead of signing it."""
    letter = _access(request, code)
    seat = _seat(request.auth, letter, Action.SIGN)
    letter = actions.do_return_by_signatory(
        letter=letter, seat=seat, user=request.auth, note=payload.note, ip_address=ip_of(request)
    )
    return letter_out(request.auth, letter)


@router.post("/letters/{uuid:code}/withdraw", response={200: schemas.LetterOut, **REFUSALS},
             url_name="letter_withdraw")  # fmt: skip
def letter_withdraw(request, code: UUID):
    """Abandon a draft; it stays in the record as withdrawn."""
    letter = _access(request, code)
    seat = _seat(request.auth, letter, Action.WITHDRAW)
    letter = actions.do_withdraw_draft(letter=letter, seat=seat, user=request.auth,
                                       ip_address=ip_of(request))  # fmt: skip
    return letter_out(request.auth, letter)


@router.get("/letters/{uuid:code}/versions", response=list[schemas.VersionOut],
            url_name="letter_versions")  # fmt: skip
def letter_versions(request, code: UUID):
    """The saved versions of the letter's content, oldest first: every draft for the drafting
    chain, only the signed version for anyone else (esurat.letters.access.versions_visible_to)."""
    letter = _access(request, code)
    rows = versions_visible_to(request.auth, letter).select_related("created_by")
    return [{"number": v.number, "subject": v.subject, "body": v.body,
             "created_by": v.created_by.get_full_name(), "created_at": v.created_at,
             "note": v.note} for v in rows]  # fmt: skip


@router.get("/letters/{uuid:code}/timeline", response=list[schemas.EventOut],
            url_name="letter_timeline")  # fmt: skip
def letter_timeline(request, code: UUID):
    """The letter's audit events in order: who did what, acting for whom, when. How the letter
    was drafted (return notes, paraf) is shown to its drafting chain only, as on the letter page
    (esurat.letters.access.timeline_visible_to)."""
    letter = _access(request, code)
    events = timeline_visible_to(request.auth, letter).select_related("acting_for__agency")
    return [{"seq": e.seq, "at": e.at, "action": e.action,
             "actor": e.actor_name if e.actor_id else "e-Surat",
             "acting_for": position_ref(e.acting_for), "acting_as": e.acting_as,
             "data": e.data or {}} for e in events]  # fmt: skip


RECEIPTS_LIMIT = 1000


@router.get("/letters/{uuid:code}/receipts", response=schemas.ReceiptsOut,
            url_name="letter_receipts")  # fmt: skip
def letter_receipts(request, code: UUID):
    """Where the letter was delivered and registered, and who opened it when (the first
    1,000 inboxes). For the drafter's and the signatory's side only; others get 404."""
    letter = _access(request, code)
    if seat_for_action(request.auth, letter, Action.VIEW_RECEIPTS) is None:
        raise Http404
    entries = (
        InboxEntry.objects.filter(letter=letter)
        .select_related("position__agency", "read_by")
        .order_by("position__agency__name", "position__title")
    )
    registrations = letter.registrations.select_related("agency").order_by("direction", "pk")
    return {
        "delivered": entries.count(),
        "read": entries.filter(read_at__isnull=False).count(),
        "receipts": [{"position": position_ref(e.position), "recipient_kind": e.kind,
                      "delivered_at": e.delivered_at, "read_at": e.read_at,
                      "read_by": _name(e.read_by), "read_as": e.read_as}
                     for e in entries[:RECEIPTS_LIMIT]],
        "registrations": [{"agency": r.agency.short_name, "direction": r.direction,
                           "agenda_number": r.agenda_number, "registered_at": r.registered_at}
                          for r in registrations],
    }  # fmt: skip
