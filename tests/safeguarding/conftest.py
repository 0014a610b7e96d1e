"""People on a caseload reached through the services (allocation makes the grants real), a child
in the household recorded in the assessment, and concerns raised through the service."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from assessments.services import child_save
from referrals.models import Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from safeguarding.alerts import live_alerts_known_empty
from safeguarding.models import Concern
from safeguarding.services_concerns import concern_raise
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
def child(person, hub_worker):
    return child_save(person=person, child=None, values={"age": 6}, by=hub_worker)


def raise_concern(person, by, **overrides) -> Concern:
    values = {
        "category": Concern.Category.NEGLECT,
        "at_risk": Concern.AtRisk.PERSON,
        "risk_level": Concern.RiskLevel.MEDIUM,
        "summary": "SUMMARY-TEXT Found without food or heating on a home visit",
    }
    values.update(overrides)
    return concern_raise(person=person, by=by, **values)


@pytest.fixture
def concern(person, hub_worker):
    return raise_concern(person, hub_worker)


# The drug-alert banner and the public forms' rate limit keep state in the cache and in memory,
# which outlive each test's database transaction: every test here starts and ends with an empty
# cache and no live alert known, so no alert of one test shows in another.
@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    live_alerts_known_empty()
    yield
    cache.clear()
    live_alerts_known_empty()
