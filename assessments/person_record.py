"""What the assessment adds to the person record (the contract in issue 9): a tab, and timeline
events for every section version and instrument reading (PLN-7)."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.access import can_view_assessment, reads_assessment_in_timeline, reads_section_in_timeline
from assessments.instruments import UnknownInstrument, registry
from assessments.models import Child, InstrumentReading
from assessments.sections import BY_KEY, SECTIONS

READING = "reading"
CHILD = "child"


def _rows(queryset, *, at: str, ref: str, source: str, by: str, item=None, total=None, band=None):
    """One part of the union: the same columns, in the same order, whatever the model."""
    blank = Value("", output_field=CharField())
    return queryset.order_by().values(
        e_at=F(at),
        e_ref=F(ref),
        e_source=Value(source, output_field=CharField()),
        e_item=item or blank,
        e_first=F(f"{by}__first_name"),
        e_last=F(f"{by}__last_name"),
        e_username=F(f"{by}__username"),
        # A typed NULL: PostgreSQL reads a bare NULL in a UNION as text, which then cannot
        # meet a reading's integer total.
        e_total=total or Cast(Value(None), output_field=IntegerField()),
        e_band=band or blank,
    )


def _parts(*, person, user, before):
    when = {"history_date__lt": before} if before is not None else {}
    versions = {"at": "history_date", "ref": "history_id", "by": "history_user"}
    parts = [
        _rows(spec.model.history.filter(person_id=person.pk, **when), source=spec.key, **versions)
        for spec in SECTIONS
        if reads_section_in_timeline(user, spec.label)
    ]
    parts.append(_rows(Child.history.filter(person_id=person.pk, **when), source=CHILD, **versions))
    readings = InstrumentReading.objects.filter(
        person_id=person.pk, **({"taken_at__lt": before} if before is not None else {})
    )
    parts.append(
        _rows(
            readings,
            at="taken_at",
            ref="pk",
            source=READING,
            by="recorded_by",
            item=F("instrument"),
            total=F("total"),
            band=F("band"),
        )
    )
    return parts


def _title(instrument: str) -> str:
    try:
        return registry().get(instrument).title
    except UnknownInstrument:
        return instrument


def events(*, person, user, before: dt.datetime | None = None, limit: int = 50) -> list[dict]:
    """Newest first, at most ``limit``, strictly before ``before``: one query."""
    if not reads_assessment_in_timeline(user):
        return []
    first, *rest = _parts(person=person, user=user, before=before)
    rows = first.union(*rest, all=True).order_by("-e_at", "-e_ref")[:limit]
    result = []
    for row in rows:
        at, ref, source, item = row["e_at"], row["e_ref"], row["e_source"], row["e_item"]
        first_name, last_name, username = row["e_first"], row["e_last"], row["e_username"]
        total, band = row["e_total"], row["e_band"]
        by = f"{first_name} {last_name}".strip() or username or ""
        if source == READING:
            result.append(
                {
                    "at": at,
                    "kind": "assessment_reading",
                    "kind_label": _("Instrument reading"),
                    "title": _title(item),
                    "summary": _("Score %(total)s") % {"total": total} + (f" ({band})" if band else ""),
                    "by": by,
                    "href": reverse("assessments:reading", args=[person.reference, ref]),
                    "sensitive": False,
                }
            )
            continue
        spec = BY_KEY.get(source)
        result.append(
            {
                "at": at,
                "kind": "assessment_section",
                "kind_label": _("Assessment"),
                "title": _("%(section)s updated") % {"section": spec.title if spec else _("A child's details")},
                "summary": "",
                "by": by,
                "href": reverse("assessments:versions", args=[person.reference, spec.key if spec else "carers"]),
                # The risks section is safeguarding detail: those who may not see it get no event.
                "sensitive": source == "risks",
            }
        )
    return result


TABS = [
    {
        "key": "assessment",
        "label": gettext_lazy("Assessment"),
        "url_name": "assessments:overview",
        "order": 30,
        "visible": can_view_assessment,
    },
]
TIMELINE = [
    {"key": "assessment", "label": gettext_lazy("Assessment"), "visible": can_view_assessment, "events": events},
]
