"""Recovery plans in the subject access export (PAR-6) and the handover export (PAR-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recovery_plans.models import PlanAction, PlanGoal, PlanNeed, PlanReview, PlanRisk, RecoveryPlan, ReviewPrompt
from recovery_plans.services import directory as directory_services
from recovery_plans.services import plans as services
from referrals.data_rights import records_export as rx
from referrals.data_rights import records_import as rxi
from referrals.data_rights.subject_access import build_document
from referrals.models import Person
from tests.referrals.test_records_export import comparable, rezip, wipe_people

pytestmark = pytest.mark.django_db

PLAN_LABELS = (
    "recovery_plans.recoveryplan",
    "recovery_plans.plangoal",
    "recovery_plans.planneed",
    "recovery_plans.planrisk",
    "recovery_plans.planaction",
    "recovery_plans.planreview",
    "recovery_plans.reviewprompt",
)


@pytest.fixture
def full_plan(plan, hub_worker, manager):
    entry = directory_services.directory_entry_create(by=manager, name="Step Ahead", kind="employment", offer="CVs")
    services.plan_action_add(
        plan=plan,
        by=hub_worker,
        description="CV workshop",
        owner="partner",
        owner_partner=entry,
        target_date=timezone.localdate(),
    )
    services.plan_goal_achieve(goal=plan.goals.get(), by=hub_worker)
    services.plan_review_record(
        plan=plan,
        by=hub_worker,
        reviewed_on=timezone.localdate(),
        what_changed="Moved",
        goals_progress="Good",
        next_review=timezone.localdate() + dt.timedelta(days=30),
    )
    return plan


def test_the_subject_access_export_holds_every_plan_record_risks_included(full_plan, person, data_protection_officer):
    document = build_document(person=person, generated_by=data_protection_officer)
    sections = {section["key"]: section for section in document["sections"]}
    for key in (
        "recovery_plans",
        "plan_goals",
        "plan_needs",
        "plan_risks",
        "plan_actions",
        "plan_reviews",
        "review_prompts",
    ):
        assert sections[key]["records"], key
    assert "RISK-TEXT" in str(sections["plan_risks"]["records"])


def test_a_plan_travels_in_the_handover_export_and_comes_back_exactly(full_plan, person, data_protection_officer):
    before, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    for label in PLAN_LABELS:
        assert before["records"][label], label
    # The partner agency travels by name: the receiving service has its own directory.
    actions = before["records"]["recovery_plans.planaction"]
    assert all("owner_partner" not in row["fields"] for row in actions)
    assert "Step Ahead" in {row["fields"]["owner_name"] for row in actions}

    for model in (ReviewPrompt, PlanReview, PlanAction, PlanGoal, PlanNeed, PlanRisk, RecoveryPlan):
        model.objects.all().delete()
    wipe_people()
    rxi.records_import(source=rezip(before), by=data_protection_officer)

    again, _ = rxi.read_zip(rx.records_export(by=data_protection_officer).content)
    assert comparable(again) == comparable(before)
    imported = RecoveryPlan.objects.get(person=Person.objects.get(reference=person.reference))
    assert imported.actions.get(owner="partner").owner_partner is None
    assert imported.reviews.get().prompts_answered.get().trigger == ReviewPrompt.Trigger.GOAL_COMPLETED
