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


def access_public_root(government_code=None):
    """The certificate authority whose root anyone may download: the given government's, or the
    deployment's only one when no government is named. 404 when there is none (BSrE only) or
    when several governments share the deployment and none is named."""
    from esurat.signing.models import CertificateAuthority

    authorities = CertificateAuthority.objects.select_related("government")
    if government_code is not None:
        authorities = authorities.filter(government__code=government_code)
    found = list(authorities[:2])
    if len(found) != 1:
        raise Http404
    return found[0]
