from django.contrib.auth.decorators import login_required


def _todo(request, *args, **kwargs):
    raise NotImplementedError


numbers = cancel_number = insert_number = agenda = login_required(_todo)
