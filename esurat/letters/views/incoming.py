"""Incoming letters: the clerk registers them, checks the OCR proposal, and sends them on.

Scan first: the clerk uploads the scan (upload_scan), the register page comes back with it
(?scan=<code>) and polls scan_status while the worker reads it; the proposal fills the fields the
clerk left empty, each marked "proposed from the scan". The one-step form (scan and fields in one
post) still works.

Reads go through access.py (an outsider gets 404), writes through incoming.py's do_* actions.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.letters import incoming, scans
from esurat.letters.access import (
    Action,
    access_clerk_agencies,
    access_incoming_scan,
    access_letter,
    allowed_actions,
    clerk_incoming_letters,
    incoming_scans_of,
    is_incoming_clerk,
)
from esurat.letters.actions import ActionRefused
from esurat.letters.incoming_forms import (
    ApplyProposalForm,
    NoteForm,
    RegisterIncomingForm,
    SenderFields,
    SendToUnitForm,
)
from esurat.letters.models import (
    ExternalParty,
    InboxEntry,
    IncomingScan,
    Letter,
    Registration,
)
from esurat.lib.files import file_response
from esurat.search.models import LetterText

SESSION_STAGED = "incoming_staged_scans"


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _clerk_agencies(request):
    """The agencies whose registry the user keeps; anyone else gets 404."""
    return access_clerk_agencies(request.user)


def _incoming_letter(request, code) -> Letter:
    letter = access_letter(request.user, code, ip_address=_ip(request))
    if letter.origin != Letter.Origin.REGISTERED:
        raise Http404
    return letter


def _note(request) -> str:
    form = NoteForm(request.POST)
    return form.cleaned_data["note"] if form.is_valid() else ""


def _refused(request, letter, exc):
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)
    return redirect("letters:incoming_detail", code=letter.code)


# --- register ----------------------------------------------------------------------------------


def _take_scan(request, form) -> tuple[str, scans.Scan] | None:
    """The scan of this post: newly uploaded files (checked, then staged) or the staged one.

    Staged scans are remembered in the session, so a token only opens the poster's own file.
    """
    staged = request.session.get(SESSION_STAGED, {})
    files = request.FILES.getlist("scan")
    if files:
        try:
            scan = scans.prepare_scan(files)
        except ValidationError as exc:
            form.add_error("scan", exc)
            return None
        for previous in staged:  # a new choice replaces what this session staged before
            scans.drop_staged(previous)
        token = scans.stage(scan)
        staged = {
            token: {"name": scan.name, "sha256": scan.sha256, "from_photos": scan.from_photos}
        }
        request.session[SESSION_STAGED] = staged
        return token, scan
    token = request.POST.get("staged", "")
    if token in staged and (scan := scans.load_staged(token, **staged[token])):
        return token, scan
    form.add_error("scan", _("Choose the scan of the letter."))
    return None


def _forget_scan(request, token: str) -> None:
    staged = request.session.get(SESSION_STAGED, {})
    staged.pop(token, None)
    request.session[SESSION_STAGED] = staged
    scans.drop_staged(token)


def _register(request, form, agency, scan, upload, *, allow_duplicate: bool) -> Letter:
    data = form.cleaned_data
    return incoming.do_register_incoming(
        user=request.user, agency=agency, sender_name=data["sender_name"],
        sender_number=data["sender_number"], sender_date=data["sender_date"],
        received_on=data["received_on"], channel=data["channel"], kind=data["kind"],
        classification=data["classification"], security=data["security"],
        urgency=data["urgency"], subject=data["subject"], summary=data["summary"],
        enclosures=data["enclosures"], scan=scan, upload=upload,
        allow_duplicate=allow_duplicate, client_token=data["client_token"],
        ip_address=_ip(request),
    )  # fmt: skip


# The fields a proposal fills, as (form field, proposal key).
PROPOSED = (("sender_name", "sender"), ("sender_number", "sender_number"),
            ("sender_date", "sender_date"), ("subject", "subject"))  # fmt: skip
MAX_POLLS = 40  # every 3 s: two minutes, then the page stops asking and says so
STALLED_AFTER = datetime.timedelta(minutes=10)


def _upload_of(request) -> IncomingScan | None:
    """The scan uploaded first that this page or post is about (?scan= or the hidden field)."""
    code = request.POST.get("upload") or request.GET.get("scan")
    if not code:
        return None
    try:
        return access_incoming_scan(request.user, code)
    except ValidationError as exc:  # not a UUID
        raise Http404 from exc


def _proposal_initial(upload: IncomingScan | None) -> dict:
    if upload is None or upload.state != IncomingScan.State.DONE:
        return {}
    proposal = upload.proposal or {}
    return {field: proposal[key] for field, key in PROPOSED if proposal.get(key)}


def _proposed(upload: IncomingScan | None, values) -> set[str]:
    """The fields whose value is still the one the scan proposed (marked "check")."""
    return {field for field, value in _proposal_initial(upload).items()
            if str(values.get(field) or "") == str(value)}  # fmt: skip


def _is_stalled(upload: IncomingScan) -> bool:
    """Still waiting long after the upload: the worker is down or was killed mid-reading."""
    return upload.is_waiting and timezone.now() - upload.updated_at > STALLED_AFTER


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """Register an incoming letter; a possible duplicate is shown and must be confirmed.

    With ?scan=<code> (or the hidden `upload`), the scan uploaded first is the letter's scan and
    its proposal fills the form; registering it twice (reload, double click) registers it once.
    """
    agencies = _clerk_agencies(request)
    upload = _upload_of(request)
    if upload is not None and upload.letter_id is not None:
        messages.info(request, _("This scan has already been registered."))
        if upload.letter.is_narrow:  # a secret letter went to the head unopened
            return redirect("letters:incoming")
        return redirect("letters:incoming_detail", code=upload.letter.code)
    initial = {**_proposal_initial(upload), "upload": upload.code if upload else None}
    form = RegisterIncomingForm(request.POST or None, request.FILES or None, agencies=agencies,
                                government=request.user.government, initial=initial)  # fmt: skip
    if upload is not None and "agency" in form.fields:
        del form.fields["agency"]  # the scan was uploaded for one agency: its registry
    taken, duplicates = None, []
    if request.method == "POST":
        valid = form.is_valid()
        taken = None if upload is not None else _take_scan(request, form)
        if valid and (taken or upload):
            agency = (
                upload.agency if upload else form.cleaned_data.get("agency") or agencies.first()
            )
            try:
                confirmed = request.POST.get("confirm_duplicate") == "1"
                letter = _register(request, form, agency, taken[1] if taken else None, upload,
                                   allow_duplicate=confirmed)  # fmt: skip
            except incoming.PossibleDuplicate as exc:
                duplicates = exc.letters
            except (ValidationError, ActionRefused) as exc:
                form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
            else:
                if taken:
                    _forget_scan(request, taken[0])
                return _registered(request, letter)
    values = request.POST if request.method == "POST" else initial
    return render(request, "letters/incoming/register.html", {
        "form": form, "staged": taken, "duplicates": duplicates, "upload": upload,
        "proposed": _proposed(upload, values), "polls": 0, "max_polls": MAX_POLLS,
        "stalled": upload is not None and _is_stalled(upload),
    })  # fmt: skip


@login_required
@require_POST
def upload_scan(request):
    """Scan first: keep the checked scan, have it read, and open the form for it."""
    agencies = _clerk_agencies(request)
    try:
        agency = agencies.filter(code=request.POST.get("agency") or None).first()
    except ValidationError:  # not a UUID
        agency = None
    agency = agency or agencies.first()
    try:
        scan = scans.prepare_scan(request.FILES.getlist("scan"))
        upload = incoming.do_upload_incoming_scan(user=request.user, agency=agency, scan=scan,
                                                  ip_address=_ip(request))  # fmt: skip
    except (ValidationError, ActionRefused) as exc:
        form = RegisterIncomingForm(agencies=agencies, government=request.user.government)
        return render(request, "letters/incoming/register.html", {
            "form": form, "upload_errors": getattr(exc, "messages", None) or [str(exc)],
        }, status=422)  # fmt: skip
    return redirect(f"{reverse('letters:incoming_register')}?scan={upload.code}")


@login_required
@require_GET
def scan_status(request, code):
    """htmx: how the reading of an uploaded scan goes. Once read, the proposal fills the fields
    the clerk left empty (out-of-band swaps), never what was typed. Polled at most MAX_POLLS
    times, so a stopped worker does not keep the page asking forever."""
    upload = access_incoming_scan(request.user, code)
    try:
        polls = min(int(request.GET.get("polls", 0)), MAX_POLLS) + 1
    except ValueError:
        polls = 1
    fill = {field: value for field, value in _proposal_initial(upload).items()
            if not request.GET.get(field, "").strip()}  # fmt: skip
    form = RegisterIncomingForm(agencies=(), initial=fill, government=request.user.government)
    return render(request, "letters/incoming/register.html#scan_status", {
        "upload": upload, "polls": polls, "max_polls": MAX_POLLS, "form": form, "fill": fill,
        "proposed": set(fill), "stalled": _is_stalled(upload), "oob": True,
    })  # fmt: skip


@login_required
@require_GET
def scan_file(request, code):
    """The uploaded scan as a PDF, for its agency's clerks, until it is registered."""
    upload = access_incoming_scan(request.user, code)
    if not upload.file:
        raise Http404
    return file_response(upload.file.open("rb"), name=upload.original_name or "scan.pdf",
                         content_type="application/pdf", inline=True)  # fmt: skip


