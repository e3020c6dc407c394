"""Disposition screens: dispose (one phone screen), my dispositions, one disposition with its
follow-up, the tree partial of a letter, and the printable sheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.dispositions import actions, selectors
from esurat.dispositions.access import (
    access_disposition,
    candidate_positions,
    giver_seat,
    receiving_seats,
    recipient_seat,
    settings_for,
)
from esurat.dispositions.forms import DisposeForm, FollowUpForm, ReopenForm
from esurat.dispositions.models import Disposition, FollowUpFile
from esurat.dispositions.sheet import render_sheet
from esurat.letters.access import access_letter
from esurat.lib.files import file_response
from esurat.lib.workdays import default_due_date
from esurat.organisations.access import seats_of
from esurat.pwa.caching import keep_off_device
from esurat.reminders.selectors import waiting_on_disposition


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _form_errors(form, exc: ValidationError) -> None:
    """Show an action's refusal on the form, beside its field when it names one. A refused due
    date is replaced in the input by the working day the message offers: one tap to accept."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.error_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error.message)
            suggestion = (error.params or {}).get("next_working_day")
            if suggestion and field in form.fields:
                form.data = form.data.copy()
                form.data[field] = suggestion


@login_required
@require_http_methods(["GET", "POST"])
def dispose(request, code):
    """Dispose a received letter in one screen: positions, instructions, note, due date."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seats = receiving_seats(request.user, letter)
    chosen = request.POST.get("as") or request.GET.get("as")
    seat = next((s for s in seats if str(s.position.code) == chosen), seats[0] if seats else None)
    if seat is None:
        messages.error(
            request, _("This letter has not reached your position; you cannot dispose it.")
        )
        return redirect("letters:detail", code=letter.code)
    options = settings_for(seat.position.agency)
    due = default_due_date(letter.government, letter.urgency)
    form = DisposeForm(request.POST or None, government=letter.government,
                       initial={"due_date": due})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            rows = actions.do_dispose(
                letter=letter, seat=seat, user=request.user, to_positions=list(data["to"]),
                instructions=list(data["instructions"]), note=data["note"],
                due_date=data["due_date"], ip_address=_ip(request),
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        except actions.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            prepared = rows[0].state == Disposition.State.PREPARED
            messages.success(request, _("Prepared for the leader's approval.") if prepared
                             else _("Disposition sent."))  # fmt: skip
            return redirect("letters:detail", code=letter.code)
    response = render(request, "dispositions/dispose.html", {
        "letter": letter, "form": form, "seat": seat, "seats": seats, "options": options,
        "candidates": candidate_positions(seat, sideways=options.allow_sideways),
        "instructions": list(form.fields["instructions"].queryset),
        "chosen_to": set(request.POST.getlist("to")),
        "chosen_instructions": set(request.POST.getlist("instructions")),
    })  # fmt: skip
    return keep_off_device(response, letter)  # a secret letter is never kept for offline


@login_required
@require_GET
def mine(request):
    """My dispositions: received, given or overdue, with counters and due-date colours."""
    box = request.GET.get("box", "received")
    box = box if box in selectors.BOXES else "received"
    if request.user.government is None:  # a technical account outside any government
        raise Http404
    marks = selectors.deadlines(request.user.government)
    page = selectors.my_dispositions(request.user, box=box, cursor=request.GET.get("after"),
                                     today=marks.today)  # fmt: skip
    rows = [(d, marks.status(d)) for d in page.items]
    return render(request, "dispositions/mine.html", {
        "box": box, "page": page, "rows": rows,
        "counts": selectors.counters(request.user, today=marks.today),
    })  # fmt: skip


@login_required
@require_GET
def tree(request, code):
    """A letter's disposition tree: an htmx partial, or a page of its own when opened directly."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    marks = selectors.deadlines(letter.government)
    context = {
        "letter": letter,
        "nodes": selectors.tree(letter, request.user, marks=marks),
        "may_dispose": bool(receiving_seats(request.user, letter)),
    }
    if request.headers.get("HX-Request"):
        return render(request, "dispositions/tree.html", context)
    return render(request, "dispositions/tree_page.html", context)


