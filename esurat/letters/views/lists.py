from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from esurat.letters import selectors


@login_required
@require_GET
def inbox(request):
    page = selectors.inbox_page(request.user, cursor=request.GET.get("after"))
    return render(request, "letters/inbox.html", {"page": page})


@login_required
@require_GET
def outbox(request):
    raise NotImplementedError


@login_required
@require_GET
def drafts(request):
    raise NotImplementedError


@login_required
@require_GET
def needs_action(request):
    raise NotImplementedError
