"""The version check against concurrent edits (SEC-5), on the form side.

Every form that edits an existing record mixes in ``VersionedFormMixin``, names the model
(``version_model``) and is built with ``version_of=`` the record it edits (None when it does not
exist yet). The form then:

- carries the version it was loaded from in a hidden ``version`` field (the id of the record's
  latest history row, ``common.audit.current_version``);
- gives the service ``form.expected_version``: that version and the model fields the form
  edits, which the service passes on to ``audited_save(..., expected_version=...)``, or checks
  first with ``common.audit.version_check`` when it saves the record more than once or would
  otherwise refuse for another reason and hide what changed;
- when the save is refused (``common.audit.EditConflict``, put on the form by
  ``add_service_errors``), keeps everything typed, says who changed what and when, and moves
  its hidden version on to the current one, so saving again, having read it, succeeds.

The message lists only the fields this form shows, by this form's labels: a viewer never sees a
value through it that the form itself would not have shown them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from common.audit import EditConflict, ExpectedVersion, current_version
from common.history import Namer, ValueStyle, display_value

VERSION_FIELD = "version"
# Where the error summary's message links to: the list of the other person's changes.
CONFLICT_ANCHOR = "edit-conflict"


# The largest id a database integer column holds: a larger "version" cannot be real.
MAX_VERSION = 2**63 - 1


class VersionField(forms.IntegerField):
    """The hidden version. Only a hand-made post holds anything but a number we rendered, so
    anything else reads as 0, "loaded before the record existed": the most cautious version,
    refused if anyone has saved the record, never an error the page has no input to show."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            number = super().to_python(value)
        except ValidationError:
            return 0
        return None if number is None else (number if 0 <= number <= MAX_VERSION else 0)


def _user_name(user) -> str:
    return user.get_full_name() or user.get_username()


class VersionedFormMixin:
    """Put first among a form's bases: ``class XForm(VersionedFormMixin, GovUKFormMixin, forms.Form)``."""

    # The model of the record edited (or pass ``version_model=``; else that of ``version_of``).
    version_model: type[models.Model] | None = None
    # Form field name → model field name where they differ. Any other form field that is not a
    # field of the model (a reason for the change, a confirmation) is not compared.
    version_field_map: dict[str, str] = {}
    # Model fields the page shows without an input for them, whose change since loading also
    # refuses the save: the status a close or reopen button acts on, say.
    version_extra_fields: tuple[str, ...] = ()
    # Model field name → what the list of changes calls it, where the form's label reads wrong
    # there (an extra field's default is its verbose name).
    version_labels: dict[str, str] = {}

    def __init__(
        self, *args, version_of: models.Model | None, version_model: type[models.Model] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        model = version_model or self.version_model or (type(version_of) if version_of is not None else None)
        if model is None:
            raise TypeError("A versioned form needs the record it edits, or its model when there is none yet")
        self.version_model = model
        self.edit_conflict: list[dict] = []
        self.fields[VERSION_FIELD] = VersionField()
        if not self.is_bound:
            self.initial[VERSION_FIELD] = current_version(version_of)

    def version_model_fields(self) -> dict[str, models.Field]:
        """Model field name → model field, for every form field that edits one."""
        model_fields = {f.name: f for f in self.version_model._meta.concrete_fields}
        result = {name: model_fields[name] for name in self.version_extra_fields}
        for name in self.fields:
            model_name = self.version_field_map.get(name, name)
            if name != VERSION_FIELD and model_name in model_fields:
                result[model_name] = model_fields[model_name]
        return result

    @property
    def expected_version(self) -> ExpectedVersion | None:
        """For the service; None (not checked) when the post carried no version: every page we
        render sends one, so only a hand-made request lacks it."""
        loaded = self.cleaned_data.get(VERSION_FIELD)
        if loaded is None:
            return None
        return ExpectedVersion(history_id=loaded, fields=frozenset(self.version_model_fields()))

    def show_edit_conflict(self, conflict: EditConflict) -> None:
        """Say what changed, keep what was typed, and move the version on."""
        self.add_error(None, conflict)
        self.non_field_errors_anchor = CONFLICT_ANCHOR
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = str(conflict.current_version)
        self.edit_conflict = self._describe(conflict)

    def _describe(self, conflict: EditConflict) -> list[dict]:
        model = self.version_model
        model_fields = self.version_model_fields()
        labels, choices = {}, {}
        for form_name, field in self.fields.items():
            model_name = self.version_field_map.get(form_name, form_name)
            labels[model_name] = field.label
            if getattr(field, "choices", None) and not isinstance(field, forms.ModelChoiceField):
                # The model's names for values the form does not offer (a status it never
                # sets), then the form's own; keyed as stored and as posted (numbers as text).
                model_field = model_fields.get(model_name)
                named = list(model_field.flatchoices) if model_field is not None and model_field.choices else []
                choices[model_name] = [(key, label) for v, label in named + list(field.choices) for key in (v, str(v))]
        labels.update(self.version_labels)
        style = ValueStyle(
            list_choices=choices,
            value_labels={f"{model._meta.label_lower}.{name}": dict(pairs) for name, pairs in choices.items()},
        )
        namer = Namer(user_name=_user_name)
        namer.want_changes(conflict.changes)
        users = get_user_model()._default_manager.in_bulk({d.row.history_user_id for d in conflict.changes} - {None})
        namer.load()

        def show(change, value: Any) -> str:
            return display_value(model, change.field, value, namer=namer, style=style)

        return [
            {
                "by": _user_name(users[diff.row.history_user_id]) if diff.row.history_user_id in users else "",
                "when": date_format(timezone.localtime(diff.row.history_date), "j F Y \\a\\t H:i"),
                "created": diff.kind == "+",
                "changes": [
                    {
                        "label": labels.get(change.field.name) or capfirst(change.field.verbose_name),
                        "old": None if diff.kind == "+" else show(change, change.old),
                        "new": show(change, change.new),
                    }
                    for change in diff.changes
                ],
            }
            for diff in conflict.changes
        ]
