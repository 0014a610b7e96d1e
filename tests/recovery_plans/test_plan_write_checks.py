"""Every change to a plan or one of its parts starts with the same checks, in the same order
(``recovery_plans.services.plans._plan_write_check``): who acts may write this person's plan
(else PermissionDenied, before anything about the plan is revealed), then the plan is the
current one (a replaced plan stays readable, never changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from recovery_plans.models import PlanAction, PlanGoal
from recovery_plans.services import plans as services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate

WRITES = {
    "plan_agreement_record": lambda plan, by: services.plan_agreement_record(
        plan=plan, by=by, agreed_by_person=False, review_due=TODAY() + dt.timedelta(days=28)
    ),
    "plan_goal_add": lambda plan, by: services.plan_goal_add(plan=plan, by=by, in_own_words="Back to work"),
    "plan_goal_achieve": lambda plan, by: services.plan_goal_achieve(goal=PlanGoal.objects.get(plan=plan), by=by),
    "plan_need_add": lambda plan, by: services.plan_need_add(plan=plan, by=by, area="housing", description="A flat"),
    "plan_risk_add": lambda plan, by: services.plan_risk_add(plan=plan, by=by, description="Falls", mitigation="Rails"),
    "plan_action_add": lambda plan, by: services.plan_action_add(
        plan=plan, by=by, description="Call", owner=PlanAction.Owner.PERSON, target_date=TODAY()
    ),
    "plan_action_done": lambda plan, by: services.plan_action_done(action=PlanAction.objects.get(plan=plan), by=by),
    "plan_review_record": lambda plan, by: services.plan_review_record(
        plan=plan,
        by=by,
        reviewed_on=TODAY(),
        what_changed="Less",
        goals_progress="Good",
        next_review=TODAY() + dt.timedelta(days=30),
    ),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_to_a_plan_refuses_a_replaced_one(plan, hub_worker, name):
    services.plan_create(person=plan.person, by=hub_worker, review_due=TODAY() + dt.timedelta(days=28))
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        WRITES[name](plan, hub_worker)
    assert error.value.code == "plan_not_current"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_to_a_plan_refuses_someone_without_the_person_first(plan, hub_worker, other_hub_worker, name):
    services.plan_create(person=plan.person, by=hub_worker, review_due=TODAY() + dt.timedelta(days=28))
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied):  # not "replaced": nothing about the plan is told
        WRITES[name](plan, other_hub_worker)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_every_write_to_a_current_plan_goes_through(plan, hub_worker, name):
    WRITES[name](plan, hub_worker)
