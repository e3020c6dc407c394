"""Public reads: what the verification page (no login) may fetch."""

from django.http import Http404

from esurat.letters.models import Letter


def access_verifiable_letter(code) -> Letter:
    """A letter that was signed and numbered, by its code; anything else (a draft, an incoming
    letter, an unknown code) is 404, so the page never reveals that an unsigned letter exists."""
    letter = (
        Letter.objects.select_related("government", "agency", "kind")
        .filter(code=code, origin=Letter.Origin.DRAFTED, signed_at__isnull=False)
        .exclude(number="")
        .first()
    )
    if letter is None:
        raise Http404
    return letter
