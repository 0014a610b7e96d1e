"""Errors back to the person: the GOV.UK error summary's links, and a service's
ValidationError put onto the form it came from.

Every form page includes ``templates/includes/error_summary.html``, which lists
``form.error_summary``: (anchor id, message) pairs, each linking to the input to fix (the
first radio or checkbox of a group, the wrong box of a date).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from common.audit import EditConflict


def _anchor(form: forms.BaseForm, name: str) -> str:
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # Radios rendered by ConditionalRadios number their inputs from 0, plain ones from 1.
        start = 0 if name in getattr(form, "conditional_radio_fields", ()) else 1
        return f"{bound.auto_id}_{start}"
    return bound.auto_id


def error_summary_items(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(anchor id, message) for the GOV.UK error summary, in the order of the page."""
    items: list[tuple[str, str]] = []
    visible = [bf.name for bf in form.visible_fields() if bf.name not in getattr(form, "error_summary_skip", ())]
    first = getattr(form, "non_field_errors_anchor", None) or (_anchor(form, visible[0]) if visible else "main-content")
    items.extend((first, message) for message in form.non_field_errors())
    for name in visible:
        if name not in form.errors:
            continue
        field = form.fields[name]
        part_anchor: dict[str, str] = {}
        if isinstance(field, forms.MultiValueField):
            # A date's message links to the box it is about (day, month or year).
            for index, subfield in enumerate(field.fields):
                for message in getattr(subfield.widget, "errors", None) or []:
                    part_anchor.setdefault(str(message), f"{form[name].auto_id}_{index}")
        items.extend((part_anchor.get(str(message), _anchor(form, name)), message) for message in form.errors[name])
    return items


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    field_map: dict[str, str] | None = None,
    default: str | None = None,
) -> None:
    """Put a service's ValidationError on the form: each message keyed by a field goes on that
    field (renamed through ``field_map`` when the service speaks of model fields the form names
    differently); anything else, or a key the form has no field for, goes on ``default``
    (None: the form's non-field errors). A save refused as an edit conflict (SEC-5) is shown
    by the form itself: what changed, by whom, with what was typed kept."""
    if isinstance(error, EditConflict) and hasattr(form, "show_edit_conflict"):
        form.show_edit_conflict(error)
        return
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            name = field_map.get(key, key)
            form.add_error(name if name in form.fields else default, ValidationError(errors))
    else:
        form.add_error(default, ValidationError(error.error_list))


class GovUKFormMixin:
    """``form.error_summary`` for the error-summary template."""

    # Radio fields rendered with ConditionalRadios (their inputs are numbered from 0).
    conditional_radio_fields: tuple[str, ...] = ()
    # Visible fields left out of the summary (a honeypot, say).
    error_summary_skip: tuple[str, ...] = ()
    # Where a form-wide message links to; the first field's input unless set.
    non_field_errors_anchor: str | None = None

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        return error_summary_items(self)
