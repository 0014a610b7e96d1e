"""A person with something in every section of their record, reached through the services
(so history, transitions, grants and disclosures are real). Shared by the data rights tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from partnership.models import AccessLog, Organisation
from partnership.services import access_log_record
from referrals.models import (
    Consent,
    ContactAttempt,
    Escalation,
    OnwardReferral,
    Person,
    Referral,
    TreatmentReferral,
    Triage,
)
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record
from referrals.services.onward import onward_referral_record
from referrals.services.treatment import treatment_referral_send

# Values the tests look for in every export.
GIVEN, FAMILY = "Siân", "Ó Briain-Nakamura"
CONTACT_NOTE = "Talked through the Tuesday drop-in"
RISK_NOTE = "Overdose in March, now using alone"
ESCALATION_NOTE = "Duty manager told about the overdose"
INTRODUCED_TO = "Sam Okonkwo"
INTRODUCTION_ORGANISATION = "Housing Options Carlisle"
ONWARD_ORGANISATION = "Mind in Furness"
OLD_PHONE, NEW_PHONE = "07700900123", "07700900456"
RECTIFY_REASON = "Person phoned with a new number"
TREATMENT_REASON = "Wants help with opioid use while pregnant"
HUB_WORKER_VIEW_REASON = "Preparing for first appointment"

OTHER_GIVEN, OTHER_FAMILY = "Bartholomew", "Quigley-Entwistle"
OTHER_NOTE = "Someone else's contact note"


@dataclass
class PersonState:
    person: Person
    referral: Referral
    other_person: Person
    other_referral: Referral


def _referral(spoc, *, given, family, **extra) -> Referral:
    data = {
        "referrer_type": Referral.ReferrerType.PROFESSIONAL,
        "source": Referral.Source.GP,
        "subject_given_name": given,
        "subject_family_name": family,
        "subject_date_of_birth": dt.date(1991, 4, 12),
        "subject_phone": OLD_PHONE,
        "subject_postcode": "CA1 1AA",
        "referrer_name": "Dr Amina Shah",
        "referrer_organisation": "Botchergate Surgery",
        "referrer_role": "GP",
        "referrer_phone": "01632960001",
        "substances": ["opioids", "alcohol"],
        "reason": "Would like support with heroin use.",
        "consent_to_contact": True,
        "contact_methods": ["phone"],
        **extra,
    }
    referral, _created = services.referral_create(
        data=data,
        channel=Referral.Channel.PHONE,
        by=spoc,
        received_at=timezone.now() - dt.timedelta(days=3),
    )
    return referral


def build(*, spoc, hub, hub_worker, treatment_org: Organisation) -> PersonState:
    now = timezone.now()
    referral = _referral(spoc, given=GIVEN, family=FAMILY, pregnant="yes")
    person = services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc,
        attempted_at=now - dt.timedelta(days=2),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.MADE_CONTACT,
        notes=CONTACT_NOTE,
    )
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc,
        council_of_residence="cumberland",
        pregnant="yes",
        risk=Triage.Risk.AMBER,
        risk_reasons=[Triage.RiskReason.OVERDOSE],
        risk_notes=RISK_NOTE,
    )
    triage_services.escalation_record(
        referral=referral,
        by=spoc,
        action=Escalation.Action.MANAGER_INFORMED,
        done_at=now - dt.timedelta(days=2),
        done_by_name="Duty manager",
        notes=ESCALATION_NOTE,
    )
    intro = triage_services.warm_introduction_record(
        referral=referral,
        by=spoc,
        introduced_to=INTRODUCED_TO,
        organisation=INTRODUCTION_ORGANISATION,
        introduced_at=now - dt.timedelta(days=1),
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.BOTH)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc)
    services.person_update(person=person, by=spoc, reason=RECTIFY_REASON, phone=NEW_PHONE)
    consent = consent_record(person=person, by=spoc, recipient=Consent.Recipient.TREATMENT, given=True)
    other_agency = consent_record(
        person=person,
        by=spoc,
        recipient=Consent.Recipient.OTHER_AGENCY,
        agency_name=ONWARD_ORGANISATION,
        given=True,
    )
    treatment_referral = referral.treatment_referrals.get(status=TreatmentReferral.Status.PENDING)
    treatment_referral_send(
        treatment_referral=treatment_referral,
        by=spoc,
        organisation=treatment_org,
        consent=consent,
        reason_for_referral=TREATMENT_REASON,
        warm_introduction=intro,
    )
    onward_referral_record(
        referral=referral,
        by=spoc,
        service_type=OnwardReferral.ServiceType.MENTAL_HEALTH,
        organisation_name=ONWARD_ORGANISATION,
        share_personal_data=True,
        sharing_basis=other_agency,
    )
    access_log_record(
        user=hub_worker, action=AccessLog.Action.VIEW, obj=person, person_id=person.pk, reason=HUB_WORKER_VIEW_REASON
    )

    other_referral = _referral(spoc, given=OTHER_GIVEN, family=OTHER_FAMILY)
    other_person = services.person_create_from_referral(referral=other_referral, by=spoc)
    triage_services.contact_attempt_record(
        referral=other_referral,
        by=spoc,
        attempted_at=now - dt.timedelta(hours=1),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.NO_ANSWER,
        notes=OTHER_NOTE,
    )
    referral.refresh_from_db()
    person.refresh_from_db()
    return PersonState(person=person, referral=referral, other_person=other_person, other_referral=other_referral)
