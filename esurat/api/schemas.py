"""The shapes the API reads and writes. Plain data only: no queries, no rules.

Objects are named by their UUID `code` (letters, positions, agencies, attachments), letter kinds
by their slug and classifications by their code; never by a database id.
"""

import datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, WithJsonSchema

from esurat.letters.models import Letter, Security, Urgency


def ip_of(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def named_enum(choices, name: str):
    """`choices` (a TextChoices) under a name of its own, inline in the schema. ninja files every
    enum under its class name, so Letter.State and Dispatch.State would both be "State" and one
    would replace the other in the served schema."""
    schema = {"title": name, "type": "string", "enum": list(choices.values)}
    return Annotated[choices, WithJsonSchema(schema)]


def inline_json_schema(schema: type[Schema]) -> dict:
    """The model's JSON schema with its $defs written in place: a request body documented by hand
    (openapi_extra) must not point at #/$defs/…, which does not exist in the served document."""
    body = schema.model_json_schema()
    defs = body.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline({**defs[ref.removeprefix("#/$defs/")],
                               **{k: v for k, v in node.items() if k != "$ref"}})  # fmt: skip
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(body)


LetterState = named_enum(Letter.State, "LetterState")


class Error(Schema):
    detail: str


class ValidationErrors(Schema):
    detail: list[dict]


# --- reference data ------------------------------------------------------------------------------


class AgencyRef(Schema):
    code: UUID
    short_name: str
    name: str


class AgencyOut(AgencyRef):
    kind: str
    unit_code: str
    is_onboarded: bool


class PositionRef(Schema):
    code: UUID
    title: str
    agency: AgencyRef | None = None


class PositionOut(PositionRef):
    holder: str | None
    is_head: bool
    can_sign: bool


class LetterKindOut(Schema):
    code: str
    name: str
    abbreviation: str
    layout: str


class ClassificationOut(Schema):
    code: str
    name: str


class SeatOut(Schema):
    position: PositionRef
    acting_as: str = Field(description='"" for the definitive holder; plt, plh, pj or delegate')
    qualifier: str = Field(description="Plt., Plh. or Pj. for acting officials")
    is_delegate: bool


class UserOut(Schema):
    code: UUID
    username: str
    full_name: str
    nip: str | None
    email: str


class LetterCountersOut(Schema):
    unread: int
    to_review: int
    to_sign: int
    to_dispose: int = Field(description="Incoming letters sent on to me, not yet disposed")
    to_approve: int = Field(description="Acts of disposing a delegate prepared for my approval")
    to_report: int = Field(description="Open dispositions to me, waiting for my follow-up")
    dispositions: int = Field(description="Unread dispositions to me and those to approve")
    action: int = Field(description="Every entry of needs-action: the sum of its five lists")
    notifications: int = Field(0, description="Unread notifications (the bell)")


class MeOut(Schema):
    user: UserOut
    government: str | None
    time_zone: str | None
    seats: list[SeatOut]
    roles: list[str]
    counters: LetterCountersOut


# --- lists ---------------------------------------------------------------------------------------


class InboxItemOut(Schema):
    letter: UUID
    subject: str
    number: str
    letter_date: datetime.date | None
    kind: str
    security: Security
    urgency: Urgency
    from_agency: str
    sender: str | None = Field(description="The outside sender of a registered incoming letter")
    inbox: str = Field(description="The position whose inbox holds the letter")
    recipient_kind: Literal["to", "cc"]
    delivered_at: datetime.datetime
    read_at: datetime.datetime | None
    agenda_number: str | None = Field(
        description="The incoming agenda number in the book of the inbox's agency, once registered"
    )


class InboxPage(Schema):
    items: list[InboxItemOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class LetterSummaryOut(Schema):
    code: UUID
    subject: str
    state: LetterState
    number: str
    letter_date: datetime.date | None
    kind: str
    security: Security
    urgency: Urgency
    agency: str
    drafter_position: str | None
    signatory_position: str | None
    updated_at: datetime.datetime
    sent_at: datetime.datetime | None
    recipients: list[str] | None = None
    pending_with: str | None = Field(None, description="Whose paraf a draft in review waits for")
    inbox_total: int | None = None
    inbox_read: int | None = None


class LetterPage(Schema):
    items: list[LetterSummaryOut]
    next_cursor: str | None


# --- one letter ----------------------------------------------------------------------------------


class ExternalPartyOut(Schema):
    code: UUID
    name: str
    email: str = Field(description="Letters are e-mailed here; without it they go on paper")
    address: str


class RecipientOut(Schema):
    kind: Literal["to", "cc"]
    target: str
    position: PositionRef | None
    agency: AgencyRef | None
    external: ExternalPartyOut | None = Field(description="For target=external")
    label: str


class ReviewStepOut(Schema):
    round: int
    order: int
    position: PositionRef
    state: str
    version: int | None
    note: str
    acted_by: str | None
    acted_as: str
    acted_at: datetime.datetime | None


class SignatureOut(Schema):
    position: PositionRef
    signed_by: str
    acting_as: str
    qualifier: str
    version: int
    content_sha256: str
    provider: str
    level: str
    signed_at: datetime.datetime


class AttachmentOut(Schema):
    code: UUID
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime.datetime


class RegistrationOut(Schema):
    agency: str
    direction: Literal["in", "out"]
    agenda_number: str
    registered_at: datetime.datetime


class CoSignatoryOut(Schema):
    position: PositionRef
    state: str


class LetterOut(Schema):
    code: UUID
    origin: str
    state: LetterState
    kind: LetterKindOut
    classification: ClassificationOut
    security: Security
    urgency: Urgency
    subject: str
    body: str
    enclosures: int
    number: str
    letter_date: datetime.date | None
    agency: AgencyRef
    drafter: str | None
    drafter_position: PositionRef | None
    signatory_position: PositionRef | None
    cosignatories: list[CoSignatoryOut] = Field(
        description="Joint letter: who co-signs after the signatory, in order, and whether "
        "they have signed ('pending' is the one whose turn it is)"
    )
    qualifier: str
    version: int
    review_round: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    signed_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    sender: str | None
    sender_number: str
    sender_date: datetime.date | None
    received_on: datetime.date | None
    recipients: list[RecipientOut]
    reviewers: list[PositionRef] = Field(
        description="The planned review chain, in order (empty for all but the drafting chain)"
    )
    review_steps: list[ReviewStepOut] = Field(
        description="Every paraf of every review round (empty for all but the drafting chain)"
    )
    signatures: list[SignatureOut]
    attachments: list[AttachmentOut]
    registrations: list[RegistrationOut] = Field(
        description="The letter's agenda numbers in the books of the agencies you hold a position "
        "in or keep the registry of (incoming for a received letter, outgoing for a sent one)"
    )
    allowed_actions: list[str] = Field(
        description="What the caller may do now: view, edit, submit, withdraw, review, sign "
        "(sign also allows return), view_receipts"
    )


class VersionOut(Schema):
    number: int
    subject: str
    body: str
    created_by: str
    created_at: datetime.datetime
    note: str


class EventOut(Schema):
    seq: int
    at: datetime.datetime
    action: str
    actor: str
    acting_for: PositionRef | None
    acting_as: str
    data: dict


class ReceiptOut(Schema):
    position: PositionRef
    recipient_kind: Literal["to", "cc"]
    delivered_at: datetime.datetime
    read_at: datetime.datetime | None
    read_by: str | None
    read_as: str


class ReceiptsOut(Schema):
    delivered: int
    read: int
    receipts: list[ReceiptOut]
    registrations: list[RegistrationOut]


# --- input ---------------------------------------------------------------------------------------


class RecipientIn(Schema):
    kind: Literal["to", "cc"] = "to"
    target: Literal["position", "agency", "agency_all", "government_all", "external"]
    position: UUID | None = Field(None, description="For target=position")
    agency: UUID | None = Field(None, description="For target=agency or agency_all")
    external: UUID | None = Field(
        None, description="For target=external: an outside party of GET /external-parties"
    )
    name: str = Field(
        "", max_length=300,
        description="For target=external without `external`: the outside party's name; found in "
        "the government's directory by name, or added to it",
    )  # fmt: skip
    email: str = Field(
        "", max_length=254,
        description="With `name`: where the signed letter is e-mailed (on paper without it)",
    )  # fmt: skip


class LetterIn(Schema):
    kind: str = Field(description="Letter kind code, e.g. nota-dinas (GET /letter-kinds)")
    classification: str = Field(description="Classification code, e.g. 000.1.2.3")
    security: Security = Security.ORDINARY
    urgency: Urgency = Urgency.ORDINARY
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field("", description="HTML; sanitised on save")
    enclosures: int = Field(0, ge=0, le=999)
    qualifier: Letter.Qualifier = Letter.Qualifier.NONE
    recipients: list[RecipientIn] = Field(min_length=1, max_length=500)
    reviewers: list[UUID] = Field(
        [],
        max_length=20,
        description="Position codes, in order. The drafter's superiors up to the signatory must "
        "be there, lowest first; others may be added (else 422 required_reviewer or "
        "reviewer_order)",
    )
    signatory: UUID = Field(description="Position code of the signatory")
    cosignatories: list[UUID] = Field(
        [],
        max_length=10,
        description="Joint letter: position codes that co-sign after the signatory, in order",
    )
    as_position: UUID | None = Field(
        None, description="The position to draft from, when the caller holds several"
    )
    client_token: UUID | None = Field(
        None, description="Idempotency key: posting the same key again returns the first draft"
    )


class LetterPatch(Schema):
    kind: str | None = None
    classification: str | None = None
    security: Security | None = None
    urgency: Urgency | None = None
    subject: str | None = Field(None, min_length=1, max_length=300)
    body: str | None = None
    enclosures: int | None = Field(None, ge=0, le=999)
    qualifier: Letter.Qualifier | None = None
    recipients: list[RecipientIn] | None = Field(None, min_length=1, max_length=500)
    reviewers: list[UUID] | None = Field(None, max_length=20)
    signatory: UUID | None = None
    cosignatories: list[UUID] | None = Field(None, max_length=10)
    note: str = Field("", max_length=300, description="Why the content changed (kept with it)")


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=5000)


class SignIn(Schema):
    password: str = Field(max_length=256, description="The signatory's login password, again")
    passphrase: str = Field(
        "", max_length=256, description="The signing passphrase (PAdES providers); never stored"
    )
    version: int | None = Field(
        None, description="The version the signatory read; refused if the letter changed since"
    )


class ReturnIn(Schema):
    note: str = Field(min_length=1, max_length=5000)


# --- incoming letters, scan first (esurat/api/incoming.py) -----------------------------------------


class IncomingProposalOut(Schema):
    """What the text of a scan proposes; "" where nothing was found (or not read yet)."""

    sender: str = ""
    sender_number: str = ""
    sender_date: str = Field("", description="ISO date, or empty")
    subject: str = ""


class ScanUploadOut(Schema):
    """A scan uploaded before its letter is registered, and how its reading goes."""

    code: UUID
    state: Literal["pending", "running", "done", "failed"] = Field(
        description="Poll GET /incoming/scans/{code} while pending or running"
    )
    stalled: bool = Field(
        description="Still not read long after the upload (the reader is busy or stopped): "
        "register the letter with the fields typed by hand"
    )
    name: str
    pages: int
    sha256: str
    source: Literal["", "pdf", "ocr", "mixed"]
    proposal: IncomingProposalOut
    error: str
    letter: UUID | None = Field(description="The letter it was registered as, once registered")
    created_at: datetime.datetime
    updated_at: datetime.datetime


class IncomingCorrectionIn(Schema):
    """The checked values (from the OCR proposal, possibly corrected); absent or empty values
    leave the field as it is."""

    sender_name: str | None = Field(None, max_length=300)
    sender_number: str | None = Field(None, max_length=120)
    sender_date: datetime.date | None = None
    subject: str | None = Field(None, max_length=300)
