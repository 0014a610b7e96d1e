"""Recording contacts and interventions (PLN-3) and naloxone kits to partner agencies.

Keyword-only, told who acts, permission checked here, one transaction, saved through
``audited_save``. A contact clears the person's re-engagement flag: they are in touch again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import audited_save
from partnership.access import membership_of
from recovery_plans.access_contacts import can_record_contacts
from recovery_plans.models import Contact, NaloxonePartnerSupply, ReengagementFlag
from recovery_plans.models.contacts import HarmReductionTopic
from referrals.selectors.referrals import people_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from referrals.models import Person

CONTACT_TYPE_REQUIRED = gettext_lazy("Select the type of contact")
CONTACT_SETTING_REQUIRED = gettext_lazy("Select where the contact took place")
CONTACT_DURATION_INVALID = gettext_lazy("Enter how long the contact took, in minutes, from 1 to 720")
CONTACT_IN_FUTURE = gettext_lazy("The time of the contact must be now or in the past")
CONTACT_TOPIC_INVALID = gettext_lazy("Select harm reduction topics from the list")
CONTACT_NALOXONE_INVALID = gettext_lazy("Enter the number of naloxone kits, from 0 to 20")
CONTACT_NOTE_MAX = 2000
CONTACT_NOTE_TOO_LONG = gettext_lazy("The note must be 2,000 characters or fewer")
SUPPLY_AGENCY_REQUIRED = gettext_lazy("Enter the name of the agency")
SUPPLY_KITS_INVALID = gettext_lazy("Enter the number of kits, from 1 to 500")
SUPPLY_DATE_IN_FUTURE = gettext_lazy("The date must be today or in the past")
MAX_DURATION_MINUTES = 720


def person_contacts_may_record(*, person: Person, by: User) -> bool:
    """Hub and peer workers and managers, for people they may see (a peer worker: the people
    allocated to them)."""
    return can_record_contacts(by) and people_visible_to(user=by).filter(pk=person.pk).exists()


def _require_may_record(person: Person, by: User) -> None:
    if not person_contacts_may_record(person=person, by=by):
        raise PermissionDenied


def reengagement_flag_clear(*, person: Person, by: User | None, at: dt.datetime) -> None:
    """Close the person's open re-engagement flag, if there is one (they are in touch again)."""
    flag = ReengagementFlag.objects.select_for_update().filter(person=person, cleared_at__isnull=True).first()
    if flag is not None:
        flag.cleared_at, flag.cleared_by = at, by
        audited_save(flag, by=by, reason="In touch again", person_id=person.pk)


@transaction.atomic
def contact_record(
    *,
    person: Person,
    by: User,
    type: str,
    setting: str,
    duration_minutes: int,
    occurred_at: dt.datetime | None = None,
    harm_reduction_topics: Iterable[str] = (),
    naloxone_kits_supplied: int = 0,
    naloxone_administered: bool = False,
    needle_syringe_provided: bool = False,
    family_support: str = "",
    note: str = "",
) -> Contact:
    """Record one contact with the person; ``occurred_at`` defaults to now."""
    _require_may_record(person, by)
    now = timezone.now()
    occurred_at = occurred_at or now
    topics = list(dict.fromkeys(harm_reduction_topics))
    note = (note or "").strip()
    errors: dict[str, list] = {}
    if type not in Contact.Type.values:
        errors["type"] = [CONTACT_TYPE_REQUIRED]
    if setting not in Contact.Setting.values:
        errors["setting"] = [CONTACT_SETTING_REQUIRED]
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [CONTACT_DURATION_INVALID]
    if occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = [CONTACT_IN_FUTURE]
    if any(topic not in HarmReductionTopic.values for topic in topics):
        errors["harm_reduction_topics"] = [CONTACT_TOPIC_INVALID]
    if not 0 <= naloxone_kits_supplied <= 20:
        errors["naloxone_kits_supplied"] = [CONTACT_NALOXONE_INVALID]
    if family_support not in Contact.FamilySupport.values:
        errors["family_support"] = [CONTACT_TYPE_REQUIRED]
    if len(note) > CONTACT_NOTE_MAX:
        errors["note"] = [CONTACT_NOTE_TOO_LONG]
    if errors:
        raise ValidationError(errors)
    contact = Contact(
        person=person,
        occurred_at=occurred_at,
        type=type,
        setting=setting,
        duration_minutes=duration_minutes,
        harm_reduction_topics=topics,
        naloxone_kits_supplied=naloxone_kits_supplied,
        naloxone_administered=naloxone_administered,
        needle_syringe_provided=needle_syringe_provided,
        family_support=family_support,
        note=note,
        recorded_by=by,
    )
    audited_save(contact, by=by, reason="Contact recorded", person_id=person.pk)
    reengagement_flag_clear(person=person, by=by, at=now)
    return contact


@transaction.atomic
def naloxone_partner_supply_record(
    *, by: User, agency_name: str, kits: int, supplied_on: dt.date | None = None
) -> NaloxonePartnerSupply:
    """Naloxone kits given to a partner agency (a hostel, say): about no one person."""
    if not can_record_contacts(by):
        raise PermissionDenied
    agency_name = (agency_name or "").strip()
    supplied_on = supplied_on or timezone.localdate()
    errors: dict[str, list] = {}
    if not agency_name:
        errors["agency_name"] = [SUPPLY_AGENCY_REQUIRED]
    if not isinstance(kits, int) or not 1 <= kits <= 500:
        errors["kits"] = [SUPPLY_KITS_INVALID]
    if supplied_on > timezone.localdate():
        errors["supplied_on"] = [SUPPLY_DATE_IN_FUTURE]
    if errors:
        raise ValidationError(errors)
    membership = membership_of(by)
    supply = NaloxonePartnerSupply(
        agency_name=agency_name[:200],
        kits=kits,
        supplied_on=supplied_on,
        hub_id=membership.hub_id if membership else None,
        supplied_by=by,
    )
    audited_save(supply, by=by, reason="Naloxone supplied to a partner agency", person_id=None)
    return supply
