"""Bootstrap's classes on a form's widgets, the one way every form of ours gets them."""

from django import forms


def style_widgets(form: forms.Form) -> None:
    """Give each visible widget Bootstrap's class (form-select, form-control, form-check-input);
    radios and hidden fields keep their own, and a class already there is not added twice.
    Django itself adds aria-invalid and aria-describedby."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.HiddenInput)):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if css not in widget.attrs.get("class", "").split():
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
