"""One letter: compose and edit, the letter page with its timeline, paraf, signing, versions,
attachments and read receipts. Reads go through access.py, writes through actions.py."""

import difflib
import re
import uuid
from html import unescape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.audit.models import AuditEvent
from esurat.delivery.actions import do_save_external_party
from esurat.dispositions import actions as disposition_actions
from esurat.dispositions import selectors as disposition_selectors
from esurat.dispositions.access import receiving_seats
from esurat.letters import actions
from esurat.letters.access import (
    Action,
    access_letter,
    allowed_actions,
    is_drafting_insider,
    seat_for_action,
    timeline_visible_to,
    versions_visible_to,
)
from esurat.letters.forms import LetterForm, ReturnForm, ReviewForm, SignForm
from esurat.letters.models import (
    Attachment,
    Classification,
    CoSignatory,
    ExternalParty,
    InboxEntry,
    Letter,
    Recipient,
    ReviewStep,
)
from esurat.letters.views.document import document_context
from esurat.lib.files import file_response
from esurat.organisations.access import seats_of
from esurat.organisations.models import Agency, Position
from esurat.pwa.caching import keep_off_device
from esurat.reminders.selectors import waiting_on_letter
from esurat.signing import ca
from esurat.signing.providers import get_provider, signer_warning


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _refused(request, letter, exc, to="letters:detail"):
    """Show why an action could not happen and go back to the page it came from."""
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)
    return redirect(to, code=letter.code)


def _seat_or_refuse(request, letter, action: Action, message: str):
    seat = seat_for_action(request.user, letter, action)
    if seat is None:
        messages.error(request, message)
    return seat


# --- compose -----------------------------------------------------------------------------------


# Outside parties listed in the addressee picker (those with an e-mail address, by name).
EXTERNAL_CHOICES = 300


def _drafting_seat(request):
    """The seat the user writes from: the one named by ?as= when they hold several."""
    seats = [s for s in seats_of(request.user) if not s.is_delegate]
    chosen = request.POST.get("as") or request.GET.get("as")
    return next((s for s in seats if str(s.position.code) == chosen), seats[0] if seats else None)


