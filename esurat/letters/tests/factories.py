"""Helpers that drive the letter loop through the real actions (no shortcuts into the DB)."""

from esurat.letters import actions
from esurat.letters.models import Classification, LetterKind
from esurat.organisations.access import seat_for, seats_of


def draft_nota_dinas(
    city,
    *,
    security="B",
    urgency="biasa",
    to=None,
    cc=None,
    reviewers=None,
    signatory=None,
    drafter=None,
    subject="Undangan rapat koordinasi",
):
    """A nota dinas from Diskominfo staff to the head of Dinas PUPR, tembusan Sekda.

    `reviewers=[]` (a letter that goes straight to signature) is drafted by the Kabid, whose
    superior is the signatory: staff may not skip their Kabid's paraf
    (actions.required_reviewers)."""
    if drafter is None:
        drafter = "kabid.aptika" if reviewers is not None and not reviewers else "staf.aptika"
    user = city.users[drafter]
    seat = next(s for s in seats_of(user) if not s.is_delegate)
    kominfo = "Diskominfo"
    reviewers = (
        reviewers
        if reviewers is not None
        else [
            city.position(kominfo, "Kepala Bidang Aplikasi Informatika"),
        ]
    )
    signatory = signatory or city.position(kominfo, "Kepala Dinas Komunikasi dan Informatika")
    to = (
        to
        if to is not None
        else [{"kind": "to", "target": "agency", "agency": city.agencies["Dinas PUPR"]}]
    )
    cc = (
        cc
        if cc is not None
        else [
            {
                "kind": "cc",
                "target": "position",
                "position": city.position("Setda", "Sekretaris Daerah"),
            }
        ]
    )
    return actions.do_create_draft(
        seat=seat,
        user=user,
        kind=LetterKind.objects.get(code="nota-dinas"),
        classification=Classification.objects.get(code="000.1.2.3"),
        security=security,
        urgency=urgency,
        subject=subject,
        body="<p>Dengan hormat, kami mengundang Bapak/Ibu.</p>",
        recipients=to + cc,
        reviewers=reviewers,
        signatory=signatory,
    )


def send_through(
    city,
    letter,
    *,
    signer="kadis.kominfo",
    reviewers=("kabid.aptika",),
    drafter=None,
    secret="kunci-tanda-tangan",
):
    """Submit, approve by each reviewer, sign. Returns the sent letter.

    The letter's own drafter submits it unless `drafter` names another user.
    `secret` is the signing passphrase a PAdES provider asks for (the browser journeys sign
    with `local`); `recorded` ignores it."""
    from esurat.letters.access import Action, seat_for_action

    user = city.users[drafter] if drafter else letter.drafter
    letter = actions.do_submit(
        letter=letter, seat=seat_for_action(user, letter, Action.SUBMIT), user=user
    )
    for name in reviewers:
        u = city.users[name]
        letter = actions.do_review(
            letter=letter, seat=seat_for_action(u, letter, Action.REVIEW), user=u, approve=True
        )
    u = city.users[signer]
    return actions.do_sign(
        letter=letter,
        seat=seat_for_action(u, letter, Action.SIGN),
        user=u,
        password="pw",
        secret=secret,
    )


__all__ = ["draft_nota_dinas", "send_through", "seat_for"]
