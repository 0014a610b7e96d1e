"""Outreach sessions and contacts with people not yet known (PLN-3; Tower Hamlets outreach
minimum dataset), and linking such a contact to a person later (access-logged)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import audited_save
from partnership.access import membership_of
from recovery_plans.access_contacts import can_link_outreach_contact, can_record_outreach
from recovery_plans.models import OutreachContact, OutreachSession
from referrals.selectors.referrals import people_visible_to, record_view

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from referrals.models import Person

OUTREACH_LOCATION_REQUIRED = gettext_lazy("Enter where you met the person")
OUTREACH_AGE_INVALID = gettext_lazy("Enter an age from 10 to 110, or leave it blank")
OUTREACH_ENGAGED_REQUIRED = gettext_lazy("Select whether the person engaged")
OUTREACH_IN_FUTURE = gettext_lazy("The time must be now or in the past")
OUTREACH_CODE_INVALID = gettext_lazy("Select an answer from the list")
OUTREACH_ALREADY_LINKED = gettext_lazy("This outreach contact is already linked to a person")
SESSION_AREA_REQUIRED = gettext_lazy("Enter the area or location of the outreach")
SESSION_TIMES_INVALID = gettext_lazy("The end time must be after the start time")
SESSION_NOT_YOURS = gettext_lazy("Select an outreach session you worked in")
SESSION_WORKER_INVALID = gettext_lazy("Select colleagues who do outreach")

CODED_FIELDS = {
    "ethnicity": OutreachContact.Ethnicity,
    "gender": OutreachContact.Gender,
    "substance": OutreachContact.Substance,
    "housing": OutreachContact.Housing,
    "known_to_treatment": OutreachContact.KnownToTreatment,
    "referral_made": OutreachContact.ReferralMade,
    "not_engaging_reason": OutreachContact.NotEngagingReason,
}


def _require_outreach(by: User) -> None:
    if not can_record_outreach(by):
        raise PermissionDenied


@transaction.atomic
def outreach_session_record(
    *, by: User, date: dt.date, started_at: dt.time, ended_at: dt.time, area: str, workers=()
) -> OutreachSession:
    """A period of outreach (KPI 1: hours). The recorder is always one of its workers."""
    _require_outreach(by)
    area = (area or "").strip()
    errors: dict[str, list] = {}
    if not area:
        errors["area"] = [SESSION_AREA_REQUIRED]
    if ended_at <= started_at:
        errors["ended_at"] = [SESSION_TIMES_INVALID]
    if date > timezone.localdate():
        errors["date"] = [OUTREACH_IN_FUTURE]
    if not all(can_record_outreach(worker) for worker in workers):
        errors["workers"] = [SESSION_WORKER_INVALID]
    if errors:
        raise ValidationError(errors)
    membership = membership_of(by)
    session = OutreachSession(
        date=date,
        started_at=started_at,
        ended_at=ended_at,
        area=area[:200],
        hub_id=membership.hub_id if membership else None,
        recorded_by=by,
    )
    audited_save(session, by=by, reason="Outreach session recorded", person_id=None)
    session.workers.set({by, *workers})
    return session


@transaction.atomic
def outreach_contact_record(
    *,
    by: User,
    location: str,
    engaged: bool | None,
    occurred_at: dt.datetime | None = None,
    session: OutreachSession | None = None,
    name: str = "",
    contact_details: str = "",
    age: int | None = None,
    age_is_perceived: bool = False,
    ethnicity: str = "",
    gender: str = "",
    substance: str = "",
    housing: str = "",
    known_to_treatment: str = "",
    referral_made: str = OutreachContact.ReferralMade.NONE,
    not_engaging_reason: str = "",
    note: str = "",
) -> OutreachContact:
    """Someone met on outreach, whether or not they engage ("record all contacts"). Only the
    place and whether they engaged are needed; everything else when given."""
    _require_outreach(by)
    now = timezone.now()
    occurred_at = occurred_at or now
    location = (location or "").strip()
    errors: dict[str, list] = {}
    if not location:
        errors["location"] = [OUTREACH_LOCATION_REQUIRED]
    if engaged is None:
        errors["engaged"] = [OUTREACH_ENGAGED_REQUIRED]
    if age is not None and not 10 <= age <= 110:
        errors["age"] = [OUTREACH_AGE_INVALID]
    if occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [OUTREACH_IN_FUTURE]
    if session is not None and not session.workers.filter(pk=by.pk).exists():
        errors["session"] = [SESSION_NOT_YOURS]
    values = {
        "ethnicity": ethnicity,
        "gender": gender,
        "substance": substance,
        "housing": housing,
        "known_to_treatment": known_to_treatment,
        "referral_made": referral_made,
        "not_engaging_reason": "" if engaged else not_engaging_reason,
    }
    for field, choices in CODED_FIELDS.items():
        if values[field] not in choices.values:
            errors[field] = [OUTREACH_CODE_INVALID]
    if errors:
        raise ValidationError(errors)
    membership = membership_of(by)
    contact = OutreachContact(
        session=session,
        occurred_at=occurred_at,
        location=location[:200],
        name=(name or "").strip()[:200],
        contact_details=(contact_details or "").strip()[:200],
        age=age,
        age_is_perceived=bool(age_is_perceived and age is not None),
        engaged=bool(engaged),
        note=(note or "").strip()[:2000],
        hub_id=membership.hub_id if membership else None,
        recorded_by=by,
        **values,
    )
    audited_save(contact, by=by, reason="Outreach contact recorded", person_id=None)
    return contact


def outreach_contact_may_link(*, by: User) -> bool:
    return can_link_outreach_contact(by)


@transaction.atomic
def outreach_contact_link(*, contact: OutreachContact, person: Person, by: User) -> OutreachContact:
    """Say who someone met on outreach turned out to be: the front door, or hub staff for a
    person they may see. The link is a view of the person's record too, so it is logged."""
    if not can_link_outreach_contact(by) or not people_visible_to(user=by).filter(pk=person.pk).exists():
        raise PermissionDenied
    contact = OutreachContact.objects.select_for_update().get(pk=contact.pk)
    if contact.person_id is not None:
        raise ValidationError(OUTREACH_ALREADY_LINKED, code="already_linked")
    contact.person, contact.linked_at, contact.linked_by = person, timezone.now(), by
    audited_save(contact, by=by, reason="Outreach contact linked to a person", person_id=person.pk)
    record_view(user=by, obj=contact, person_id=person.pk, purpose="Outreach contact linked")
    return contact
