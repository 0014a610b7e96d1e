"""PAR-6 (UK GDPR Article 18) by construction: every service that writes about a person
refuses while that person's processing is restricted, except the writes restriction must
allow (``common.audit.Exemption``).

The test walks the service modules itself: a new public service function without an entry
in ``CASES`` (or in ``NOT_WRITES``) fails ``test_every_service_is_covered``, so nobody can add
a write that forgets the one audited write.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.utils import timezone

from assessments import services as assessment_services
from assessments.instruments import registry
from common.audit import PROCESSING_RESTRICTED, Exemption, ProcessingRestricted, audited_save
from partnership import services as partnership_services
from recovery_plans.models import PlanAction, ReengagementFlag, ReviewPrompt
from recovery_plans.services import contacts as contact_services
from recovery_plans.services import directory as directory_services
from recovery_plans.services import engagement as engagement_services
from recovery_plans.services import groups as group_services
from recovery_plans.services import outreach as outreach_services
from recovery_plans.services import plans as plan_services
from referrals.data_rights import services as data_rights
from referrals.models import (
    Consent,
    ContactAttempt,
    Disclosure,
    Escalation,
    OnwardReferral,
    Person,
    Referral,
    StatusTransition,
    TreatmentReferral,
    Triage,
)
from referrals.services import access as access_services
from referrals.services import allocation as allocation_services
from referrals.services import consent as consent_services
from referrals.services import grants as grant_services
from referrals.services import onward as onward_services
from referrals.services import referrals as services
from referrals.services import treatment as treatment_services
from referrals.services import treatment_escalation
from referrals.services import triage as triage_services
from safeguarding import alerts_services as drug_alert_services
from safeguarding import chronology_services
from safeguarding import services_complaints as complaint_services
from safeguarding import services_concerns as concern_services
from safeguarding import services_incidents as incident_services
from safeguarding import services_notifications as notification_services
from safeguarding.models import Complaint, SeriousIncident
from tests.factories import UserFactory
from tests.referrals.data_rights_state import _referral

SERVICE_MODULES = [
    assessment_services,
    treatment_escalation,
    services,
    triage_services,
    allocation_services,
    treatment_services,
    onward_services,
    access_services,
    data_rights,
    consent_services,
    grant_services,
    partnership_services,
    contact_services,
    engagement_services,
    outreach_services,
    group_services,
    plan_services,
    directory_services,
    notification_services,
    incident_services,
    concern_services,
    chronology_services,
    complaint_services,
    drug_alert_services,
]

# Public functions in service modules that write nothing about a person (reads and helpers),
# or that are not about one person's record.
NOT_WRITES = {
    "triage_eligibility": "reads the eligibility rules",
    "referral_council": "reads the council of residence (recorded, or derived from the postcode)",
    "referral_feedback_get": "reads the feedback recorded on a referral",
    "local_date_time": "formats a time",
    "first_appointment_may_record": "asks a permission question",
    "treatment_referral_prefill": "reads the minimum dataset",
    "onward_sharing_recipients": "reads which consents cover a service",
    "subject_access_download": "reads an export (its access-log row is storage, not processing)",
    "access_log_record": "the append-only access log must record every view, restricted or not (SEC-2)",
    "referral_break_glass": "writes only the access log (SEC-2)",
    # Called only from inside other services, which save through the audited write.
    "referral_transition": "used inside services that save the referral through audited_save",
    "treatment_referral_transition": "used inside services that save through audited_save",
    "treatment_referrals_sync": "used inside the screening and outcome services (covered by their cases)",
    # Grants follow allocation and only ever narrow or move who may see a record; sharing with
    # another organisation is a case below.
    "sync_referral_grants": "object permissions follow the allocation (no personal data written)",
    "sync_person_grants": "object permissions follow the allocation (no personal data written)",
    "unshare_person_with_organisation": "taking access away only narrows processing",
    "organisations_shared_with": "reads who can see the record",
    # Staff, not people who use the service.
    "membership_save": "about a member of staff",
    "membership_create": "about a member of staff",
    # Contacts, outreach and groups (recovery_plans): reads, permission questions, and records
    # about no one person (someone met on outreach is not yet anyone's record; linking is).
    "person_contacts_may_record": "asks a permission question",
    "outreach_contact_may_link": "asks a permission question",
    "group_may_manage": "asks a permission question",
    "attendance_may_record": "asks a permission question",
    "engagement_of": "reads the engagement status",
    "reengagement_period": "reads a setting",
    "reengagement_candidates": "reads who the nightly job would flag (restricted people never)",
    "reengagement_flags_raise": (
        "the nightly job passes restricted people by, so it never asks to write about one "
        "(tests/recovery_plans/test_engagement.py)"
    ),
    "naloxone_partner_supply_record": "kits given to a partner agency: about no one person",
    "outreach_session_record": "a period of outreach: about no one person",
    "outreach_contact_record": "someone met on outreach, not linked to any person's record",
    "group_create": "a hub's group: about no one person",
    "group_session_create": "a session of a group: about no one person",
    # The directory of local services is the service's, about no one person (PLN-5).
    "directory_entry_create": "a directory entry, about no one person",
    "directory_entry_update": "a directory entry, about no one person",
    # Safeguarding notifications (issue 11): reads of settings and of where someone lives.
    "notification_hours": "reads a setting",
    "councils_for": "reads the person's council of residence",
    # Safeguarding concerns (SAF-1): reads and permission questions.
    "is_significant": "reads whether a concern is significant",
    "may_work_on": "asks a permission question",
    # Complaints (SAF-4): reads, and the public form, which links no one (staff link a complaint
    # to a person through complaint_update, a case below). Drug alerts (SAF-5) are about a
    # substance and an area, never a person.
    "stage_policy": "reads a setting",
    "stage_target": "works out a date",
    "current_stage": "reads a complaint's current stage",
    "complaint_receive_public": "a complaint from the public form, linked to no one until staff link it",
    "drug_alert_issue": "a drug alert: about no one person",
    "drug_alert_withdraw": "a drug alert: about no one person",
    "drug_alert_acknowledge": "a member of staff read an alert: about no one person",
}


@dataclass
class State:
    spoc: object
    dpo: object
    hub: object
    hub_worker: object
    treatment_practitioner: object
    treatment_org: object
    referral: Referral
    person: Person
    extra: dict = field(default_factory=dict)


def _linked_referral(spoc, **extra) -> Referral:
    referral = _referral(spoc, given="Ada", family="Restricted", **extra)
    services.person_create_from_referral(referral=referral, by=spoc)
    referral.refresh_from_db()
    return referral


def _contacted(s: State) -> None:
    triage_services.contact_attempt_record(
        referral=s.referral,
        by=s.spoc,
        attempted_at=timezone.now() - dt.timedelta(hours=1),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.MADE_CONTACT,
    )


def _screened(s: State) -> None:
    _contacted(s)
    triage_services.triage_save_screening(
        referral=s.referral, by=s.spoc, council_of_residence="cumberland", substances=["alcohol"]
    )


def _triaged(s: State, outcome=Triage.Outcome.BOTH) -> None:
    _screened(s)
    triage_services.triage_complete(referral=s.referral, by=s.spoc, outcome=outcome)


def _allocated(s: State) -> None:
    _triaged(s)
    allocation_services.referral_allocate(referral=s.referral, hub=s.hub, worker=s.hub_worker, by=s.spoc)


def _consented(s: State) -> None:
    s.extra["consent"] = consent_services.consent_record(
        person=s.person, by=s.spoc, recipient=Consent.Recipient.TREATMENT, given=True
    )


def _sent(s: State) -> None:
    _allocated(s)
    _consented(s)
    tr = s.referral.treatment_referrals.get()
    treatment_services.treatment_referral_send(
        treatment_referral=tr, by=s.spoc, organisation=s.treatment_org, consent=s.extra["consent"]
    )
    s.extra["treatment_referral"] = tr


def _onward(s: State) -> None:
    s.extra["onward"] = onward_services.onward_referral_record(
        referral=s.referral, by=s.spoc, service_type=OnwardReferral.ServiceType.HOUSING, organisation_name="Homes"
    )


def _closed(s: State) -> None:
    allocation_services.referral_close(referral=s.referral, by=s.spoc, reason="Closed for the test")


def _restricted_access(s: State) -> None:
    access_services.referral_restrict(referral=s.referral, by=s.manager_or_lead, reason="Staff member's relative")


def _sar(s: State) -> None:
    s.extra["sar"] = data_rights.subject_access_request_create(
        person=s.person, by=s.dpo, request_reference="SAR-1", reason="By letter"
    )


def _flagged(s: State) -> None:
    _allocated(s)
    ReengagementFlag.objects.create(person=s.person, flagged_at=timezone.now())


def _inactive(s: State) -> None:
    _allocated(s)
    engagement_services.engagement_set_inactive(person=s.person, by=s.hub_worker, reason="disengaged")


def _met_on_outreach(s: State) -> None:
    s.extra["outreach"] = outreach_services.outreach_contact_record(by=s.spoc, location="Bus station", engaged=True)


def _group_session(s: State) -> None:
    _allocated(s)
    group = group_services.group_create(by=s.hub_worker, name="Pre-detox group", kind="pre_detox")
    s.extra["group_session"] = group_services.group_session_create(
        group=group, by=s.hub_worker, starts_at=timezone.now(), duration_minutes=60
    )


def _planned(s: State) -> None:
    _allocated(s)
    plan = plan_services.plan_create(person=s.person, by=s.hub_worker, review_due=timezone.localdate())
    s.extra["plan"] = plan
    s.extra["goal"] = plan_services.plan_goal_add(plan=plan, by=s.hub_worker, in_own_words="Sleep better")
    s.extra["action"] = plan_services.plan_action_add(
        plan=plan,
        by=s.hub_worker,
        description="Walk daily",
        owner=PlanAction.Owner.PERSON,
        target_date=timezone.localdate(),
    )


def _serious_incident(s: State):
    return incident_services.incident_record(
        model=SeriousIncident,
        by=s.lead,
        seriousness="serious",
        category="harm_safeguarding",
        incident_type="serious_injury",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        known_at=timezone.now(),
        description="A fall",
        person=s.person,
    )


def _complained(s: State) -> None:
    s.extra["complaint"] = complaint_services.complaint_record(
        by=s.spoc_manager,
        kind=Complaint.Kind.COMPLAINT,
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.ACCESS,
        complainant_from=Complaint.From.PERSON_SUPPORTED,
        summary="Waited too long",
        person=s.person,
    )


def _concerned(s: State) -> None:
    s.extra["concern"] = concern_services.concern_raise(
        person=s.person, by=s.lead, category="neglect", at_risk="person", risk_level="medium", summary="Seen"
    )
    s.extra["concern_action"] = concern_services.concern_action_add(
        concern=s.extra["concern"], by=s.lead, description="Visit", due_on=timezone.localdate(), owner=s.lead
    )


def _second_manager(s: State):
    return UserFactory(
        username="manager2",
        membership__organisation=s.hub.organisation,
        membership__hub=s.hub,
        membership__role="manager",
    )


def _complaint_stage(s: State):
    return complaint_services.current_stage(s.extra["complaint"])


def _response_drafted(s: State) -> None:
    _complained(s)
    complaint_services.complaint_response_draft(stage=_complaint_stage(s), by=s.spoc_manager, text="Sorry")


def _response_approved(s: State) -> None:
    _response_drafted(s)
    complaint_services.complaint_response_approve(stage=_complaint_stage(s), by=_second_manager(s))


def _response_sent(s: State) -> None:
    _response_approved(s)
    complaint_services.complaint_response_send(
        stage=_complaint_stage(s), by=s.spoc_manager, sent_on=timezone.localdate(), how="letter"
    )
    s.extra["complaint"].refresh_from_db()


now = timezone.now

# service name -> (prepare, write). ``write`` must be a valid call in every respect but the
# restriction, so the only thing that can stop it is PAR-6.
CASES: dict[str, tuple[Callable[[State], None] | None, Callable[[State], object]]] = {
    "referral_create": (
        None,
        # A new referral is about nobody known yet: it is linked (and checked) at triage.
        lambda s: services.referral_link_person(
            referral=_referral(s.spoc, given="Ada", family="Restricted"), person=s.person, by=s.spoc
        ),
    ),
    "referral_assign": (None, lambda s: services.referral_assign(referral=s.referral, to=s.spoc, by=s.spoc)),
    "person_create_from_referral": (
        None,
        # Creating a person makes a new record; the write that would touch the restricted
        # person is linking a referral to them.
        lambda s: services.referral_link_person(
            referral=_referral(s.spoc, given="Ada", family="Restricted"), person=s.person, by=s.spoc
        ),
    ),
    "referral_link_person": (
        None,
        lambda s: services.referral_link_person(
            referral=_referral(s.spoc, given="Ada", family="Restricted"), person=s.person, by=s.spoc
        ),
    ),
    "person_update": (
        None,
        lambda s: services.person_update(person=s.person, by=s.spoc, reason="New phone", phone="07700900999"),
    ),
    "contact_attempt_record": (
        None,
        lambda s: triage_services.contact_attempt_record(
            referral=s.referral,
            by=s.spoc,
            attempted_at=now(),
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.NO_ANSWER,
        ),
    ),
    "triage_save_screening": (
        _contacted,
        lambda s: triage_services.triage_save_screening(
            referral=s.referral, by=s.spoc, risk=Triage.Risk.RED, risk_reasons=[Triage.RiskReason.OVERDOSE]
        ),
    ),
    "triage_complete": (
        _screened,
        lambda s: triage_services.triage_complete(referral=s.referral, by=s.spoc, outcome=Triage.Outcome.ERS),
    ),
    "referral_allocate": (
        lambda s: _triaged(s, Triage.Outcome.ERS),
        lambda s: allocation_services.referral_allocate(referral=s.referral, hub=s.hub, worker=s.hub_worker, by=s.spoc),
    ),
    "referral_reallocate": (
        _allocated,
        lambda s: allocation_services.referral_reallocate(
            referral=s.referral, hub=s.hub, worker=s.spoc_manager, by=s.spoc, reason="Cover"
        ),
    ),
    "referral_close": (
        None,
        lambda s: allocation_services.referral_close(referral=s.referral, by=s.spoc, reason="Done"),
    ),
    "referral_prioritise": (
        None,
        lambda s: allocation_services.referral_prioritise(
            referral=s.referral, by=s.spoc, priority=Referral.Priority.URGENT, reason="Overdose last night"
        ),
    ),
    "referral_reopen": (
        _closed,
        lambda s: allocation_services.referral_reopen(referral=s.referral, by=s.spoc, reason="Back"),
    ),
    "escalation_record": (
        None,
        lambda s: triage_services.escalation_record(
            referral=s.referral,
            by=s.spoc,
            action=Escalation.Action.EMERGENCY_SERVICES,
            done_at=now() - dt.timedelta(minutes=1),
            done_by_name="Duty worker",
        ),
    ),
    "warm_introduction_record": (
        None,
        lambda s: triage_services.warm_introduction_record(
            referral=s.referral, by=s.spoc, introduced_to="Sam", organisation="Housing", introduced_at=now()
        ),
    ),
    "referral_first_appointment_record": (
        _allocated,
        lambda s: allocation_services.referral_first_appointment_record(
            referral=s.referral, by=s.hub_worker, offered_at=now() - dt.timedelta(hours=1)
        ),
    ),
    "treatment_referral_send": (
        lambda s: (_allocated(s), _consented(s)),
        lambda s: treatment_services.treatment_referral_send(
            treatment_referral=s.referral.treatment_referrals.get(),
            by=s.spoc,
            organisation=s.treatment_org,
            consent=s.extra["consent"],
        ),
    ),
    "treatment_referral_withdraw": (
        _allocated,
        lambda s: treatment_services.treatment_referral_withdraw(
            treatment_referral=s.referral.treatment_referrals.get(),
            by=s.spoc,
            because=TreatmentReferral.Withdrawal.DECLINED,
        ),
    ),
    "treatment_referral_record_outcome": (
        _sent,
        lambda s: treatment_services.treatment_referral_record_outcome(
            treatment_referral=s.extra["treatment_referral"], by=s.treatment_practitioner, accepted=True
        ),
    ),
    "onward_referral_record": (
        None,
        lambda s: onward_services.onward_referral_record(
            referral=s.referral, by=s.spoc, service_type=OnwardReferral.ServiceType.HOUSING, organisation_name="Homes"
        ),
    ),
    "onward_referral_record_outcome": (
        _onward,
        lambda s: onward_services.onward_referral_record_outcome(
            onward_referral=s.extra["onward"], by=s.spoc, outcome=OnwardReferral.Outcome.ACCEPTED
        ),
    ),
    "referral_restrict": (
        None,
        lambda s: access_services.referral_restrict(referral=s.referral, by=s.lead, reason="Relative of staff"),
    ),
    "referral_unrestrict": (
        lambda s: access_services.referral_restrict(referral=s.referral, by=s.lead, reason="Relative of staff"),
        lambda s: access_services.referral_unrestrict(referral=s.referral, by=s.lead, reason="Staff member left"),
    ),
    "consent_record": (
        None,
        lambda s: consent_services.consent_record(
            person=s.person, by=s.spoc, recipient=Consent.Recipient.TREATMENT, given=True
        ),
    ),
    "consent_withdraw": (
        _consented,
        lambda s: consent_services.consent_withdraw(consent=s.extra["consent"], by=s.spoc, reason="Changed mind"),
    ),
    "disclosure_record": (
        None,
        lambda s: consent_services.disclosure_record(
            person=s.person,
            by=s.spoc,
            dataset=Disclosure.Dataset.ONWARD_REFERRAL,
            lawful_basis=Consent.LawfulBasis.CONSENT,
            to_organisation_name="Homes",
        ),
    ),
    "share_person_with_organisation": (
        None,
        lambda s: grant_services.share_person_with_organisation(
            person=s.person, organisation=s.treatment_org, by=s.spoc, reason="Consent recorded"
        ),
    ),
    "subject_access_request_create": (
        None,
        lambda s: data_rights.subject_access_request_create(
            person=s.person, by=s.dpo, request_reference="SAR-2", reason="By e-mail"
        ),
    ),
    "subject_access_generate": (_sar, lambda s: data_rights.subject_access_generate(request_id=s.extra["sar"].pk)),
    "subject_access_retry": (_sar, lambda s: data_rights.subject_access_retry(request=s.extra["sar"], by=s.dpo)),
    "subject_access_give_up": (_sar, lambda s: data_rights.subject_access_give_up(request_id=s.extra["sar"].pk)),
    # Recovery plans (PLN-1, PLN-2).
    "plan_create": (
        _allocated,
        lambda s: plan_services.plan_create(person=s.person, by=s.hub_worker, review_due=timezone.localdate()),
    ),
    "plan_agreement_record": (
        _planned,
        lambda s: plan_services.plan_agreement_record(
            plan=s.extra["plan"],
            by=s.hub_worker,
            agreed_by_person=True,
            agreed_how="phone",
            agreed_on=timezone.localdate(),
            review_due=timezone.localdate(),
        ),
    ),
    "plan_goal_add": (
        _planned,
        lambda s: plan_services.plan_goal_add(plan=s.extra["plan"], by=s.hub_worker, in_own_words="Run"),
    ),
    "plan_goal_achieve": (_planned, lambda s: plan_services.plan_goal_achieve(goal=s.extra["goal"], by=s.hub_worker)),
    "plan_need_add": (
        _planned,
        lambda s: plan_services.plan_need_add(
            plan=s.extra["plan"], by=s.hub_worker, area="housing", description="A flat"
        ),
    ),
    "plan_risk_add": (
        _planned,
        lambda s: plan_services.plan_risk_add(
            plan=s.extra["plan"], by=s.hub_worker, description="Falls", mitigation="Rails"
        ),
    ),
    "plan_action_add": (
        _planned,
        lambda s: plan_services.plan_action_add(
            plan=s.extra["plan"], by=s.hub_worker, description="Call", owner="person", target_date=timezone.localdate()
        ),
    ),
    "plan_action_done": (_planned, lambda s: plan_services.plan_action_done(action=s.extra["action"], by=s.hub_worker)),
    "plan_review_record": (
        _planned,
        lambda s: plan_services.plan_review_record(
            plan=s.extra["plan"],
            by=s.hub_worker,
            reviewed_on=timezone.localdate(),
            what_changed="Less",
            goals_progress="Good",
            next_review=timezone.localdate() + dt.timedelta(days=30),
        ),
    ),
    "review_prompt_raise": (
        None,
        lambda s: plan_services.review_prompt_raise(
            person=s.person, trigger=ReviewPrompt.Trigger.PARTNER_INFORMATION, by=s.spoc, detail="GP letter"
        ),
    ),
    "review_trigger_handle": (
        _planned,
        lambda s: plan_services.review_trigger_handle(
            person=s.person, trigger=ReviewPrompt.Trigger.REASSESSMENT, by=s.hub_worker, detail="Needs updated"
        ),
    ),
    # --- assessments ---
    "assessment_section_save": (
        _allocated,
        lambda s: assessment_services.assessment_section_save(
            person=s.person, key="needs", values={"needs": "Housing"}, by=s.hub_worker
        ),
    ),
    "child_save": (
        _allocated,
        lambda s: assessment_services.child_save(person=s.person, child=None, values={"age": 3}, by=s.hub_worker),
    ),
    "reading_record": (
        _allocated,
        lambda s: assessment_services.reading_record(
            person=s.person,
            definition=registry().get("audit-c"),
            answers={item.id: item.options[0].value for item in registry().get("audit-c").items},
            by=s.hub_worker,
        ),
    ),
    "assessment_escalate": (
        lambda s: (
            _allocated(s),
            assessment_services.assessment_section_save(
                person=s.person, key="risks", values={"triggers": ["psychological"]}, by=s.hub_worker
            ),
        ),
        lambda s: assessment_services.assessment_escalate(person=s.person, by=s.hub_worker),
    ),
    "treatment_referral_escalate": (
        _allocated,
        lambda s: treatment_escalation.treatment_referral_escalate(
            person=s.person, by=s.hub_worker, reason_detail="Worsening psychological wellbeing"
        ),
    ),
    "processing_restrict": (None, None),  # the restriction itself: see the tests below
    # Contacts, engagement, outreach and groups (PLN-3, PLN-4, PLN-6).
    "contact_record": (
        _allocated,
        lambda s: contact_services.contact_record(
            person=s.person, by=s.hub_worker, type="brief_advice", setting="hub", duration_minutes=10
        ),
    ),
    "reengagement_flag_clear": (
        _flagged,
        lambda s: contact_services.reengagement_flag_clear(person=s.person, by=s.hub_worker, at=timezone.now()),
    ),
    "engagement_set_inactive": (
        _allocated,
        lambda s: engagement_services.engagement_set_inactive(person=s.person, by=s.hub_worker, reason="moved_away"),
    ),
    "engagement_reenter": (
        _inactive,
        lambda s: engagement_services.engagement_reenter(person=s.person, by=s.hub_worker),
    ),
    "outreach_contact_link": (
        _met_on_outreach,
        lambda s: outreach_services.outreach_contact_link(contact=s.extra["outreach"], person=s.person, by=s.spoc),
    ),
    "attendance_record": (
        _group_session,
        lambda s: group_services.attendance_record(
            session=s.extra["group_session"], person=s.person, by=s.hub_worker, outcome="attended"
        ),
    ),
    "processing_lift": (None, lambda s: data_rights.processing_lift(person=s.person, by=s.dpo, reason="Resolved")),
    # Safeguarding (issue 11): incidents about a person and notifying the council of them.
    "incident_record": (None, lambda s: _serious_incident(s)),
    "incident_update": (
        lambda s: s.extra.update(incident=_serious_incident(s)),
        lambda s: incident_services.incident_update(record=s.extra["incident"], by=s.lead, learning="Handrails"),
    ),
    "incident_action_add": (
        lambda s: s.extra.update(incident=_serious_incident(s)),
        lambda s: incident_services.incident_action_add(
            incident=s.extra["incident"],
            by=s.lead,
            description="Fit a rail",
            owner="Estates",
            due_on=timezone.localdate(),
        ),
    ),
    "incident_action_done": (
        lambda s: s.extra.update(
            action=incident_services.incident_action_add(
                incident=_serious_incident(s),
                by=s.lead,
                description="Rail",
                owner="Estates",
                due_on=timezone.localdate(),
            )
        ),
        lambda s: incident_services.incident_action_done(action=s.extra["action"], by=s.lead),
    ),
    "notification_raise": (
        None,
        lambda s: notification_services.notification_raise(
            kind="safeguarding", subject=s.person, councils=None, starts_at=timezone.now(), by=s.lead
        ),
    ),
    "notification_mark_sent": (
        lambda s: s.extra.update(
            notification=notification_services.notification_raise(
                kind="safeguarding", subject=s.person, councils=["cumberland"], starts_at=timezone.now(), by=s.lead
            )[0]
        ),
        lambda s: notification_services.notification_mark_sent(
            notification=s.extra["notification"], by=s.lead, sent_at=timezone.now(), sent_how="email"
        ),
    ),
    "notifications_escalate": (
        lambda s: notification_services.notification_raise(
            kind="safeguarding",
            subject=s.person,
            councils=["cumberland"],
            starts_at=timezone.now() - dt.timedelta(days=30),
            by=s.lead,
        ),
        lambda s: notification_services.notifications_escalate(),
    ),
    # Safeguarding goes on under a restriction (SAF-1, Article 18(2)): see ALLOWED.
    "concern_raise": (
        None,
        lambda s: concern_services.concern_raise(
            person=s.person, by=s.lead, category="cuckooing", at_risk="person", risk_level="high", summary="Seen"
        ),
    ),
    "concern_update": (
        _concerned,
        lambda s: concern_services.concern_update(
            concern=s.extra["concern"], by=s.lead, category="neglect", at_risk="person", risk_level="low", summary="x"
        ),
    ),
    "concern_move": (
        _concerned,
        lambda s: concern_services.concern_move(
            concern=s.extra["concern"], by=s.lead, to_status="closed", outcome="early_help"
        ),
    ),
    "concern_council_referral_record": (
        _concerned,
        lambda s: concern_services.concern_council_referral_record(
            concern=s.extra["concern"],
            by=s.lead,
            council="cumberland",
            council_reference="CSC-1",
            referred_on=timezone.localdate(),
        ),
    ),
    "concern_action_add": (
        _concerned,
        lambda s: concern_services.concern_action_add(
            concern=s.extra["concern"], by=s.lead, description="Call", due_on=timezone.localdate(), owner=s.lead
        ),
    ),
    "concern_action_done": (
        _concerned,
        lambda s: concern_services.concern_action_done(action=s.extra["concern_action"], by=s.lead),
    ),
    "concern_meeting_record": (
        _concerned,
        lambda s: concern_services.concern_meeting_record(
            concern=s.extra["concern"],
            by=s.lead,
            kind="strategy",
            held_on=timezone.localdate(),
            attendees="Social worker",
            decisions="Enquiry",
        ),
    ),
    # The chronology is for case conferences and court (§3.15.9): legal claims, see ALLOWED.
    "chronology_mark_save": (
        None,
        lambda s: chronology_services.chronology_mark_save(
            person=s.person, by=s.lead, entry_key="x-1-y", kind="x", event_at=now(), significant=True
        ),
    ),
    "chronology_summary_add": (
        None,
        lambda s: chronology_services.chronology_summary_add(
            person=s.person, by=s.lead, occurred_at=now(), agency="Children's Services", event="Joint visit"
        ),
    ),
    "chronology_export_record": (
        None,
        lambda s: chronology_services.chronology_export_record(
            person=s.person, by=s.lead, period="2026", purpose="Conference", recipient="Cumberland Council"
        ),
    ),
    # Complaints linked to the person (SAF-4).
    "complaint_record": (None, _complained),
    "complaint_update": (
        _complained,
        lambda s: complaint_services.complaint_update(
            complaint=s.extra["complaint"], by=s.spoc_manager, investigation_notes="Spoke to the hub"
        ),
    ),
    "complaint_escalate": (
        _complained,
        lambda s: complaint_services.complaint_escalate(complaint=s.extra["complaint"], by=s.spoc_manager, reason="x"),
    ),
    "complaint_stage_assign": (
        _complained,
        lambda s: complaint_services.complaint_stage_assign(stage=_complaint_stage(s), by=s.spoc_manager, handler=None),
    ),
    "complaint_response_draft": (
        _complained,
        lambda s: complaint_services.complaint_response_draft(stage=_complaint_stage(s), by=s.spoc_manager, text="x"),
    ),
    "complaint_response_approve": (
        lambda s: (_response_drafted(s), s.extra.setdefault("manager2", _second_manager(s))),
        lambda s: complaint_services.complaint_response_approve(stage=_complaint_stage(s), by=s.extra["manager2"]),
    ),
    "complaint_response_send": (
        _response_approved,
        lambda s: complaint_services.complaint_response_send(
            stage=_complaint_stage(s), by=s.spoc_manager, sent_on=timezone.localdate(), how="email"
        ),
    ),
    "complaint_close": (
        _response_sent,
        lambda s: complaint_services.complaint_close(
            complaint=s.extra["complaint"], by=s.spoc_manager, outcome=Complaint.Outcome.UPHELD
        ),
    ),
    "complaint_withdraw": (
        _complained,
        lambda s: complaint_services.complaint_withdraw(complaint=s.extra["complaint"], by=s.spoc_manager, reason="x"),
    ),
}

# The writes restriction must allow, and which exemption lets each through (Art. 18(2)).
ALLOWED = {
    "escalation_record": Exemption.VITAL_INTERESTS,
    "referral_restrict": Exemption.RESTRICTION,
    "consent_withdraw": Exemption.DATA_SUBJECT_REQUEST,
    "subject_access_request_create": Exemption.DATA_SUBJECT_REQUEST,
    "subject_access_generate": Exemption.DATA_SUBJECT_REQUEST,
    "subject_access_retry": Exemption.DATA_SUBJECT_REQUEST,
    "subject_access_give_up": Exemption.DATA_SUBJECT_REQUEST,
    "processing_restrict": Exemption.RESTRICTION,
    "processing_lift": Exemption.RESTRICTION,
    # Safeguarding (Art. 18(2), protecting another person; the council's notification is a duty):
    # incidents, deaths and data-security incidents, and notifying the council of them.
    "incident_record": Exemption.VITAL_INTERESTS,
    "incident_update": Exemption.VITAL_INTERESTS,
    "incident_action_add": Exemption.VITAL_INTERESTS,
    "incident_action_done": Exemption.VITAL_INTERESTS,
    "notification_raise": Exemption.VITAL_INTERESTS,
    "notification_mark_sent": Exemption.VITAL_INTERESTS,
    "notifications_escalate": Exemption.VITAL_INTERESTS,
    # Safeguarding (SAF-1): protecting the person or another person (Article 18(2)).
    "concern_raise": Exemption.VITAL_INTERESTS,
    "concern_update": Exemption.VITAL_INTERESTS,
    "concern_move": Exemption.VITAL_INTERESTS,
    "concern_council_referral_record": Exemption.VITAL_INTERESTS,
    "concern_action_add": Exemption.VITAL_INTERESTS,
    "concern_action_done": Exemption.VITAL_INTERESTS,
    "concern_meeting_record": Exemption.VITAL_INTERESTS,
    # The chronology for a case conference or court (§3.15.9): legal claims (Article 18(2)).
    "chronology_mark_save": Exemption.LEGAL_CLAIMS,
    "chronology_summary_add": Exemption.LEGAL_CLAIMS,
    "chronology_export_record": Exemption.LEGAL_CLAIMS,
}


def _service_names() -> set[str]:
    names = set()
    for module in SERVICE_MODULES:
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                names.add(name)
    return names


def test_every_service_is_covered():
    missing = _service_names() - set(CASES) - set(NOT_WRITES)
    assert not missing, f"Services with no restriction case: {sorted(missing)}"


def _written_rows() -> dict[str, int]:
    """Row counts of every table a write about a person leaves a trace in."""
    counts = {}
    for model in apps.get_models():
        if model.__name__.startswith("Historical") or model in (Disclosure, StatusTransition, Consent):
            counts[model._meta.label] = model.objects.count()
    return counts


@pytest.fixture
def state(
    spoc_practitioner,
    data_protection_officer,
    hub,
    hub_worker,
    manager,
    safeguarding_lead,
    treatment_practitioner,
    treatment_org,
):
    referral = _linked_referral(spoc_practitioner)
    s = State(
        spoc=spoc_practitioner,
        dpo=data_protection_officer,
        hub=hub,
        hub_worker=hub_worker,
        treatment_practitioner=treatment_practitioner,
        treatment_org=treatment_org,
        referral=referral,
        person=referral.person,
    )
    s.spoc_manager = manager
    s.lead = safeguarding_lead
    return s


def _restrict(s: State) -> None:
    data_rights.processing_restrict(person=s.person, by=s.dpo, reason="Accuracy contested")
    s.person.refresh_from_db()
    s.referral.refresh_from_db()
    for obj in s.extra.values():
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()


REFUSED = sorted(name for name, (_p, write) in CASES.items() if write is not None and name not in ALLOWED)


@pytest.mark.parametrize("name", REFUSED)
def test_a_write_about_a_restricted_person_is_refused_and_leaves_no_trace(state, name):
    prepare, write = CASES[name]
    if prepare:
        prepare(state)
    _restrict(state)
    before = _written_rows()
    with pytest.raises(ProcessingRestricted) as error:
        write(state)
    assert error.value.messages == [str(PROCESSING_RESTRICTED)]
    # The referral created by some cases is about nobody yet, so it may exist; nothing about
    # the restricted person may.
    after = _written_rows()
    changed = {label for label in after if after[label] != before[label]}
    assert changed <= {"referrals.HistoricalReferral"}, changed
    assert state.person.history.count() == Person.history.filter(id=state.person.pk).count()


@pytest.mark.parametrize("name", sorted(n for n in ALLOWED if CASES[n][1] is not None))
def test_the_writes_restriction_must_allow_still_happen(state, name):
    prepare, write = CASES[name]
    if prepare:
        prepare(state)
    _restrict(state)
    write(state)  # no ProcessingRestricted


def test_the_dpo_may_correct_a_restricted_persons_details(state):
    _restrict(state)
    services.person_update(person=state.person, by=state.dpo, reason="Verified", phone="07700900111")
    state.person.refresh_from_db()
    assert state.person.phone == "07700900111"


def test_the_restriction_is_read_from_the_database_not_the_callers_copy(state):
    stale = Referral.objects.get(pk=state.referral.pk)
    _restrict(state)
    with pytest.raises(ProcessingRestricted):
        allocation_services.referral_close(referral=stale, by=state.spoc, reason="Stale copy")


def test_audited_save_names_the_user_and_reason(state):
    person = state.person
    person.preferred_name = "Ada R"
    audited_save(person, by=state.spoc, reason="Preferred name" + "!" * 200, person_id=person.pk)
    latest = person.history.latest()
    assert latest.history_user == state.spoc
    assert latest.history_change_reason == ("Preferred name" + "!" * 200)[:100]


def test_an_exemption_lets_a_write_through_and_no_exemption_does_not(state):
    _restrict(state)
    person = state.person
    with pytest.raises(ProcessingRestricted):
        audited_save(person, by=state.dpo, reason="x", person_id=person.pk)
    audited_save(person, by=state.dpo, reason="x", person_id=person.pk, exemption=Exemption.LEGAL_CLAIMS)