def _detail_context(request, disposition, **forms):
    user = request.user
    is_giver = giver_seat(user, disposition) is not None
    is_recipient = recipient_seat(user, disposition) is not None
    state = disposition.state
    return {
        "d": disposition, "letter": disposition.letter,
        "instructions": list(disposition.instructions.all()),
        "follow_ups": list(disposition.follow_ups.select_related("created_by", "position")
                           .prefetch_related("files")),
        "status": selectors.deadlines(disposition.letter.government).status(disposition),
        "may_withdraw": state == Disposition.State.SENT
        and giver_seat(user, disposition, allow_delegate=True) is not None,
        "may_approve": state == Disposition.State.PREPARED and is_giver,
        "may_discard": state == Disposition.State.PREPARED
        and giver_seat(user, disposition, allow_delegate=True) is not None,
        "may_reopen": state == Disposition.State.DONE and is_giver,
        "may_report": state in Disposition.OPEN_STATES and is_recipient,
        "may_dispose": bool(receiving_seats(user, disposition.letter)),
        "report_form": forms.get("report_form") or FollowUpForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "waiting": waiting_on_disposition(disposition),
    }  # fmt: skip


@login_required
@require_GET
def detail(request, code):
    """One disposition. Opening it as its recipient marks it read."""
    disposition = access_disposition(request.user, code, ip_address=_ip(request))
    if disposition.state == Disposition.State.SENT and recipient_seat(
        request.user, disposition, allow_delegate=True
    ):
        actions.do_mark_read(letter=disposition.letter, user=request.user,
                             seats=seats_of(request.user), ip_address=_ip(request))  # fmt: skip
        disposition.refresh_from_db(fields=["state", "read_at", "read_by", "read_as"])
    return render(request, "dispositions/detail.html", _detail_context(request, disposition))


def _act(request, code, action, success: str, **kwargs):
    """Run a POST-only action on a disposition and go back to it with a message."""
    disposition = access_disposition(request.user, code, ip_address=_ip(request))
    seat = giver_seat(request.user, disposition, allow_delegate=True)
    if seat is None:
        messages.error(request, _("Only the giver can do this."))
        return redirect("dispositions:detail", code=disposition.code)
    try:
        action(disposition=disposition, seat=seat, user=request.user, ip_address=_ip(request),
               **kwargs)  # fmt: skip
    except actions.ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("dispositions:detail", code=disposition.code)


@login_required
@require_POST
def withdraw(request, code):
    return _act(request, code, actions.do_withdraw, _("Disposition withdrawn."))


@login_required
@require_POST
def approve(request, code):
    return _act(request, code, actions.do_approve, _("Disposition sent."))


@login_required
@require_POST
def discard(request, code):
    return _act(request, code, actions.do_discard, _("Prepared disposition discarded."))


@login_required
@require_POST
def reopen(request, code):
    form = ReopenForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(request, code, actions.do_reopen, _("Disposition reopened."), note=note)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, code):
    """Report the follow-up (text and files); it closes the recipient's branch."""
    disposition = access_disposition(request.user, code, ip_address=_ip(request))
    seat = recipient_seat(request.user, disposition)
    form = FollowUpForm(request.POST or None, request.FILES or None)
    if seat is None:
        messages.error(
            request, _("Only the recipient can report the follow-up of this disposition.")
        )
        return redirect("dispositions:detail", code=disposition.code)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_report_follow_up(
                disposition=disposition, seat=seat, user=request.user,
                text=form.cleaned_data["text"], uploads=form.cleaned_data["files"],
                ip_address=_ip(request),
            )  # fmt: skip
        except ValidationError as exc:
            _form_errors(form, exc)
        except actions.ActionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Follow-up reported."))
            return redirect("dispositions:detail", code=disposition.code)
    return render(request, "dispositions/report.html", {"d": disposition, "form": form})


@login_required
@require_GET
def sheet(request, code):
    """The printable lembar disposisi (PDF) of the disposition's batch."""
    disposition = access_disposition(request.user, code, ip_address=_ip(request))
    return file_response(render_sheet(disposition), name=f"lembar-disposisi-{disposition.code}",
                         content_type="application/pdf", inline=True)  # fmt: skip


@login_required
@require_GET
def follow_up_file(request, code, file_code):
    """A file of a follow-up report, to whoever may see the disposition."""
    disposition = access_disposition(request.user, code, ip_address=_ip(request))
    row = FollowUpFile.objects.filter(code=file_code, follow_up__disposition=disposition).first()
    if row is None:
        raise Http404
    return file_response(row.file.open("rb"), name=row.name,
                         content_type=row.content_type)  # fmt: skip
