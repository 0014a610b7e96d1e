"""Every section's records about a person and the change history of each, in words (PAR-6).

Values are read raw (foreign keys by id) and named afterwards with one query per related
model (``common.history.Namer``), so a section costs a fixed number of queries however many
rows it has. The history is "who changed what, old → new" from ``common.history``, the same
engine as the referral's History page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.history import KIND_LABELS, Namer, ValueStyle, diff_rows, display_value
from common.history import field_label as _field_label
from partnership.access import Audience, may_see
from referrals.data_rights.sections import Section, active_sections, staff_name

# Clearer labels than the fields' verbose names, where those are terse.
FIELD_LABELS = {
    "given_name": gettext_lazy("First name"),
    "family_name": gettext_lazy("Last name"),
    "subject_given_name": gettext_lazy("First name (as referred)"),
    "subject_family_name": gettext_lazy("Last name (as referred)"),
    "subject_date_of_birth": gettext_lazy("Date of birth (as referred)"),
    "subject_nhs_number": gettext_lazy("NHS number (as referred)"),
    "subject_address": gettext_lazy("Address (as referred)"),
    "subject_postcode": gettext_lazy("Postcode (as referred)"),
    "subject_phone": gettext_lazy("Phone (as referred)"),
    "subject_email": gettext_lazy("Email (as referred)"),
    "person": gettext_lazy("Person record"),
    "referral": gettext_lazy("Referral"),
    "referrer_type": gettext_lazy("Who referred"),
    "source": gettext_lazy("Where the referral came from"),
    "channel": gettext_lazy("How the referral was received"),
    "is_urgent": gettext_lazy("Urgent"),
    "open_to_childrens_services": gettext_lazy("Open to Children's Services"),
    "consent_to_contact": gettext_lazy("Agreed to be contacted"),
    "contact_methods": gettext_lazy("Ways to contact"),
    "safe_to_leave_message": gettext_lazy("Safe to leave a message"),
    "preferred_language": gettext_lazy("Preferred language"),
    "received_at": gettext_lazy("Received"),
    "first_contact_attempt_at": gettext_lazy("First contact attempt"),
    "first_contact_made_at": gettext_lazy("First contact made"),
    "triage_completed_at": gettext_lazy("Triage completed"),
    "allocated_at": gettext_lazy("Allocated"),
    "first_appointment_offered_at": gettext_lazy("First appointment offered"),
    "first_appointment_attended_at": gettext_lazy("First appointment attended"),
    "closed_at": gettext_lazy("Closed"),
    "assigned_to": gettext_lazy("Assigned to"),
    "allocated_worker": gettext_lazy("Allocated worker"),
    "created_at": gettext_lazy("Recorded"),
    "created_by": gettext_lazy("Recorded by"),
    "lives_in_area": gettext_lazy("Lives in the area"),
    "council_of_residence": gettext_lazy("Council area"),
    "under_18_commissioner_agreement": gettext_lazy("Under 18: commissioner agreement"),
    "commissioner_agreement_reference": gettext_lazy("Commissioner agreement reference"),
    "mental_health_concern": gettext_lazy("Mental health concern"),
    "homeless": gettext_lazy("Homeless or at risk of homelessness"),
    "risk": gettext_lazy("Initial risk"),
    "risk_reasons": gettext_lazy("Risk reasons"),
    "started_at": gettext_lazy("Started"),
    "started_by": gettext_lazy("Started by"),
    "completed_at": gettext_lazy("Completed"),
    "completed_by": gettext_lazy("Completed by"),
    "attempted_at": gettext_lazy("When"),
    "by": gettext_lazy("By"),
    "at": gettext_lazy("When"),
    "from_status": gettext_lazy("From"),
    "to_status": gettext_lazy("To"),
    "done_at": gettext_lazy("When"),
    "done_by_name": gettext_lazy("Done by"),
    "recorded_by": gettext_lazy("Recorded by"),
    "recorded_at": gettext_lazy("Recorded"),
    "introduced_by": gettext_lazy("Introduced by"),
    "introduced_to": gettext_lazy("Introduced to"),
    "introduced_at": gettext_lazy("When"),
    "user": gettext_lazy("Member of staff"),
    "action": gettext_lazy("What they did"),
    "object_type": gettext_lazy("Record"),
    "processing_restricted": gettext_lazy("Processing restricted"),
    "processing_restricted_at": gettext_lazy("Processing restricted on"),
    "processing_restricted_by": gettext_lazy("Processing restricted by"),
}


# Access-log "Record" column: what kind of record was looked at, in words.
OBJECT_TYPE_LABELS = {
    "referrals.person": gettext_lazy("Person record"),
    "referrals.referral": gettext_lazy("Referral"),
    "referrals.subjectaccessrequest": gettext_lazy("Subject access request"),
    "referrals.treatmentreferral": gettext_lazy("Referral to the Treatment Service"),
    "referrals.onwardreferral": gettext_lazy("Referral to another service"),
    "referrals.disclosure": gettext_lazy("Information shared"),
    "referrals.consent": gettext_lazy("Consent and sharing decision"),
}


# JSON lists of codes that reports count, owned by apps later in the chain (registered from
# their ``AppConfig.ready()``, so referrals imports none of them), by field name: the export
# names each as "label (code)", so the person reads what it means and anyone matching it to a
# report sees the code counted there. The JSON ``value`` keeps the codes alone.
_coded_lists: dict[str, Any] = {}


def coded_list_register(*, field: str, choices) -> None:
    """``choices``: (code, label) pairs, e.g. ``Trigger.choices``. Registering again replaces."""
    _coded_lists[field] = choices


def _style() -> ValueStyle:
    from referrals.models import CommunicationNeed, ContactMethod, Substance, Triage

    coded = {name: [(code, f"{label} ({code})") for code, label in choices] for name, choices in _coded_lists.items()}
    return ValueStyle(
        list_choices={
            "substances": Substance.choices,
            "cared_for_substances": Substance.choices,
            "contact_methods": ContactMethod.choices,
            "risk_reasons": Triage.RiskReason.choices,
            "communication_needs": CommunicationNeed.choices,
            **coded,
        },
        value_labels={"partnership.accesslog.object_type": OBJECT_TYPE_LABELS},
    )


def field_label(model, name: str) -> str:
    return _field_label(model, name, FIELD_LABELS)


def _plain(value: Any) -> Any:
    """A raw value as JSON: dates and times in ISO 8601, anything else as a string."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


