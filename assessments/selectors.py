"""Reads of a person's assessment. The person is fetched first through
``referrals.selectors.referrals.person_get_for`` (which decides who may open them and writes the
access-log row); these read what belongs to that person, each in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from assessments.models import Child, InstrumentReading
from assessments.models.codes import Substance, Trigger
from assessments.sections import SECTIONS, SectionSpec
from common.history import KIND_LABELS, Namer, ValueStyle, diff_rows, display_value
from referrals.models import Person

STYLE = ValueStyle(
    date_format="j M Y",
    datetime_format="j M Y, H:i",
    list_choices={"triggers": Trigger.choices, "substances": Substance.choices},
    structured=False,
)
# Bookkeeping every row has; never a change a reader needs to see.
UNTRACKED = {"id", "person", "updated_at", "updated_by"}
SYSTEM = gettext_lazy("The system")


def staff_name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else str(SYSTEM)


def sections_for(*, person: Person, specs: tuple[SectionSpec, ...] = SECTIONS) -> dict[str, Any]:
    """Each section's row (None: nothing recorded yet), by key: one query per section."""
    return {
        spec.key: spec.model._default_manager.select_related("updated_by").filter(person=person).first()
        for spec in specs
    }


def section_get(*, person: Person, spec: SectionSpec):
    return spec.model._default_manager.filter(person=person).first()


def children_for(*, person: Person) -> QuerySet[Child]:
    return Child.objects.filter(person=person).order_by("pk")


def _fields(row) -> list:
    return [f for f in row.tracked_fields if f.name not in UNTRACKED]


def _history_records(*, person: Person, spec: SectionSpec) -> list:
    rows = list(spec.model.history.filter(person_id=person.pk).select_related("history_user").order_by("history_id"))
    if spec.key == "carers":
        children = Child.history.filter(person_id=person.pk).select_related("history_user").order_by("history_id")
        rows = sorted([*rows, *children], key=lambda row: (row.history_date, row.history_id))
    return rows


def section_versions(*, person: Person, spec: SectionSpec) -> list[dict]:
    """ASM-2: each version of the section (and, for caring, of each child), newest first, with
    who made it, when, and what it changed, old and new. Two queries however many versions."""
    diffs = diff_rows(_history_records(person=person, spec=spec), fields=_fields)
    namer = Namer(user_name=staff_name)
    namer.want_changes(diffs)
    namer.load()
    entries = []
    for diff in diffs:
        model = diff.model
        entries.append(
            {
                "history_id": diff.row.history_id,
                "is_section": model is spec.model,
                "record": capfirst(model._meta.verbose_name),
                "at": diff.row.history_date,
                "who": staff_name(diff.row.history_user),
                "kind": str(KIND_LABELS[diff.kind]),
                "reason": diff.row.history_change_reason or "",
                "changes": [
                    {
                        "label": capfirst(change.field.verbose_name),
                        "old": ""
                        if diff.first
                        else display_value(model, change.field, change.old, namer=namer, style=STYLE),
                        "new": display_value(model, change.field, change.new, namer=namer, style=STYLE),
                    }
                    for change in diff.changes
                ],
            }
        )
    entries.reverse()
    return entries


def section_version(*, person: Person, spec: SectionSpec, history_id: int):
    """One earlier version of the section as it was then, or None."""
    return spec.model.history.select_related("history_user").filter(person_id=person.pk, history_id=history_id).first()


def version_values(spec: SectionSpec, row) -> list[dict]:
    namer = Namer(user_name=staff_name)
    return [
        {
            "label": capfirst(spec.model._meta.get_field(name).verbose_name),
            "value": display_value(
                spec.model, spec.model._meta.get_field(name), getattr(row, name), namer=namer, style=STYLE
            ),
        }
        for name in spec.fields
    ]


def readings_for(*, person: Person, instrument: str | None = None) -> QuerySet[InstrumentReading]:
    readings = InstrumentReading.objects.filter(person=person).select_related("recorded_by")
    if instrument is not None:
        readings = readings.filter(instrument=instrument)
    return readings.order_by("taken_at", "pk")


def reading_get(*, person: Person, pk: int) -> InstrumentReading | None:
    return InstrumentReading.objects.filter(person=person, pk=pk).first()
