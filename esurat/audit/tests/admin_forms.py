"""Posting an admin change form as a browser would: the data the page was rendered with, with
some fields changed."""

import datetime

from django import forms
from django.utils import timezone


def _encode(bound, data: dict) -> None:
    field, name, value = bound.field, bound.html_name, bound.value()
    widget = field.widget
    if isinstance(field, forms.FileField):
        return
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        for i, part in enumerate(parts):
            data[f"{name}_{i}"] = _text(part)
        return
    if isinstance(field, forms.BooleanField):
        if value:
            data[name] = "on"
        return
    if isinstance(value, list | tuple):
        data[name] = [_text(v) for v in value]
        return
    data[name] = _text(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    return str(value)


def form_data(response, **changes) -> dict:
    """The POST data of the admin page in `response` (its form and inline formsets), with
    `changes` applied (a value of None removes the field)."""
    government = getattr(response.wsgi_request.user, "government", None)
    # Dates are shown in the administrator's government's zone (GovernmentTimezoneMiddleware).
    with timezone.override(government.zone if government else timezone.get_current_timezone()):
        data = _form_data(response)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _form_data(response) -> dict:
    data: dict = {}
    context = response.context
    form = context["adminform"].form
    for bound in form:
        _encode(bound, data)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for bound in formset.management_form:
            data[bound.html_name] = _text(bound.value())
        for sub in formset.forms:
            for bound in sub:
                _encode(bound, data)
    return data