@dataclass
class SectionData:
    section: Section
    records: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)


def collect(
    person, sections: Iterable[Section] | None = None, *, audience: Audience = Audience.DATA_SUBJECT
) -> list[SectionData]:
    """Every section's records about ``person`` and the change history of each, as plain
    dicts ready for JSON and for the PDF template, as ``audience`` may see them
    (``partnership.access.may_see``: a subject access export is the person's, so it holds
    everything, safeguarding and restriction detail included, for the data protection
    officer to review before release)."""
    namer = Namer(user_name=staff_name)
    style = _style()
    loaded = []
    for section in sections if sections is not None else active_sections():
        model = section.model_class
        label = model._meta.label_lower
        if not section.subject_access or not may_see(audience, label):
            continue
        fields = [f for f in section.field_list() if may_see(audience, label, f.name)]
        rows = list(section.rows(person))
        history = list(section.history_rows(person)) if section.has_history else []
        # The fields this model's history keeps (less the link to the referral).
        present = [f for f in fields if f.name != "referral" and history and hasattr(history[0], f.attname)]
        diffs = diff_rows(
            history, fields=lambda row, present=present: present, skip_on_create=(None, "", [], {}, False)
        )
        for obj in rows:
            for f in fields:
                namer.want(f, getattr(obj, f.attname))
        namer.want_changes(diffs)
        loaded.append((section, model, fields, rows, diffs))
    namer.load()

    def show(model, f: models.Field, value: Any) -> str:
        return display_value(model, f, value, namer=namer, style=style)

    result = []
    for section, model, fields, rows, diffs in loaded:
        data = SectionData(section=section)
        headings = {}
        for index, obj in enumerate(rows, start=1):
            heading = (
                section.heading(obj, index) if section.heading else f"{capfirst(model._meta.verbose_name)} {index}"
            )
            headings[obj.pk] = heading
            data.records.append(
                {
                    "id": obj.pk,
                    "heading": heading,
                    "fields": [
                        {
                            "name": f.name,
                            "label": field_label(model, f.name),
                            "value": _plain(getattr(obj, f.attname)),
                            "display": show(model, f, getattr(obj, f.attname)),
                        }
                        for f in fields
                    ],
                }
            )
        for diff in diffs:
            row = diff.row
            data.history.append(
                {
                    "record_id": row.id,
                    "record": headings.get(row.id) or f"{capfirst(model._meta.verbose_name)} ({_('since removed')})",
                    "at": row.history_date.isoformat(),
                    "at_display": date_format(timezone.localtime(row.history_date), "j F Y, H:i"),
                    "by": staff_name(row.history_user) or _("The online referral form or the system"),
                    "kind": diff.kind,
                    "action": str(KIND_LABELS.get(diff.kind, diff.kind)),
                    "reason": row.history_change_reason or "",
                    "changes": [
                        {
                            "field": c.field.name,
                            "label": field_label(model, c.field.name),
                            "old": None if diff.first else _plain(c.old),
                            "new": _plain(c.new),
                            "old_display": "" if diff.first else show(model, c.field, c.old),
                            "new_display": show(model, c.field, c.new),
                        }
                        for c in diff.changes
                    ],
                }
            )
        result.append(data)
    return result
