"""Writes for serious incidents and near misses (SAF-3), deaths in service (§3.29.3), non-fatal
overdoses (§3.29.2) and data-security incidents (SAF-6). The safeguarding lead and the
managers record them (``partnership.access.can_record_incidents``).

Recording a serious incident, a death or a data-security incident raises its notification to
the council at once (``notification_raise``): the clock starts when the service knew (for
data security, at discovery). Near misses and non-fatal overdoses are recorded and reported,
not notified. Saved with ``Exemption.VITAL_INTERESTS`` (see services_notifications).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import Exemption, ExpectedVersion, audited_save
from partnership.access import can_record_incidents
from safeguarding.models import (
    DataSecurityIncident,
    DeathInService,
    IncidentAction,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)
from safeguarding.models.incidents import CATEGORY_OF
from safeguarding.services_notifications import notification_raise

if TYPE_CHECKING:
    from django.contrib.auth.models import User

V = Exemption.VITAL_INTERESTS

TYPE_NOT_IN_CATEGORY = gettext_lazy("Select a type of incident in the category you chose")
IN_FUTURE = gettext_lazy("This must be now or in the past")
KNOWN_BEFORE_IT_HAPPENED = gettext_lazy("The service cannot have known of it before it happened")
DISCOVERED_BEFORE_IT_HAPPENED = gettext_lazy("It cannot have been discovered before it happened")
DIED_IN_FUTURE = gettext_lazy("The date of death must be today or in the past")
ALREADY_RECORDED_DEATH = gettext_lazy("A death in service is already recorded for this person")
DOSES_WITHOUT_NALOXONE = gettext_lazy("Enter 0 doses when no naloxone was given")
NALOXONE_WITHOUT_DOSES = gettext_lazy("Enter how many doses of naloxone were given")
ICO_DETAILS_REQUIRED = gettext_lazy("Enter when it was reported to the ICO")
ICO_DETAILS_NOT_REPORTED = gettext_lazy("Only enter a time reported to the ICO when it was reported")
ACTION_ALREADY_DONE = gettext_lazy("This action is already marked as done")

SERIOUS_INCIDENT_FIELDS = (
    "seriousness",
    "category",
    "incident_type",
    "occurred_at",
    "known_at",
    "place",
    "description",
    "immediate_action",
    "person",
    "root_cause",
    "learning",
    "learning_shared_on",
    "closed_on",
)
DEATH_FIELDS = (
    "person",
    "died_on",
    "known_at",
    "cause",
    "circumstances",
    "coroner_informed",
    "panel_review_on",
    "panel_attended_by",
    "panel_learning",
)
OVERDOSE_FIELDS = (
    "person",
    "occurred_at",
    "place",
    "substances",
    "naloxone_by",
    "naloxone_doses",
    "emergency_services_called",
    "taken_to_hospital",
    "suspected_adulteration",
    "follow_up",
)
DATA_SECURITY_FIELDS = (
    "discovered_at",
    "occurred_at",
    "description",
    "people_affected",
    "person",
    "containment",
    "ico",
    "ico_reported_at",
    "ico_reference",
    "learning",
)
FIELDS = {
    SeriousIncident: SERIOUS_INCIDENT_FIELDS,
    DeathInService: DEATH_FIELDS,
    NonFatalOverdose: OVERDOSE_FIELDS,
    DataSecurityIncident: DATA_SECURITY_FIELDS,
}


def _past(errors: dict, name: str, value, now: dt.datetime) -> None:
    if value is not None and value > now + dt.timedelta(minutes=1):
        errors.setdefault(name, []).append(IN_FUTURE)


def _check(record: Model) -> None:
    """The rules each kind of record keeps, every message specific to its field."""
    now = timezone.now()
    errors: dict[str, list] = {}
    if isinstance(record, SeriousIncident):
        # §3.18.1: a type belongs to one of the three groups.
        if CATEGORY_OF.get(record.incident_type) != record.category:
            errors["incident_type"] = [TYPE_NOT_IN_CATEGORY]
        _past(errors, "occurred_at", record.occurred_at, now)
        _past(errors, "known_at", record.known_at, now)
        if record.known_at and record.occurred_at and record.known_at < record.occurred_at:
            errors.setdefault("known_at", []).append(KNOWN_BEFORE_IT_HAPPENED)
    elif isinstance(record, DeathInService):
        if record.died_on and record.died_on > timezone.localdate():
            errors["died_on"] = [DIED_IN_FUTURE]
        _past(errors, "known_at", record.known_at, now)
        others = DeathInService.objects.filter(person=record.person_id).exclude(pk=record.pk)
        if record.person_id and others.exists():
            errors["person"] = [ALREADY_RECORDED_DEATH]
    elif isinstance(record, NonFatalOverdose):
        _past(errors, "occurred_at", record.occurred_at, now)
        given = record.naloxone_by != NonFatalOverdose.NaloxoneBy.NOT_GIVEN
        if not given and record.naloxone_doses:
            errors["naloxone_doses"] = [DOSES_WITHOUT_NALOXONE]
        if given and not record.naloxone_doses:
            errors["naloxone_doses"] = [NALOXONE_WITHOUT_DOSES]
    elif isinstance(record, DataSecurityIncident):
        _past(errors, "discovered_at", record.discovered_at, now)
        _past(errors, "occurred_at", record.occurred_at, now)
        if record.occurred_at and record.discovered_at and record.discovered_at < record.occurred_at:
            errors.setdefault("discovered_at", []).append(DISCOVERED_BEFORE_IT_HAPPENED)
        reported = record.ico == DataSecurityIncident.Ico.REPORTED
        if reported and record.ico_reported_at is None:
            errors["ico_reported_at"] = [ICO_DETAILS_REQUIRED]
        if not reported and record.ico_reported_at is not None:
            errors["ico_reported_at"] = [ICO_DETAILS_NOT_REPORTED]
        _past(errors, "ico_reported_at", record.ico_reported_at, now)
    if errors:
        raise ValidationError(errors)


def _notify(record: Model, *, by: User) -> list[Notification]:
    """The notification a new record raises, if its kind is notified (see the docstring)."""
    if isinstance(record, SeriousIncident) and record.seriousness == SeriousIncident.Seriousness.SERIOUS:
        return notification_raise(
            kind=Notification.Kind.SERIOUS_INCIDENT, subject=record, councils=None, starts_at=record.known_at, by=by
        )
    if isinstance(record, DeathInService):
        return notification_raise(
            kind=Notification.Kind.DEATH, subject=record, councils=None, starts_at=record.known_at, by=by
        )
    if isinstance(record, DataSecurityIncident):
        # §3.23.8: "the appropriate teams within each Council", whoever is affected.
        return notification_raise(
            kind=Notification.Kind.DATA_SECURITY,
            subject=record,
            councils=[c for c, _label in Notification._meta.get_field("council").choices],
            starts_at=record.discovered_at,
            by=by,
        )
    return []


@transaction.atomic
def incident_record(*, model: type[Model], by: User, **values) -> Model:
    """A new record of ``model`` (one of ``FIELDS``) from ``values``, and its notification."""
    if not can_record_incidents(by):
        raise PermissionDenied
    record = model(recorded_by=by, **{name: values[name] for name in FIELDS[model] if name in values})
    _check(record)
    audited_save(
        record,
        by=by,
        reason=f"{model._meta.verbose_name.capitalize()} recorded",
        person_id=record.person_id,
        exemption=V,
    )
    _notify(record, by=by)
    return record


@transaction.atomic
def incident_update(*, record: Model, by: User, expected_version: ExpectedVersion | None = None, **values) -> Model:
    """Change a record (a serious incident's review, the death review panel, the ICO decision).
    A notification already raised keeps its clock; one newly due (a near miss found to be a
    serious incident) is raised now."""
    if not can_record_incidents(by):
        raise PermissionDenied
    for name in FIELDS[type(record)]:
        if name in values:
            setattr(record, name, values[name])
    _check(record)
    audited_save(
        record,
        by=by,
        reason=f"{type(record)._meta.verbose_name.capitalize()} changed",
        person_id=record.person_id,
        exemption=V,
        expected_version=expected_version,
    )
    _notify(record, by=by)
    return record


@transaction.atomic
def incident_action_add(
    *, incident: SeriousIncident, by: User, description: str, owner: str, due_on: dt.date
) -> IncidentAction:
    if not can_record_incidents(by):
        raise PermissionDenied
    action = IncidentAction(incident=incident, description=description.strip(), owner=owner.strip(), due_on=due_on)
    audited_save(action, by=by, reason="Incident action added", person_id=incident.person_id, exemption=V)
    return action


@transaction.atomic
def incident_action_done(*, action: IncidentAction, by: User, done_on: dt.date | None = None) -> IncidentAction:
    if not can_record_incidents(by):
        raise PermissionDenied
    current = IncidentAction.objects.select_for_update().get(pk=action.pk)
    if current.done_on is not None:
        raise ValidationError(ACTION_ALREADY_DONE, code="already_done")
    action.done_on = done_on or timezone.localdate()
    audited_save(action, by=by, reason="Incident action done", person_id=action.incident.person_id, exemption=V)
    return action
