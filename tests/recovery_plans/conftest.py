"""People on a caseload, reached through the services (allocation makes the grants real), and a plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recovery_plans.models import PlanAction
from recovery_plans.services import plans as plan_services
from referrals.models import Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory


def allocated_person(*, spoc, hub, worker, given="Morwenna", family="Trevithick"):
    referral = ReferralFactory(subject_given_name=given, subject_family_name=family)
    person = services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.triage_save_screening(referral=referral, by=spoc, council_of_residence="cumberland")
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    person.refresh_from_db()
    return person


@pytest.fixture
def person(spoc_practitioner, hub, hub_worker):
    return allocated_person(spoc=spoc_practitioner, hub=hub, worker=hub_worker)


@pytest.fixture
def plan(person, hub_worker):
    today = timezone.localdate()
    plan = plan_services.plan_create(person=person, by=hub_worker, review_due=today + dt.timedelta(days=28))
    plan_services.plan_goal_add(plan=plan, by=hub_worker, in_own_words="I want to see my kids every weekend")
    plan_services.plan_need_add(plan=plan, by=hub_worker, area="housing", description="Somewhere settled to live")
    plan_services.plan_risk_add(
        plan=plan, by=hub_worker, description="RISK-TEXT overdose after release", mitigation="Naloxone kit"
    )
    plan_services.plan_action_add(
        plan=plan, by=hub_worker, description="Call the housing team", owner=PlanAction.Owner.PERSON, target_date=today
    )
    return plan


@pytest.fixture
def peer_person(spoc_practitioner, hub, peer_worker):
    """Someone allocated to the peer worker in Carlisle."""
    return allocated_person(spoc=spoc_practitioner, hub=hub, worker=peer_worker, given="Ceri", family="Pendragon")