@login_required
@require_POST
def discard_scan(request, code):
    """Remove an uploaded scan that will not be registered."""
    upload = access_incoming_scan(request.user, code)
    try:
        incoming.do_discard_incoming_scan(upload=upload, user=request.user, ip_address=_ip(request))
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The uploaded scan was discarded."))
    return redirect("letters:incoming")


def _registered(request, letter):
    agenda = letter.registrations.get(direction="in").agenda_number
    if letter.is_narrow:
        messages.success(request, _("Registered with agenda number %(agenda)s and sent to the head "
                                    "of the agency: secret letters go to the head unopened.")
                         % {"agenda": agenda})  # fmt: skip
        return redirect("letters:incoming")
    messages.success(request, _("Registered with agenda number %(agenda)s.") % {"agenda": agenda})
    return redirect("letters:incoming_detail", code=letter.code)


@login_required
@require_GET
def duplicates(request):
    """htmx: the letters already registered with this sender, number and date (maybe none)."""
    agencies = _clerk_agencies(request)
    form = SenderFields(request.GET, government=request.user.government)
    found = []
    if form.is_valid():
        agency = agencies.filter(code=request.GET.get("agency")).first() or agencies.first()
        found = incoming.find_duplicates(agency=agency, **form.cleaned_data)
    return render(request, "letters/incoming/register.html#duplicates", {"duplicates": found})


