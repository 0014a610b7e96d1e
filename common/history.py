"""Turning django-simple-history rows into "who changed what, old → new".

Used by the referral's History page and by the subject access export. Generic: it takes
historical records, the fields to compare and how to show values, and imports no app of ours.

Each historical row is compared with the row before it for the same record: the first row
(or a "+" row) lists every field with a value, a "-" row lists nothing, any other row lists
the fields whose stored value changed. Values are compared raw (foreign keys by id) and
named afterwards by a ``Namer``, with one query per related model, not one per change.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Values that say nothing: a new record's fields holding one of these are not listed.
EMPTY = (None, "", [], {})
NOT_RECORDED = gettext_lazy("Not recorded")
KIND_LABELS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}


@dataclass
class Change:
    field: models.Field
    old: Any  # None for a new record
    new: Any


@dataclass
class RowDiff:
    """One historical row and what it changed."""

    row: Any
    model: type[models.Model]
    kind: str  # "+" created, "~" changed, "-" deleted
    first: bool  # the first row seen for its record (nothing to compare with)
    changes: list[Change] = field(default_factory=list)


def diff_rows(
    records: Iterable,
    *,
    fields: Callable[[Any], list[models.Field]],
    skip_on_create: tuple = EMPTY,
) -> list[RowDiff]:
    """What each historical row changed, in the order given (oldest first per record).

    ``fields(row)`` gives the model fields to compare for a row; values are read by
    ``attname``, so foreign keys stay ids and need no query.
    """
    previous_by_record: dict[tuple, Any] = {}
    result = []
    for row in records:
        key = (row.instance_type, row.id)
        previous = previous_by_record.get(key)
        first = previous is None
        kind = "+" if first and row.history_type != "-" else row.history_type
        if row.history_type == "-":
            changes = []
        elif first or row.history_type == "+":
            changes = [
                Change(f, None, value)
                for f in fields(row)
                if (value := getattr(row, f.attname, None)) not in skip_on_create
            ]
        else:
            changes = [
                Change(f, old, new)
                for f in fields(row)
                if (old := getattr(previous, f.attname, None)) != (new := getattr(row, f.attname, None))
            ]
        result.append(RowDiff(row=row, model=row.instance_type, kind=kind, first=first, changes=changes))
        previous_by_record[key] = row
    return result


class Namer:
    """Names foreign-key ids with one query per related model (``want``, ``load``, ``name``)."""

    def __init__(self, *, user_name: Callable[[Any], str]):
        self.user_name = user_name
        self.wanted: dict[type, set] = defaultdict(set)
        self.loaded: dict[type, dict] = {}
        self.withheld: dict[type, tuple[set, str]] = {}

    def withhold(self, model: type, ids: Iterable, *, label: str) -> None:
        """Name these records ``label`` instead of by their name (someone the reader may not
        see: their name is not loaded at all)."""
        self.withheld[model] = (set(ids), label)

    def want(self, model_field: models.Field, value: Any) -> None:
        if isinstance(model_field, models.ForeignKey) and value is not None:
            self.wanted[model_field.related_model].add(value)

    def want_changes(self, diffs: Iterable[RowDiff]) -> None:
        for diff in diffs:
            for change in diff.changes:
                self.want(change.field, change.old)
                self.want(change.field, change.new)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            missing = ids - set(self.loaded.get(model, {})) - self.withheld.get(model, (set(), ""))[0]
            if missing:
                self.loaded.setdefault(model, {}).update(model._default_manager.in_bulk(missing))
        self.wanted.clear()

    def name(self, model_field: models.ForeignKey, value: Any) -> str:
        ids, label = self.withheld.get(model_field.related_model, (set(), ""))
        if value in ids:
            return label
        obj = self.loaded.get(model_field.related_model, {}).get(value)
        if obj is None:
            return _("Record %(id)s (since removed)") % {"id": value}
        if model_field.related_model is get_user_model():
            return self.user_name(obj)
        return str(obj)


@dataclass(frozen=True)
class ValueStyle:
    """How stored values read: date formats and label maps."""

    date_format: str = "j F Y"
    datetime_format: str = "j F Y, H:i"
    # JSON lists of coded values, by field name: the choices that name them.
    list_choices: Mapping[str, Iterable] = field(default_factory=dict)
    # Coded values of plain text fields, by "app_label.model.field": value → label.
    value_labels: Mapping[str, Mapping] = field(default_factory=dict)
    # Dicts as "Key: value" lines and lists joined with commas (else ``str()``).
    structured: bool = True


def display_value(model, model_field: models.Field, value: Any, *, namer: Namer, style: ValueStyle) -> str:
    """A raw stored value as words: labels for coded values, names for people and records."""
    if value in EMPTY:
        return str(NOT_RECORDED)
    if isinstance(model_field, models.ForeignKey):
        return namer.name(model_field, value)
    if model_field.name in style.list_choices and isinstance(value, list):
        labels = dict(style.list_choices[model_field.name])
        return ", ".join(str(labels.get(v, v)) for v in value)
    value_labels = style.value_labels.get(f"{model._meta.label_lower}.{model_field.name}")
    if value_labels is not None:
        return str(value_labels.get(value, value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), style.datetime_format)
    if isinstance(value, dt.date):
        return date_format(value, style.date_format)
    if style.structured and isinstance(value, dict):
        return "\n".join(f"{capfirst(str(k).replace('_', ' '))}: {_flat(v)}" for k, v in value.items())
    if style.structured and isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    return str(value)


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def field_label(model, name: str, labels: Mapping[str, Any]) -> str:
    """``labels[name]`` where the verbose name is too terse, else the verbose name."""
    if labels.get(name):
        return str(labels[name])
    return str(capfirst(model._meta.get_field(name).verbose_name))
