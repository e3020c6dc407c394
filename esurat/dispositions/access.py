"""Who may see and do what with dispositions. The only way views and the API fetch one.

- A disposition is visible to whoever may read its letter (esurat.letters.access.can_view), except
  a prepared one, which only the giver's seats (the leader and their delegates) see.
- The receiver of a letter disposes it: a seat whose position has the letter in its inbox or an
  open disposition to it. Delegates of that position prepare (or send, where the agency allows);
  on R/SR letters delegates have no seat at all unless their own position is named.
- Recipients may dispose further; by default only to positions below them in the tree.
- The giver (holder or acting official of from_position) withdraws an unread disposition,
  approves or discards a prepared one, and reopens a done one. The recipient reports follow-up.
An outsider gets 404, never 403.
"""

from django.http import Http404

from esurat.dispositions.models import Disposition, DispositionSettings, FollowUpFile
from esurat.letters.access import access_letter
from esurat.letters.models import InboxEntry, Letter
from esurat.organisations.access import Seat, seats_of
from esurat.organisations.models import Position


def settings_for(agency) -> DispositionSettings:
    """The agency's disposition settings, or the defaults (unsaved) when it has none."""
    found = DispositionSettings.objects.filter(agency=agency).first()
    return found or DispositionSettings(agency=agency)


def _seats(user, letter: Letter, *, allow_delegate: bool) -> list[Seat]:
    """The user's seats that count for this letter: no delegate seat for R/SR letters."""
    return [
        s
        for s in seats_of(user)
        if not (s.is_delegate and (letter.is_narrow or not allow_delegate))
    ]


def _seat_at(user, letter: Letter, position_id: int, *, allow_delegate: bool) -> Seat | None:
    for seat in _seats(user, letter, allow_delegate=allow_delegate):
        if seat.position.pk == position_id:
            return seat
    return None


def access_disposition(user, code, *, ip_address=None) -> Disposition:
    """The disposition with this code if the user may see it, else Http404.

    Reads of R/SR letters are logged through access_letter.
    """
    try:
        disposition = Disposition.objects.select_related(
            "letter", "from_position__agency", "to_position__agency", "to_position__holder",
            "parent", "created_by", "sent_by", "read_by",
        ).get(code=code)  # fmt: skip
    except (Disposition.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    letter = access_letter(user, disposition.letter.code, ip_address=ip_address)
    disposition.letter = letter
    if disposition.state == Disposition.State.PREPARED and not _seat_at(
        user, letter, disposition.from_position_id, allow_delegate=True
    ):
        raise Http404
    return disposition


def access_follow_up_file(user, code, file_code, *, ip_address=None) -> FollowUpFile:
    """A file of a follow-up report on the disposition `code`, for whoever may see that
    disposition (access_disposition), else Http404."""
    disposition = access_disposition(user, code, ip_address=ip_address)
    row = (
        FollowUpFile.objects.filter(code=file_code, follow_up__disposition=disposition)
        .select_related("follow_up")
        .first()
    )
    if row is None:
        raise Http404
    return row


def receiving_seats(user, letter: Letter) -> list[Seat]:
    """The user's seats from which the letter may be disposed: its position has the letter in
    its inbox or an open disposition to it. Definitive and acting seats come before delegates."""
    seats = _seats(user, letter, allow_delegate=True)
    if not seats:
        return []
    ids = [s.position.pk for s in seats]
    receiving = set(
        InboxEntry.objects.filter(letter=letter, position_id__in=ids).values_list(
            "position_id", flat=True
        )
    ) | set(
        Disposition.objects.filter(
            letter=letter, to_position_id__in=ids, state__in=Disposition.OPEN_STATES
        ).values_list("to_position_id", flat=True)
    )
    found = [s for s in seats if s.position.pk in receiving]
    return sorted(found, key=lambda s: s.is_delegate)


def disposing_seat(user, letter: Letter, position_code=None) -> Seat | None:
    """The seat the user disposes from (the one named by position_code when several)."""
    seats = receiving_seats(user, letter)
    if position_code:
        seats = [s for s in seats if str(s.position.code) == str(position_code)]
    return seats[0] if seats else None


def giver_seat(user, disposition: Disposition, *, allow_delegate: bool = False) -> Seat | None:
    """The user's seat at the giving position (holder or acting; delegates only when asked)."""
    return _seat_at(
        user, disposition.letter, disposition.from_position_id, allow_delegate=allow_delegate
    )


def recipient_seat(user, disposition: Disposition, *, allow_delegate: bool = False) -> Seat | None:
    """The user's seat at the receiving position (holder or acting; delegates only when asked)."""
    return _seat_at(
        user, disposition.letter, disposition.to_position_id, allow_delegate=allow_delegate
    )


def may_dispose_to(seat: Seat, position: Position, *, sideways: bool) -> bool:
    """True when the seat's position may dispose to `position`: below it, or (when the agency
    allows it) anywhere in the same agency."""
    from esurat.organisations.access import is_below

    if position.pk == seat.position.pk:
        return False
    if sideways and position.agency_id == seat.position.agency_id:
        return True
    return is_below(position, seat.position)


def candidate_positions(seat: Seat, *, sideways: bool) -> list[Position]:
    """Positions offered on the dispose screen: two levels below the seat (or the agency).

    One query. Ordered as the tree reads: each direct subordinate followed by its own.
    """
    from django.db.models import Q

    mine = seat.position
    if sideways:
        where = Q(agency_id=mine.agency_id) | Q(superior=mine) | Q(superior__superior=mine)
    else:
        where = Q(superior=mine) | Q(superior__superior=mine)
    rows = list(
        Position.objects.filter(where)
        .exclude(pk=mine.pk)
        .select_related("holder", "agency")
        .order_by("title")
    )
    by_superior: dict[int | None, list[Position]] = {}
    for p in rows:
        by_superior.setdefault(p.superior_id, []).append(p)
    ordered, seen = [], set()
    for p in by_superior.get(mine.pk, []):
        p.depth = 0
        ordered.append(p)
        seen.add(p.pk)
        for child in by_superior.get(p.pk, []):
            child.depth = 1
            ordered.append(child)
            seen.add(child.pk)
    for p in rows:
        if p.pk not in seen:
            p.depth = 0
            ordered.append(p)
    return ordered
