"""Who may see the dispatch book: the registry clerks of the sending agency. Anyone else gets 404."""

from django.http import Http404

from esurat.delivery.models import Dispatch
from esurat.letters.access import Action, allowed_actions, clerk_agency_ids


def access_dispatch(user, code) -> Dispatch:
    """A dispatch of one of the user's clerk agencies, by its code, else Http404."""
    ids = clerk_agency_ids(user)
    found = (
        Dispatch.objects.select_related(
            "letter__government", "letter__kind", "agency", "recorded_by"
        )
        .filter(code=code, agency_id__in=ids, letter__government_id=user.government_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def dispatches_shown_with(user, letter) -> list[Dispatch] | None:
    """The outside deliveries of a letter for its page: shown to the drafting side (drafter,
    signatory and those acting for them) and the sending agency's clerks; None for others."""
    if letter.origin != letter.Origin.DRAFTED or letter.sent_at is None:
        return None
    own_side = Action.VIEW_RECEIPTS in allowed_actions(user, letter)
    if not own_side and letter.agency_id not in clerk_agency_ids(user):
        return None
    return list(letter.dispatches.order_by("book_year", "book_seq"))