def _compose(request, form, *, seat, letter=None):
    seats = [s for s in seats_of(request.user) if not s.is_delegate]
    return render(request, "letters/compose.html", {
        "form": form, "seat": seat, "seats": seats, "letter": letter,
        "recipient_choices": _recipient_choices(form, seat.position),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """Write a new draft. A second post of the same form (client_token) opens the first draft."""
    seat = _drafting_seat(request)
    if seat is None:
        messages.error(request, _("You hold no position, so you cannot write letters."))
        return redirect("letters:drafts")
    initial = {**LetterForm.initial_for(seat.position), "client_token": uuid.uuid4()}
    form = LetterForm(request.POST or None, seat_position=seat.position, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            letter = actions.do_create_draft(
                seat=seat, user=request.user, client_token=form.cleaned_data["client_token"],
                ip_address=_ip(request), **_draft_fields(request, form, seat),
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The draft was saved. Attach files or submit it."))
            return redirect("letters:detail", code=letter.code)
    return _compose(request, form, seat=seat)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, code):
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = _seat_or_refuse(request, letter, Action.EDIT, _("This letter can no longer be changed."))
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    initial = LetterForm.initial_for(seat.position, letter)
    form = LetterForm(request.POST or None, seat_position=seat.position, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_draft(letter=letter, seat=seat, user=request.user,
                                    ip_address=_ip(request),
                                    **_draft_fields(request, form, seat))  # fmt: skip
        except actions.ActionRefused as exc:
            return _refused(request, letter, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("letters:detail", code=letter.code)
    return _compose(request, form, seat=seat, letter=letter)


def _draft_fields(request, form, seat) -> dict:
    """The form's fields for do_create_draft / do_update_draft; an outside party typed in the
    form is first found in, or added to, the government's directory."""
    fields = form.draft_fields()
    if new := form.new_external():
        party = do_save_external_party(government=seat.position.agency.government,
                                       user=request.user, name=new["name"], email=new["email"],
                                       ip_address=_ip(request))  # fmt: skip
        fields["recipients"].append({"kind": new["kind"], "target": Recipient.Target.EXTERNAL,
                                     "external": party})  # fmt: skip
    return fields


def _recipient_choices(form, position: Position) -> list[dict]:
    """The addressee options shown before any search: every agency (its head, or everyone in it),
    the positions of the drafter's own agency, and whatever the form already holds."""
    chosen = set(form["to"].value() or []) | set(form["cc"].value() or [])
    options = [{"token": "government_all", "label": _("Everyone in the government"), "sub": ""}]
    for agency in Agency.objects.filter(government_id=position.agency.government_id):
        options.append(
            {
                "token": f"agency:{agency.code}",
                "sub": agency.name,
                "label": _("Head of %(agency)s") % {"agency": agency.short_name},
            }
        )
        options.append(
            {
                "token": f"agency_all:{agency.code}",
                "sub": agency.name,
                "label": _("Everyone in %(agency)s") % {"agency": agency.short_name},
            }
        )
    chosen_parties = _uuids(c.partition(":")[2] for c in chosen if c.startswith("external:"))
    parties = ExternalParty.objects.filter(government_id=position.agency.government_id)
    parties = parties.filter(Q(email__gt="") | Q(code__in=chosen_parties)).order_by("name")
    options += [{"token": f"external:{p.code}", "label": p.name,
                 "sub": p.email or _("outside party, on paper")}
                for p in parties[:EXTERNAL_CHOICES]]  # fmt: skip
    extra = {c.partition(":")[2] for c in chosen if c.startswith("position:")}
    positions = Position.objects.filter(Q(agency_id=position.agency_id) | Q(code__in=_uuids(extra)))
    options += [_position_option(p) for p in positions.select_related("agency", "holder")]
    return options


def _uuids(values) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _position_option(p: Position) -> dict:
    holder = p.holder.get_full_name() if p.holder else _("vacant")
    return {"token": f"position:{p.code}", "label": p.title,
            "sub": f"{p.agency.short_name} · {holder}"}  # fmt: skip


@login_required
@require_GET
def classification_options(request):
    """<option>s for the classification datalist: codes or names matching what was typed."""
    q = (request.GET.get("q") or request.GET.get("classification") or "").strip()
    qs = Classification.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(code__startswith=q.split(" ", 1)[0]) | Q(name__icontains=q))
    return render(request, "letters/_classification_options.html", {"rows": qs[:40]})


@login_required
@require_GET
def position_options(request):
    """Addressee rows for a position search (title, holder's name or agency)."""
    field = "cc" if request.GET.get("field") == "cc" else "to"
    q, rows = (request.GET.get(f"q_{field}") or request.GET.get("q") or "").strip(), []
    if len(q) >= 2:
        # A position an organisation import closed (esurat.onboarding) is no addressee.
        qs = Position.objects.filter(agency__government_id=request.user.government_id).filter(
            Q(title__icontains=q) | Q(holder__full_name__icontains=q)
            | Q(agency__short_name__icontains=q) | Q(agency__name__icontains=q)
        ).exclude(import_key__closed_at__isnull=False)  # fmt: skip
        rows = [_position_option(p) for p in qs.select_related("agency", "holder")[:20]]
    return render(request, "letters/_position_options.html", {"rows": rows, "field": field})


# --- the letter page ---------------------------------------------------------------------------


def _who(event: AuditEvent) -> str:
    if event.actor_id is None:
        return _("e-Surat")
    position = event.acting_for
    if position is None:
        return event.actor_name
    if event.acting_as == "delegate":
        role = _("for %(position)s") % {"position": position.title}
    else:
        qualifier = {"plt": "Plt. ", "plh": "Plh. ", "pj": "Pj. "}.get(event.acting_as, "")
        role = f"{qualifier}{position.title}"
    return f"{event.actor_name} ({role})"


def _delivered_text(inboxes) -> str:
    """The delivery event: one inbox or several; a letter only to parties outside e-Surat
    reaches no inbox, and "delivered to 0 inboxes" would read like a failure."""
    n = int(inboxes or 0)
    if n == 0:
        return _("No recipient is on e-Surat: the letter leaves by e-mail or on paper.")
    return ngettext(
        "The letter was delivered to %(inboxes)s inbox.",
        "The letter was delivered to %(inboxes)s inboxes.", n,
    ) % {"inboxes": n}  # fmt: skip


def event_texts() -> dict[str, str]:
    """The timeline's sentence for each audit action of a letter, in the active language."""
    return {
        "letter.created": _("%(who)s wrote the draft."),
        "letter.updated": _("%(who)s changed the draft (version %(version)s)."),
        "letter.attachment_added": _("%(who)s attached %(name)s."),
        "letter.attachment_removed": _("%(who)s removed the attachment %(name)s."),
        "letter.submitted": _("%(who)s submitted the draft for review."),
        # No reviewer in the chain (e.g. a head drafting their own letter): no paraf happened.
        "letter.submitted:signature": _(
            "%(who)s submitted the draft straight for signature, without review (paraf)."
        ),
        "letter.approved": _("%(who)s approved the draft (paraf)."),
        "letter.returned": _("%(who)s returned the draft for revision."),
        "letter.signed": _("%(who)s signed the letter. Number: %(number)s."),
        "letter.cosigned": _("%(who)s co-signed the letter."),
        "letter.opened": _("%(who)s opened the letter."),
        "letter.read": _("%(who)s read the letter."),
        "letter.withdrawn": _("%(who)s withdrew the draft."),
        "number.cancelled": _("%(who)s cancelled the number %(number)s."),
        "number.reserved": _(
            "%(who)s began signing: number %(number)s is reserved for the letter."
        ),  # fmt: skip
        "number.released": _("The signing did not finish: number %(number)s was given back."),
        "letter.registered": _("%(who)s registered the incoming letter."),
        "letter.sent_to_head": _("%(who)s sent the letter to the head of the agency."),
        "letter.sent_to_unit": _("%(who)s sent the letter to a unit."),
        "letter.filed": _("%(who)s filed the letter without disposition."),
        "letter.corrected": _("%(who)s corrected the registration details."),
        "letter.revoked": _("%(who)s revoked the letter."),
        "letter.superseded": _("The letter was superseded by a correction."),
        "letter.correction_of": _("%(who)s started a correction of a revoked letter."),
        "number.insert_issued": _("%(who)s issued the insert number %(number)s."),
        "delivery.planned": _("Delivery outside e-Surat was planned."),
        "delivery.sent": _("The letter was e-mailed outside e-Surat."),
        "delivery.failed": _(
            "Sending the e-mail failed after every attempt; the registry clerk "
            "can try again or send the letter on paper."
        ),
        "delivery.retried": _("%(who)s had the e-mail sent again."),
        "delivery.switched_to_print": _("%(who)s chose to send the letter on paper instead."),
        "delivery.printed": _("%(who)s printed a copy for %(recipient)s."),
        "delivery.carried": _("%(who)s recorded that the copy for %(recipient)s was carried."),
        "delivery.received": _("%(who)s recorded that %(recipient)s received the letter."),
        "letter.downloaded": _("%(who)s downloaded a marked copy of the PDF."),
        "disposition.sent": _("%(who)s disposed the letter."),
        "disposition.prepared": _("%(who)s prepared a disposition for approval."),
        "disposition.approved": _("%(who)s approved a prepared disposition."),
        "disposition.withdrawn": _("%(who)s withdrew a disposition."),
        "disposition.read": _("%(who)s read a disposition."),
        "disposition.reported": _("%(who)s reported the follow-up of a disposition."),
        "disposition.reopened": _("%(who)s reopened a disposition."),
        "disposition.discarded": _("%(who)s discarded a prepared disposition."),
    }


def _event_text(event: AuditEvent, texts: dict[str, str]) -> str:
    d = event.data or {}
    if event.action == "letter.delivered":
        return _delivered_text(d.get("inboxes"))
    text = texts.get(f"{event.action}:{d['to']}" if "to" in d else event.action)
    text = text or texts.get(event.action, _("%(who)s: %(action)s."))
    values = {"version": "", "name": "", "number": "", "inboxes": "", "recipient": "", **d}
    return text % {**values, "who": _who(event), "action": event.action}


def _timeline(user, letter: Letter, *, insider: bool | None) -> list[dict]:
    events = timeline_visible_to(user, letter, insider=insider).select_related("acting_for")
    texts = event_texts()  # once per timeline, not once per event
    return [{"at": e.at, "action": e.action, "text": _event_text(e, texts),
             "note": (e.data or {}).get("note", "")} for e in events]  # fmt: skip


def _receipts(letter: Letter) -> dict:
    entries = list(
        InboxEntry.objects.filter(letter=letter)
        .select_related("position__agency", "read_by").order_by(F("read_at").asc(nulls_last=True), "-kind", "position__title")[:300]
    )  # fmt: skip
    return {"receipts": entries, "read_count": sum(1 for e in entries if e.read_at),
            "receipt_total": letter.inbox_entries.count()}  # fmt: skip


def _detail_context(request, letter: Letter) -> dict:
    allowed = allowed_actions(request.user, letter)
    steps = letter.review_steps.filter(round=letter.review_round).select_related(
        "position", "acted_by"
    )
    insider = is_drafting_insider(request.user, letter)
    events = _timeline(request.user, letter, insider=insider)
    returned = [e for e in events if e["action"] == "letter.returned"]
    delivered = letter.state in (
        Letter.State.SENT,
        Letter.State.REGISTERED,
        Letter.State.FILED,
        Letter.State.REVOKED,
    )
    context = {
        **_content_context(letter), "allowed": {a.value for a in allowed},
        "may_edit": Action.EDIT in allowed, "steps": list(steps),
        "events": events, "insider": insider,
        "delivered": delivered,
        "return_note": returned[-1] if returned and letter.state == Letter.State.RETURNED else None,
        "pending_step": next((s for s in steps if s.state == ReviewStep.State.PENDING), None),
    }  # fmt: skip
    if delivered:
        marks = disposition_selectors.deadlines(letter.government)
        context["nodes"] = disposition_selectors.tree(letter, request.user, marks=marks)
        context["may_dispose"] = bool(receiving_seats(request.user, letter))
    if Action.VIEW_RECEIPTS in allowed and delivered:
        context.update(_receipts(letter))
    context["waiting"] = waiting_on_letter(letter, receipts=Action.VIEW_RECEIPTS in allowed)
    context.update(document_context(request.user, letter))
    return context


@login_required
@require_GET
def detail(request, code):
    """The letter page. Opening it records the first read for each of the user's inboxes."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seats = seats_of(request.user)
    actions.do_mark_read(letter=letter, user=request.user, seats=seats, ip_address=_ip(request))
    disposition_actions.do_mark_read(letter=letter, user=request.user, seats=seats,
                                     ip_address=_ip(request))  # fmt: skip
    response = render(request, "letters/detail.html", _detail_context(request, letter))
    return keep_off_device(response, letter)  # a secret letter is never kept for offline


@login_required
@require_GET
def timeline(request, code):
    letter = access_letter(request.user, code, ip_address=_ip(request))
    events = _timeline(request.user, letter, insider=None)
    context = {"letter": letter, "events": events}
    return render(request, "letters/detail.html#timeline", context)


@login_required
@require_GET
def receipts(request, code):
    """Who opened the letter and when; for the drafter's and signatory's side only."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    if seat_for_action(request.user, letter, Action.VIEW_RECEIPTS) is None:
        raise Http404
    context = {"letter": letter, **_receipts(letter)}
    if request.headers.get("HX-Request"):
        return render(request, "letters/detail.html#receipts", context)
    return render(request, "letters/receipts.html", context)


# --- moving the draft along ----------------------------------------------------------------------


@login_required
@require_POST
def submit(request, code):
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = _seat_or_refuse(request, letter, Action.SUBMIT, _("Only the drafter can submit."))
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    try:
        letter = actions.do_submit(letter=letter, seat=seat, user=request.user,
                                   ip_address=_ip(request))  # fmt: skip
    except actions.ActionRefused as exc:
        return _refused(request, letter, exc)
    messages.success(request, _("The draft was submitted."))
    return redirect("letters:detail", code=letter.code)


@login_required
@require_POST
def withdraw(request, code):
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = _seat_or_refuse(request, letter, Action.WITHDRAW, _("Only a draft can be withdrawn."))
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    try:
        actions.do_withdraw_draft(letter=letter, seat=seat, user=request.user,
                                  ip_address=_ip(request))  # fmt: skip
    except actions.ActionRefused as exc:
        return _refused(request, letter, exc)
    messages.success(request, _("The draft was withdrawn."))
    return redirect("letters:drafts")


@login_required
@require_http_methods(["GET", "POST"])
def review(request, code):
    """Paraf: approve the draft, or return it to the drafter with a note."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = _seat_or_refuse(request, letter, Action.REVIEW,
                           _("This letter is not waiting for your review."))  # fmt: skip
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            actions.do_review(letter=letter, seat=seat, user=request.user, approve=approve,
                              note=form.cleaned_data["note"], ip_address=_ip(request))  # fmt: skip
        except actions.ActionRefused as exc:
            return _refused(request, letter, exc, to="letters:review")
        messages.success(request, _("Approved.") if approve else _("Returned to the drafter."))
        return redirect("letters:detail", code=letter.code)
    response = render(request, "letters/review.html", {**_content_context(letter), "form": form,
                                                       "seat": seat})  # fmt: skip
    return keep_off_device(response, letter)


def _content_context(letter: Letter) -> dict:
    """What _letter_content.html shows: the letter, its addressees and attachments."""
    recipients = list(letter.recipients.select_related("position__agency", "agency"))
    signatures = list(letter.signatures.select_related("position", "user").order_by("pk"))
    by_position = {s.position_id: s for s in signatures}
    cosigners = [
        (c, by_position.get(c.position_id))
        for c in letter.cosignatories.select_related("position__agency")
    ]
    main = by_position.get(letter.signatory_position_id)
    return {
        "letter": letter, "attachments": list(letter.attachments.all()),
        "signatures": signatures, "main_signatures": [main] if main else [],
        "cosigners": cosigners,
        "pending_signatory": next(
            (c.position for c, sig in cosigners if c.state == "pending"), None
        ) if letter.signed_at else letter.signatory_position,
        "to_list": [r for r in recipients if r.kind == Recipient.Kind.TO],
        "cc_list": [r for r in recipients if r.kind == Recipient.Kind.CC],
    }  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def sign(request, code):
    """Show exactly what is signed, ask for the password again, then sign — or return it."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = _seat_or_refuse(request, letter, Action.SIGN,
                           _("This letter is not waiting for your signature."))  # fmt: skip
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    if request.method == "POST" and request.POST.get("decision") == "return":
        return _return_by_signatory(request, letter, seat)
    form = SignForm(request.POST or None, initial={"version": letter.version})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] != letter.version:
            messages.error(request, _("The letter changed while you were reading it. Read it "
                                      "again."))  # fmt: skip
            return redirect("letters:sign", code=letter.code)
        try:
            actions.do_sign(letter=letter, seat=seat, user=request.user, ip_address=_ip(request),
                            password=form.cleaned_data["password"],
                            secret=form.cleaned_data["passphrase"])  # fmt: skip
        except actions.ActionRefused as exc:
            # Shown inside the form, beside the password field: on a phone the top of the page
            # is a whole letter away.
            form.add_error(None, str(exc))
        else:
            letter.refresh_from_db()
            if letter.state == Letter.State.SENT:
                messages.success(request, _("The letter was signed and sent."))
            else:
                messages.success(request, _("Signed. The letter is sent once every co-signatory "
                                            "has signed."))  # fmt: skip
            return redirect("letters:detail", code=letter.code)
    provider = get_provider()
    main = letter.signed_at is None
    return render(request, "letters/sign.html", {
        **_content_context(letter), "form": form, "seat": seat, "return_form": ReturnForm(),
        "needs_passphrase": provider.name != "recorded",
        # The local provider issues the first certificate at this signature (and sets its key's
        # passphrase): the page says so. The same lookup the provider makes.
        "first_certificate": provider.name == "local" and ca.current_certificate(request.user) is None,
        "signer_warning": signer_warning(request.user),  # e.g. BSrE: NIK not registered
        "qualifier": " ".join(q for q in (letter.qualifier if main else "", seat.qualifier) if q),
        "is_main": main,
        "is_last": not letter.cosignatories.exclude(state=CoSignatory.State.SIGNED)
        .exclude(position_id=seat.position.pk).exists(),
        "today": letter.government.today(),
    })  # fmt: skip


def _return_by_signatory(request, letter, seat):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what must be changed when returning a draft."))
        return redirect("letters:sign", code=letter.code)
    try:
        actions.do_return_by_signatory(letter=letter, seat=seat, user=request.user,
                                       note=form.cleaned_data["note"],
                                       ip_address=_ip(request))  # fmt: skip
    except actions.ActionRefused as exc:
        return _refused(request, letter, exc)
    messages.success(request, _("Returned to the drafter."))
    return redirect("letters:detail", code=letter.code)


# --- versions ------------------------------------------------------------------------------------

_TOKENS = re.compile(r"\w+|[^\w\s]+|\s+")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|blockquote|pre|tr)>|<br\s*/?>", re.I)


def _plain(html: str) -> str:
    """The readable text of sanitised HTML: one line per paragraph."""
    text = _BLOCK_END.sub("\n", html or "")
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces: "=" unchanged, "-" removed, "+" added; compared word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", "".join(b[j1:j2])))
    return pieces


@login_required
@require_GET
def versions(request, code):
    """Every saved version; ?a=&b= compares two of them word by word."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    rows = list(versions_visible_to(request.user, letter).select_related("created_by"))
    by_number = {str(v.number): v for v in rows}
    a = by_number.get(request.GET.get("a")) or (rows[-2] if len(rows) > 1 else None)
    b = by_number.get(request.GET.get("b")) or (rows[-1] if rows else None)
    compare = None
    if a and b and a.number != b.number:
        compare = {"a": a, "b": b, "subject": _word_diff(a.subject, b.subject),
                   "body": _word_diff(_plain(a.body), _plain(b.body))}  # fmt: skip
    context = {"letter": letter, "rows": rows, "compare": compare, "a": a, "b": b}
    return render(request, "letters/versions.html", context)


# --- attachments ---------------------------------------------------------------------------------


def _access_attachment(request, code) -> Attachment:
    """The attachment if the user may read its letter (checked by access_letter), else 404."""
    found = Attachment.objects.filter(code=code).values_list("letter__code", flat=True)
    letter_code = found.first()
    if letter_code is None:
        raise Http404
    letter = access_letter(request.user, letter_code, ip_address=_ip(request))
    attachment = letter.attachments.get(code=code)
    attachment.letter = letter
    return attachment


def _back(request, letter):
    return redirect("letters:edit" if request.POST.get("back") == "edit" else "letters:detail",
                    code=letter.code)  # fmt: skip


@login_required
@require_POST
def attachment_add(request, code):
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = _seat_or_refuse(request, letter, Action.EDIT, _("This letter can no longer be changed."))
    upload = request.FILES.get("file")
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
        return _back(request, letter)
    try:
        actions.do_add_attachment(letter=letter, seat=seat, user=request.user, upload=upload,
                                  ip_address=_ip(request))  # fmt: skip
    except (actions.ActionRefused, ValidationError) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, _("%(name)s was not attached: %(reason)s")
                           % {"name": upload.name, "reason": message})  # fmt: skip
    else:
        messages.success(request, _("%(name)s was attached.") % {"name": upload.name})
    return _back(request, letter)


@login_required
@require_GET
def attachment_download(request, code):
    attachment = _access_attachment(request, code)
    return file_response(attachment.file.open("rb"), name=attachment.name,
                         content_type=attachment.content_type)  # fmt: skip


@login_required
@require_POST
def attachment_remove(request, code):
    attachment = _access_attachment(request, code)
    letter = attachment.letter
    seat = _seat_or_refuse(request, letter, Action.EDIT, _("This letter can no longer be changed."))
    if seat is None:
        return redirect("letters:detail", code=letter.code)
    try:
        actions.do_remove_attachment(attachment=attachment, seat=seat, user=request.user,
                                     ip_address=_ip(request))  # fmt: skip
    except actions.ActionRefused as exc:
        return _refused(request, letter, exc)
    messages.success(request, _("%(name)s was removed.") % {"name": attachment.name})
    return _back(request, letter)
