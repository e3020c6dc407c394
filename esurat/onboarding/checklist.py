"""The onboarding checklist of each agency, computed from the data — never ticked by hand.

One pass for any number of agencies, in a fixed number of queries (the city overview lists them
all): letterhead and logo set, every signatory holds a signing certificate (or, for BSrE, has
their NIK recorded), a registry clerk assigned, every active letter kind's number template
renders for the agency, and the share of its people who have logged in at least once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from esurat.accounts.models import Role
from esurat.letters.models import LetterKind
from esurat.letters.numbering import check_template, render_number
from esurat.onboarding.models import AgencyOnboarding, PositionKey
from esurat.organisations.models import Position
from esurat.signing.models import SignerProfile, SigningCertificate

LOGGED_IN_ENOUGH = 0.8  # the share of people who logged in for the item to count as done


@dataclass
class Item:
    label: str
    done: bool
    detail: str = ""


@dataclass
class Checklist:
    agency: object
    state: str
    trial_started_on: object = None
    live_on: object = None
    items: list[Item] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done / len(self.items)) if self.items else 0


def _kind_problems(agency, kinds) -> list[str]:
    sample = SimpleNamespace(code="000.1")
    today = timezone.localdate()
    bad = []
    for kind in kinds:
        try:
            check_template(kind.number_template)
            number = render_number(kind, seq=1, insert=0, agency=agency, classification=sample,
                                   date=today)  # fmt: skip
        except (ValueError, KeyError, IndexError):
            bad.append(kind.abbreviation or kind.name)
            continue
        if ("{unit_code}" in kind.number_template and not agency.unit_code) or not number:
            bad.append(kind.abbreviation or kind.name)
    return bad


def checklists(agencies) -> list[Checklist]:
    """The checklist of each agency (a list of Agency rows with their government)."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    now = timezone.now()
    states = {o.agency_id: o for o in AgencyOnboarding.objects.filter(agency_id__in=ids)}
    closed = PositionKey.objects.filter(closed_at__isnull=False).values("position_id")
    positions = list(Position.objects.filter(agency_id__in=ids).exclude(pk__in=closed)
                     .values("agency_id", "holder_id", "can_sign"))  # fmt: skip
    clerks = defaultdict(set)
    for user_id, agency_id in Role.objects.filter(kind=Role.Kind.CLERK, agency_id__in=ids) \
            .values_list("user_id", "agency_id"):  # fmt: skip
        clerks[agency_id].add(user_id)
    people = defaultdict(set)
    signatories = defaultdict(set)
    for p in positions:
        if p["holder_id"]:
            people[p["agency_id"]].add(p["holder_id"])
            if p["can_sign"]:
                signatories[p["agency_id"]].add(p["holder_id"])
    for agency_id, users in clerks.items():
        people[agency_id] |= users
    everyone = set().union(*people.values()) if people else set()
    from esurat.accounts.models import User

    logged_in = set(User.objects.filter(pk__in=everyone, last_login__isnull=False)
                    .values_list("pk", flat=True))  # fmt: skip
    certified = set(
        SigningCertificate.objects.filter(
            Q(user_id__in=everyone), revoked_at__isnull=True, not_after__gt=now
        ).values_list("user_id", flat=True)
    ) | set(SignerProfile.objects.filter(user_id__in=everyone).values_list("user_id", flat=True))
    kinds = list(LetterKind.objects.filter(is_active=True))

    out = []
    for agency in agencies:
        row = states.get(agency.pk)
        sheet = Checklist(
            agency,
            row.state if row else AgencyOnboarding.State.LIVE,
            row.trial_started_on if row else None,
            row.live_on if row else None,
        )
        letterhead = bool(agency.name and agency.address and (agency.email or agency.phone))
        sheet.items.append(Item(_("Letterhead: name, address and e-mail or phone"), letterhead))
        has_logo = bool(agency.logo or agency.government.logo)
        sheet.items.append(Item(_("Logo or the government's emblem"), has_logo))
        signers = signatories[agency.pk]
        ready = len(signers & certified)
        sheet.items.append(Item(_("Signatories with a signing certificate"),
                                bool(signers) and ready == len(signers),
                                f"{ready} / {len(signers)}"))  # fmt: skip
        sheet.items.append(Item(_("A registry clerk assigned"), bool(clerks[agency.pk]),
                                str(len(clerks[agency.pk]))))  # fmt: skip
        bad = _kind_problems(agency, kinds)
        sheet.items.append(Item(_("Letter number formats work for this agency"),
                                bool(kinds) and not bad, ", ".join(bad)))  # fmt: skip
        staff = people[agency.pk]
        share = len(staff & logged_in) / len(staff) if staff else 0
        sheet.items.append(
            Item(
                _("Its people have logged in (at least 80%)"),
                bool(staff) and share >= LOGGED_IN_ENOUGH,
                f"{round(100 * share)}% ({len(staff & logged_in)} / {len(staff)})",
            )
        )
        out.append(sheet)
    return out
