from django.contrib.auth.decorators import login_required


def _todo(request, *args, **kwargs):
    raise NotImplementedError


new = edit = detail = submit = review = sign = withdraw = attachment_add = login_required(_todo)
attachment_remove = attachment_download = versions = timeline = receipts = login_required(_todo)
