"""The search operation of the API (/api/v1/search): the same search as the page, over the same
letters (only those the caller may read), with the same filters, facets and cursor."""

import datetime
from typing import Literal
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field

from esurat.api import schemas
from esurat.search.backends import Filters, Order, search

router = Router(tags=["search"])


class SearchQuery(Schema):
    q: str = Field("", max_length=200, description="Words, a letter number (or part), a name")
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str | None = Field(None, max_length=40, description="Letter kind code")
    agency: UUID | None = Field(None, description="Agency code")
    classification: str | None = Field(None, max_length=40, description="Code and those below")
    direction: Literal["in", "out"] | None = Field(
        None, description="in: registered from outside; out: drafted here"
    )
    state: schemas.LetterState | None = None
    read: Literal["read", "unread"] | None = Field(None, description="The caller's inbox rows")
    order: Literal["newest", "relevant"] = Order.NEWEST
    cursor: str | None = Field(None, max_length=200)


class SearchHitOut(Schema):
    code: UUID
    subject: str
    subject_marked: str = Field(description="The subject, HTML-escaped, matches in <mark>")
    snippet: str = Field(description="An extract of the text, HTML-escaped, matches in <mark>")
    number: str
    sender_number: str
    sender: str | None
    kind: str
    agency: str
    state: schemas.LetterState
    security: schemas.Security
    letter_date: datetime.date | None
    received_on: datetime.date | None
    sent_at: datetime.datetime | None
    unread: bool


class FacetOut(Schema):
    value: str = Field(description="Pass as the filter of the same name")
    label: str
    count: int


class SearchFacetsOut(Schema):
    kind: list[FacetOut]
    agency: list[FacetOut]
    direction: list[FacetOut]
    state: list[FacetOut]
    read: list[FacetOut]


class SearchPage(Schema):
    total: int = Field(
        description="How many matching letters the caller may read, counted up to 1,000"
    )
    total_capped: bool = Field(
        description="More than `total` letters match (counting stopped at 1,000; facets are then"
        " empty: narrow the search with filters to count them)"
    )
    items: list[SearchHitOut]
    facets: SearchFacetsOut
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
    similar_names: bool = Field(description="Nothing matched exactly: misspelt names tolerated")


def _hit(letter) -> dict:
    return {
        "code": letter.code, "subject": letter.subject, "subject_marked": letter.subject_marked,
        "snippet": letter.snippet, "number": letter.number, "sender_number": letter.sender_number,
        "sender": letter.sender.name if letter.sender else None, "kind": letter.kind.name,
        "agency": letter.agency.short_name, "state": letter.state, "security": letter.security,
        "letter_date": letter.letter_date, "received_on": letter.received_on,
        "sent_at": letter.sent_at, "unread": letter.unread,
    }  # fmt: skip


@router.get("", response={200: SearchPage, 422: schemas.ValidationErrors}, url_name="search")
def search_letters(request, query: Query[SearchQuery]):
    """The letters the caller may read that match, 20 a page; totals and facets count only
    those."""
    filters = Filters(
        date_from=query.date_from, date_to=query.date_to, kind=query.kind or "",
        agency=query.agency, classification=query.classification or "",
        direction=query.direction or "", state=query.state or "", read=query.read or "",
    )  # fmt: skip
    found = search(request.auth, query.q, filters, query.order, query.cursor or "")
    return {
        "total": min(found.total, found.cap), "total_capped": found.capped, "items": [_hit(letter) for letter in found.hits],
        "facets": {name: [vars(f) for f in facets] for name, facets in found.facets.items()},
        "next_cursor": found.next_cursor or None, "similar_names": found.fuzzy,
    }  # fmt: skip