@login_required
@require_GET
def senders(request):
    """htmx: suggestions from the directory of external parties for what was typed."""
    _clerk_agencies(request)
    query = " ".join(request.GET.get("sender_name", "").split())[:100]
    parties = ExternalParty.objects.none()
    if len(query) >= 2:
        parties = ExternalParty.objects.filter(
            government_id=request.user.government_id,
            match_key__contains=ExternalParty.key_for(query),
        ).order_by("name")[:15]
    return render(request, "letters/incoming/register.html#sender_options", {"parties": parties})


# --- the registered letter -----------------------------------------------------------------------


def _text_row(letter) -> LetterText | None:
    return LetterText.objects.filter(letter=letter).select_related("scan").first()


def _proposal_context(letter, text, form=None) -> dict:
    if form is None and text is not None and text.state == LetterText.State.DONE:
        proposal = text.proposal or {}
        form = ApplyProposalForm(initial={
            "sender_name": proposal.get("sender") or "", "subject": proposal.get("subject") or "",
            "sender_number": proposal.get("sender_number") or "",
            "sender_date": proposal.get("sender_date") or None,
        }, government=letter.government)  # fmt: skip
    return {"letter": letter, "text": text, "proposal_form": form}


@login_required
@require_GET
def detail(request, code):
    letter = _incoming_letter(request, code)
    allowed = allowed_actions(request.user, letter)
    text = _text_row(letter)
    context = {
        **_proposal_context(letter, text), "allowed": allowed,
        "may_route": Action.ROUTE in allowed, "may_correct": Action.CORRECT in allowed,
        "registration": letter.registrations.filter(direction="in", agency=letter.agency).first(),
        "deliveries": InboxEntry.objects.filter(letter=letter).select_related("position", "read_by")
        .order_by("delivered_at"),
        "head": letter.agency.head_position(),
        "unit_form": SendToUnitForm(positions=incoming.unit_positions(letter.agency)),
    }  # fmt: skip
    return render(request, "letters/incoming/detail.html", context)


@login_required
@require_GET
def scan(request, code):
    """The scan as a PDF, shown in the browser; only for those who may read the letter."""
    letter = _incoming_letter(request, code)
    text = _text_row(letter)
    attachment = text.scan if text and text.scan else letter.attachments.first()
    if attachment is None:
        raise Http404
    agenda = letter.registrations.filter(direction="in").first()
    name = f"surat-masuk-{agenda.seq:05d}-{agenda.year}.pdf" if agenda else "surat-masuk.pdf"
    return file_response(attachment.file.open("rb"), name=name, content_type="application/pdf",
                         inline=True)  # fmt: skip


