"""A letter as a document: its PDF previewed or downloaded, and its correction (revoke, then
supersede with a new letter). Reads go through access.py, writes through the do_* actions; the
PDF answer itself is esurat.signing.documents.pdf_response, shared with the API."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esurat.letters.access import access_letter
from esurat.letters.actions import ActionRefused
from esurat.signing.actions import do_revoke_letter, do_supersede, revoke_seat, supersede_seat
from esurat.signing.documents import pdf_response


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@login_required
@require_GET
def preview(request, code):
    """The official PDF shown in the browser: a draft as it will be signed (KONSEP watermark),
    a signed letter as registered."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    return pdf_response(request.user, letter, inline=True, ip_address=_ip(request))


@login_required
@require_GET
def download(request, code):
    """The PDF as a file, to keep or print."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    return pdf_response(request.user, letter, inline=False, ip_address=_ip(request))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"), max_length=300,
        help_text=gettext_lazy("Recipients see it on the letter; it is not shown publicly for "
                               "secret letters."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    supersede = forms.BooleanField(
        label=gettext_lazy("Prepare the correcting letter now"), required=False, initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, code):
    """The signatory revokes a sent letter, and may start its correction at once."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    seat = revoke_seat(request.user, letter)
    if seat is None:
        messages.error(request, _("Only the signatory can revoke a sent letter."))
        return redirect("letters:detail", code=letter.code)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = do_revoke_letter(letter=letter, seat=seat, user=request.user,
                                      reason=form.cleaned_data["reason"],
                                      ip_address=_ip(request))  # fmt: skip
        except ActionRefused as exc:
            messages.error(request, str(exc))
            return redirect("letters:detail", code=letter.code)
        messages.success(request, _("The letter was revoked."))
        if form.cleaned_data["supersede"]:
            return _supersede(request, letter)
        return redirect("letters:detail", code=letter.code)
    return render(request, "letters/revoke.html", {"letter": letter, "form": form})


@login_required
@require_POST
def supersede(request, code):
    """Create (or open) the correcting draft of a revoked letter."""
    letter = access_letter(request.user, code, ip_address=_ip(request))
    return _supersede(request, letter)


def _supersede(request, letter):
    seat = supersede_seat(request.user, letter)
    if seat is None:
        messages.error(request, _("Only the drafter or the signatory can prepare the correction."))
        return redirect("letters:detail", code=letter.code)
    try:
        draft = do_supersede(letter=letter, seat=seat, user=request.user, ip_address=_ip(request))
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("letters:detail", code=letter.code)
    messages.success(request, _("The correcting letter is a draft: change it, then submit it."))
    return redirect("letters:edit", code=draft.code)


def document_context(user, letter) -> dict:
    """What the letter page shows about the document: PDF links, correction, outside delivery."""
    from esurat.delivery.access import dispatches_shown_with

    return {
        "may_revoke": revoke_seat(user, letter) is not None,
        "may_supersede": supersede_seat(user, letter) is not None,
        "corrects": list(letter.supersedes.only("code", "number")),
        "dispatches": dispatches_shown_with(user, letter),
    }
