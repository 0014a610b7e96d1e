"""The four incident registers, described once, so their list, detail and form pages share one
set of views and templates (views_incidents.py): serious incidents and near misses, deaths in
service, non-fatal overdoses and data-security incidents. Each is named in URLs by its slug."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeguarding import clocks, forms_incidents
from safeguarding.models import DataSecurityIncident, DeathInService, NonFatalOverdose, SeriousIncident
from safeguarding.services_incidents import FIELDS


@dataclass(frozen=True)
class IncidentKind:
    slug: str
    model: type[models.Model]
    form: type  # a form with forms_incidents.IncidentFormMixin
    title: object  # the register's heading
    one: object  # what one record is called
    when_field: str  # the time the list is ordered and shown by
    summary_field: str  # a short description for the list


KINDS = {
    kind.slug: kind
    for kind in (
        IncidentKind(
            "serious-incidents",
            SeriousIncident,
            forms_incidents.SeriousIncidentForm,
            gettext_lazy("Serious incidents and near misses"),
            gettext_lazy("Serious incident or near miss"),
            "occurred_at",
            "incident_type",
        ),
        IncidentKind(
            "deaths",
            DeathInService,
            forms_incidents.DeathInServiceForm,
            gettext_lazy("Deaths in service"),
            gettext_lazy("Death in service"),
            "died_on",
            "cause",
        ),
        IncidentKind(
            "overdoses",
            NonFatalOverdose,
            forms_incidents.NonFatalOverdoseForm,
            gettext_lazy("Non-fatal overdoses and naloxone"),
            gettext_lazy("Non-fatal overdose"),
            "occurred_at",
            "naloxone_by",
        ),
        IncidentKind(
            "data-security",
            DataSecurityIncident,
            forms_incidents.DataSecurityIncidentForm,
            gettext_lazy("Data-security incidents"),
            gettext_lazy("Data-security incident"),
            "discovered_at",
            "description",
        ),
    )
}
KIND_PATTERN = "|".join(KINDS)


def kind_of(record: models.Model) -> IncidentKind:
    return next(kind for kind in KINDS.values() if isinstance(record, kind.model))


def display(record: models.Model, name: str) -> str:
    """A field's value in words: choices by label, yes/no, dates in full, times in London."""
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if name == "person":
        return value.reference if value is not None else _("No one in particular")
    if value is None or value == "":
        return _("Not recorded")
    if field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return clocks.when_words(value)
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value)


def summary_rows(record: models.Model) -> list[tuple[str, str]]:
    """(label, value) for every field the record's form edits, in order."""
    return [
        (capfirst(str(record._meta.get_field(name).verbose_name)), display(record, name))
        for name in FIELDS[type(record)]
    ]