@login_required
@require_GET
def proposal(request, code):
    """htmx: the OCR proposal box; polled while the scan is being read."""
    letter = _incoming_letter(request, code)
    if not is_incoming_clerk(request.user, letter):
        raise Http404
    context = {**_proposal_context(letter, _text_row(letter)), "may_correct": True}
    return render(request, "letters/incoming/detail.html#proposal", context)


@login_required
@require_POST
def apply_proposal(request, code):
    letter = _incoming_letter(request, code)
    if not is_incoming_clerk(request.user, letter):
        raise Http404
    form = ApplyProposalForm(request.POST, government=letter.government)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("letters:incoming_detail", code=letter.code)
    try:
        changed = incoming.do_apply_ocr_proposal(
            letter=letter, user=request.user, values=form.cleaned_data, ip_address=_ip(request)
        )
    except (ActionRefused, ValidationError) as exc:
        return _refused(request, letter, exc)
    if changed:
        messages.success(request, _("The letter's data was corrected."))
    else:
        messages.info(request, _("Nothing to change: the letter already has these values."))
    return redirect("letters:incoming_detail", code=letter.code)


@login_required
@require_POST
def send(request, code):
    """Send to the head (to=head) or to a unit's position (to=unit, position=<code>)."""
    letter = _incoming_letter(request, code)
    if not is_incoming_clerk(request.user, letter):
        raise Http404
    note = _note(request)
    try:
        if request.POST.get("to") == "unit":
            form = SendToUnitForm(request.POST, positions=incoming.unit_positions(letter.agency))
            if not form.is_valid():
                raise ActionRefused(_("Choose the unit to send the letter to."))
            sent_to = form.cleaned_data["position"]
            incoming.do_send_to_unit(letter=letter, user=request.user, position=sent_to,
                                     note=note, ip_address=_ip(request))  # fmt: skip
        else:
            incoming.do_send_to_head(letter=letter, user=request.user, note=note,
                                     ip_address=_ip(request))  # fmt: skip
            sent_to = letter.agency.head_position()
    except ActionRefused as exc:
        return _refused(request, letter, exc)
    messages.success(request, _("Sent to %(position)s.") % {"position": sent_to})
    return redirect("letters:incoming_detail", code=letter.code)


@login_required
@require_POST
def file(request, code):
    """File without disposition (arsipkan)."""
    letter = _incoming_letter(request, code)
    if not is_incoming_clerk(request.user, letter):
        raise Http404
    try:
        incoming.do_file_without_disposition(letter=letter, user=request.user, note=_note(request),
                                             ip_address=_ip(request))  # fmt: skip
    except ActionRefused as exc:
        return _refused(request, letter, exc)
    messages.success(request, _("The letter was filed without disposition."))
    return redirect("letters:incoming_detail", code=letter.code)


# --- the clerk's list ----------------------------------------------------------------------------

LIST_SIZE = 50


@login_required
@require_GET
def index(request):
    """The registry's incoming letters: those still waiting to be sent on, then the latest."""
    agencies = _clerk_agencies(request)
    agenda = Registration.objects.filter(letter=OuterRef("pk"), direction="in",
                                         agency=OuterRef("agency"))  # fmt: skip
    rows = (
        clerk_incoming_letters(agencies)
        .annotate(agenda_seq=Subquery(agenda.values("seq")[:1]),
                  agenda_year=Subquery(agenda.values("year")[:1]))
        .select_related("sender", "scan_text")
        .only("code", "subject", "state", "security", "urgency", "sender_number", "sender_date",
              "received_on", "created_at", "sender__name", "scan_text__state")
    )  # fmt: skip
    waiting = list(rows.filter(state=Letter.State.REGISTERED).order_by("-created_at")[:LIST_SIZE])
    latest = list(rows.exclude(state=Letter.State.REGISTERED).order_by("-created_at")[:LIST_SIZE])
    uploads = list(incoming_scans_of(request.user).select_related("uploaded_by")[:LIST_SIZE])
    return render(request, "letters/incoming/index.html",
                  {"waiting": waiting, "latest": latest, "uploads": uploads,
                   "upload_days": incoming.upload_days()})  # fmt: skip
