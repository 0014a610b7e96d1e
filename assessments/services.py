"""Writes to a person's assessment: a section's save, a child's details, an instrument reading.

Each checks the role itself, and saves through the one audited write (history user and reason,
refused while processing is restricted, refused from a page loaded before someone else's
change: SEC-5). The person has already been fetched through ``person_get_for``, so the record
is one the user may open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import can_edit_assessment
from assessments.instruments import Definition, score
from assessments.models import Child, InstrumentReading, RiskSection
from assessments.models.codes import SAFEGUARDING_TRIGGERS, Trigger
from assessments.sections import BY_KEY
from common.audit import ExpectedVersion, audited_save, processing_allowed_check
from referrals.models import Person, TreatmentReferral
from referrals.review_triggers import ReviewTrigger, review_trigger_fire
from referrals.services.treatment_escalation import treatment_referral_escalate

NO_TRIGGERS = _("No escalation triggers are recorded in the risks section")
READING_INCOMPLETE = _("Answer every question before saving the reading")


@dataclass(frozen=True)
class SectionSaved:
    section: Any
    # ASM-6: escalation triggers this save added (Trigger values), in the order declared.
    new_triggers: tuple[str, ...] = ()
    # PLN-2: the plan review prompts this save raised (ReviewTrigger values); none when the
    # person has no current plan (the plan keeper decides).
    review_prompted: tuple[str, ...] = ()


def _require_edit(by) -> None:
    if not can_edit_assessment(by):
        raise PermissionDenied


def assessment_section_save(
    *,
    person: Person,
    key: str,
    values: dict[str, Any],
    by,
    expected_version: ExpectedVersion | None = None,
) -> SectionSaved:
    """Save what was entered in one section: a new version of it (ASM-2). Fields not given keep
    their value, so a partial save never blanks the rest."""
    _require_edit(by)
    spec = BY_KEY[key]
    with transaction.atomic():
        section = spec.model._default_manager.filter(person=person).first()
        if section is None:
            section = spec.model(person=person, updated_by=by)
        before = list(getattr(section, "triggers", []) or [])
        material_before = {name: getattr(section, name) for name in spec.material}
        safeguarding_before = getattr(section, "safeguarding", "")
        for name, value in values.items():
            if name not in spec.fields:
                raise ValueError(f"{name} is not a field of the {key} section")
            if name == "triggers":  # coded, in the order declared, each once
                value = [code for code in Trigger.values if code in (value or [])]
            setattr(section, name, value)
        section.updated_by = by
        audited_save(
            section,
            by=by,
            reason=_("Assessment: %(section)s updated") % {"section": spec.title},
            person_id=person.pk,
            expected_version=expected_version,
        )
        new = tuple(code for code in section.triggers if code not in before) if isinstance(section, RiskSection) else ()
        fired = _review_triggers_fire(
            person=person,
            spec=spec,
            section=section,
            by=by,
            material_before=material_before,
            safeguarding_before=safeguarding_before,
            new_triggers=new,
        )
    return SectionSaved(section=section, new_triggers=new, review_prompted=fired)


def _review_triggers_fire(
    *, person, spec, section, by, material_before: dict, safeguarding_before: str, new_triggers: tuple[str, ...]
) -> tuple[str, ...]:
    """PLN-2, §3.4.2: a material change to the assessment is a reassessment (``spec.material``
    says which fields count); a safeguarding concern written in the risks section, or a
    safeguarding escalation trigger newly recorded, is a safeguarding alert. The details name
    the section, never what was written (the prompt shows on the plan page)."""
    fired = []
    if any(getattr(section, name) != value for name, value in material_before.items()):
        detail = _("Assessment: %(section)s updated") % {"section": spec.title}
        if review_trigger_fire(person=person, trigger=ReviewTrigger.REASSESSMENT, by=by, detail=detail):
            fired.append(ReviewTrigger.REASSESSMENT)
    if isinstance(section, RiskSection):
        concern = (section.safeguarding or "").strip()
        if (concern and concern != (safeguarding_before or "").strip()) or set(new_triggers) & SAFEGUARDING_TRIGGERS:
            detail = _("Safeguarding concern recorded in the assessment")
            if review_trigger_fire(person=person, trigger=ReviewTrigger.SAFEGUARDING_ALERT, by=by, detail=detail):
                fired.append(ReviewTrigger.SAFEGUARDING_ALERT)
    return tuple(fired)


def child_save(
    *,
    person: Person,
    child: Child | None,
    values: dict[str, Any],
    by,
    expected_version: ExpectedVersion | None = None,
) -> Child:
    """Add a child (``child`` None) or change one: a new version of that child's details (ASM-7)."""
    _require_edit(by)
    if child is None:
        child = Child(person=person, updated_by=by)
    elif child.person_id != person.pk:
        raise PermissionDenied
    allowed = {"age", "main_carer", "health_visitor", "early_help", "protection_plan"}
    for name, value in values.items():
        if name not in allowed:
            raise ValueError(f"{name} is not a field of a child")
        setattr(child, name, value)
    child.updated_by = by
    audited_save(
        child, by=by, reason=_("Assessment: a child's details"), person_id=person.pk, expected_version=expected_version
    )
    return child


def reading_record(
    *,
    person: Person,
    definition: Definition,
    answers: dict[str, str],
    by,
    taken_at: dt.datetime | None = None,
    carried_from: InstrumentReading | None = None,
) -> InstrumentReading:
    """Record a reading (ASM-5). The answers are scored here, from the definition: a total or a
    band is never taken from the caller. An incomplete or invalid reading is refused."""
    _require_edit(by)
    result = score(definition, answers)
    if not result.complete:
        raise ValidationError(READING_INCOMPLETE, code="incomplete")
    if carried_from is not None and carried_from.person_id != person.pk:
        raise PermissionDenied
    reading = InstrumentReading(
        person=person,
        instrument=definition.id,
        instrument_version=definition.version,
        answers=dict(result.answers),
        total=result.total,
        subscales=dict(result.subscales),
        band=result.band.label if result.band else "",
        taken_at=taken_at or timezone.now(),
        recorded_by=by,
        carried_from=carried_from,
    )
    audited_save(
        reading,
        by=by,
        reason=_("Reading recorded: %(title)s") % {"title": definition.title},
        person_id=person.pk,
    )
    return reading


def assessment_escalate(*, person: Person, by) -> TreatmentReferral | None:
    """ASM-6: escalate to the Treatment Service with the reason: the triggers recorded in the
    risks section, in words, through the referral-to-Treatment flow (a referral waiting to be
    sent, or the one already with the Treatment Service). None: no allocated referral."""
    _require_edit(by)
    # PAR-6: a referral to Treatment is a change to the person's records and, once sent, a
    # disclosure, so a restriction refuses it like any other write. The vital-interests
    # exemption is for the urgent escalation protocol (§3.2.6) and safeguarding, which protect
    # someone now; a referral to another service does not, and the crisis steps need no record
    # here to go ahead. So the refusal stands, and says what still applies.
    # (The escalation page says so in words: assessments.views.sections.ESCALATION_RESTRICTED.)
    processing_allowed_check(person_id=person.pk)
    section = RiskSection.objects.filter(person=person).first()
    triggers = [Trigger(code).label for code in (section.triggers if section else []) if code in Trigger.values]
    if not triggers:
        raise ValidationError(NO_TRIGGERS, code="no_triggers")
    reason = "; ".join(str(label) for label in triggers)
    return treatment_referral_escalate(person=person, by=by, reason_detail=reason)
