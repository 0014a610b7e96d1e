"""Writes for recovery plans and their reviews (PLN-1, PLN-2). Every write checks who acts and
goes through the one audited write, so history names them and a restricted person's plan is
never changed (PAR-6)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import (
    Exemption,
    ExpectedVersion,
    audited_create,
    audited_save,
    processing_allowed_check,
    version_check,
)
from partnership.access import can_write_recovery_plans
from recovery_plans.models import (
    DirectoryEntry,
    PlanAction,
    PlanGoal,
    PlanNeed,
    PlanReview,
    PlanRisk,
    RecoveryPlan,
    ReviewPrompt,
)
from recovery_plans.selectors.plans import current_plan_of, open_prompts, plan_people_for, staff_to_own_actions

PLAN_NOT_CURRENT = _("This plan has been replaced by a newer one, so it can no longer be changed")
REVIEW_BEFORE_START = _("The review date must be on or after the day the plan started")
NEXT_REVIEW_NOT_AFTER = _("The next review must be after the date of this review")
DATE_IN_FUTURE = _("The date must be today or in the past")
AGREEMENT_NEEDS_HOW = _("Select how the person agreed to their plan")
AGREEMENT_NEEDS_DATE = _("Enter the date the person agreed to their plan")
OWNER_WORKER_REQUIRED = _("Select the member of staff who will do this")
OWNER_PARTNER_REQUIRED = _("Select the partner agency that will do this")
OWNER_WORKER_NOT_HERE = _("Select a member of staff who works in the person's hub")
OWNER_PARTNER_INACTIVE = _("Select a partner agency that is still in the directory")
GOAL_NOT_ON_PLAN = _("Select one of this plan's goals")
ALREADY_ACHIEVED = _("This goal is already recorded as achieved")
ALREADY_DONE = _("This action is already recorded as done")


def _check_may_write(*, by, person) -> None:
    """Hub workers and managers whose caseload the person is on; anyone else is refused."""
    if not can_write_recovery_plans(by) or not plan_people_for(user=by).filter(pk=person.pk).exists():
        raise PermissionDenied


def _check_current(plan: RecoveryPlan) -> None:
    if plan.status != RecoveryPlan.Status.CURRENT:
        raise ValidationError(PLAN_NOT_CURRENT, code="plan_not_current")


def _check_past(value: dt.date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: DATE_IN_FUTURE}, code="in_future")


@transaction.atomic
def plan_create(*, person, by, review_due: dt.date, started_on: dt.date | None = None) -> RecoveryPlan:
    """A new current plan for ``person``. A current plan already there is replaced, and stays
    readable as an earlier plan."""
    _check_may_write(by=by, person=person)
    processing_allowed_check(person_id=person.pk)
    started_on = started_on or timezone.localdate()
    _check_past(started_on, "started_on")
    if review_due < started_on:
        raise ValidationError({"review_due": REVIEW_BEFORE_START}, code="review_before_start")
    old = RecoveryPlan.objects.select_for_update().filter(person=person, status=RecoveryPlan.Status.CURRENT).first()
    if old is not None:
        old.status = RecoveryPlan.Status.REPLACED
        old.replaced_at = timezone.now()
        audited_save(old, by=by, reason="Replaced by a new plan", person_id=person.pk)
    return audited_create(
        RecoveryPlan,
        by=by,
        reason="Plan started",
        person_id=person.pk,
        person=person,
        started_on=started_on,
        review_due=review_due,
        replaces=old,
        created_by=by,
    )


@transaction.atomic
def plan_agreement_record(
    *,
    plan: RecoveryPlan,
    by,
    agreed_by_person: bool,
    agreed_how: str = "",
    agreed_on: dt.date | None = None,
    review_due: dt.date,
    expected_version: ExpectedVersion | None = None,
) -> RecoveryPlan:
    """PLN-1 co-production: whether and how the person agreed to their plan; and when it is
    next reviewed (PLN-2)."""
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    if agreed_by_person and not agreed_how:
        raise ValidationError({"agreed_how": AGREEMENT_NEEDS_HOW}, code="agreement_how")
    if agreed_by_person and agreed_on is None:
        raise ValidationError({"agreed_on": AGREEMENT_NEEDS_DATE}, code="agreement_date")
    _check_past(agreed_on, "agreed_on")
    if review_due < plan.started_on:
        raise ValidationError({"review_due": REVIEW_BEFORE_START}, code="review_before_start")
    plan.agreed_by_person = agreed_by_person
    plan.agreed_how = agreed_how if agreed_by_person else ""
    plan.agreed_on = agreed_on if agreed_by_person else None
    plan.review_due = review_due
    audited_save(
        plan, by=by, reason="Agreement and review date", person_id=plan.person_id, expected_version=expected_version
    )
    return plan


def plan_goal_add(*, plan: RecoveryPlan, by, in_own_words: str) -> PlanGoal:
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    return audited_create(
        PlanGoal, by=by, reason="Goal added", person_id=plan.person_id, plan=plan, in_own_words=in_own_words
    )


@transaction.atomic
def plan_goal_achieve(
    *, goal: PlanGoal, by, achieved_on: dt.date | None = None, expected_version: ExpectedVersion | None = None
) -> PlanGoal:
    """A goal achieved: recorded, and a review prompted (PLN-2, §3.4.2: goal completion)."""
    plan = goal.plan
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    version_check(goal, expected_version)
    if goal.status == PlanGoal.Status.ACHIEVED:
        raise ValidationError(ALREADY_ACHIEVED, code="already_achieved")
    achieved_on = achieved_on or timezone.localdate()
    _check_past(achieved_on, "achieved_on")
    goal.status = PlanGoal.Status.ACHIEVED
    goal.achieved_on = achieved_on
    goal.achieved_at = timezone.now()
    audited_save(goal, by=by, reason="Goal achieved", person_id=plan.person_id)
    review_prompt_raise(
        person=plan.person, trigger=ReviewPrompt.Trigger.GOAL_COMPLETED, by=by, detail=goal.in_own_words[:500]
    )
    return goal


def plan_need_add(*, plan: RecoveryPlan, by, area: str, description: str, support: str = "") -> PlanNeed:
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    return audited_create(
        PlanNeed,
        by=by,
        reason="Need added",
        person_id=plan.person_id,
        plan=plan,
        area=area,
        description=description,
        support=support,
    )


def plan_risk_add(*, plan: RecoveryPlan, by, description: str, mitigation: str) -> PlanRisk:
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    return audited_create(
        PlanRisk,
        by=by,
        reason="Risk added",
        person_id=plan.person_id,
        plan=plan,
        description=description,
        mitigation=mitigation,
    )


def plan_action_add(
    *,
    plan: RecoveryPlan,
    by,
    description: str,
    owner: str,
    target_date: dt.date,
    owner_worker=None,
    owner_partner: DirectoryEntry | None = None,
    goal: PlanGoal | None = None,
) -> PlanAction:
    """An action with exactly one owner (PLN-1): a member of staff in the person's hub, an
    active partner agency from the directory (PLN-5), or the person."""
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    owner_name = ""
    if owner == PlanAction.Owner.WORKER:
        if owner_worker is None:
            raise ValidationError({"owner_worker": OWNER_WORKER_REQUIRED}, code="owner_required")
        if not staff_to_own_actions(person=plan.person).filter(pk=owner_worker.pk).exists():
            raise ValidationError({"owner_worker": OWNER_WORKER_NOT_HERE}, code="owner_not_here")
        owner_name = owner_worker.get_full_name() or owner_worker.username
        owner_partner = None
    elif owner == PlanAction.Owner.PARTNER:
        if owner_partner is None:
            raise ValidationError({"owner_partner": OWNER_PARTNER_REQUIRED}, code="owner_required")
        if not owner_partner.active:
            raise ValidationError({"owner_partner": OWNER_PARTNER_INACTIVE}, code="owner_inactive")
        owner_name = owner_partner.name
        owner_worker = None
    else:
        owner_worker = owner_partner = None
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"goal": GOAL_NOT_ON_PLAN}, code="goal_not_on_plan")
    return audited_create(
        PlanAction,
        by=by,
        reason="Action added",
        person_id=plan.person_id,
        plan=plan,
        goal=goal,
        description=description,
        owner=owner,
        owner_worker=owner_worker,
        owner_partner=owner_partner,
        owner_name=owner_name,
        target_date=target_date,
    )


@transaction.atomic
def plan_action_done(
    *, action: PlanAction, by, done_on: dt.date | None = None, expected_version: ExpectedVersion | None = None
) -> PlanAction:
    plan = action.plan
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    version_check(action, expected_version)
    if action.done_on is not None:
        raise ValidationError(ALREADY_DONE, code="already_done")
    done_on = done_on or timezone.localdate()
    _check_past(done_on, "done_on")
    action.done_on = done_on
    action.done_at = timezone.now()
    audited_save(action, by=by, reason="Action done", person_id=plan.person_id)
    return action


@transaction.atomic
def plan_review_record(
    *,
    plan: RecoveryPlan,
    by,
    reviewed_on: dt.date,
    what_changed: str,
    goals_progress: str,
    next_review: dt.date,
) -> PlanReview:
    """PLN-2: a review of the current plan. It sets the plan's next review date and answers
    every open review prompt for the person."""
    _check_may_write(by=by, person=plan.person)
    _check_current(plan)
    _check_past(reviewed_on, "reviewed_on")
    if next_review <= reviewed_on:
        raise ValidationError({"next_review": NEXT_REVIEW_NOT_AFTER}, code="next_review")
    review = audited_create(
        PlanReview,
        by=by,
        reason="Plan reviewed",
        person_id=plan.person_id,
        plan=plan,
        reviewed_on=reviewed_on,
        what_changed=what_changed,
        goals_progress=goals_progress,
        next_review=next_review,
        reviewed_by=by,
    )
    plan.review_due = next_review
    audited_save(plan, by=by, reason="Plan reviewed", person_id=plan.person_id)
    now = timezone.now()
    for prompt in open_prompts(person=plan.person).select_for_update():
        prompt.answered_by_review = review
        prompt.answered_at = now
        audited_save(prompt, by=by, reason="Answered by a review", person_id=plan.person_id)
    return review


def review_prompt_raise(
    *, person, trigger: str, by, detail: str = "", exemption: Exemption | None = None
) -> ReviewPrompt:
    """PLN-2, §3.4.2: something that should bring a plan review forward happened. Other apps
    call this from their own services (which have checked their own permissions): a
    reassessment, missed appointments or disengagement, a safeguarding alert, information from
    a partner; achieving a goal calls it here. ``by`` is None for a background job; a caller
    writing under a restriction exemption (a safeguarding alert: ``VITAL_INTERESTS``) passes it
    on. The prompt shows on the plan page until a review is recorded.

    Safe to call again (a nightly job, a task delivered twice): while a prompt with the same
    trigger and detail is open, that prompt is returned and no other is made."""
    if trigger not in ReviewPrompt.Trigger.values:
        raise ValueError(f"Unknown review trigger {trigger!r}")
    detail = (detail or "")[:500]
    processing_allowed_check(person_id=person.pk, exemption=exemption)
    existing = open_prompts(person=person).filter(trigger=trigger, detail=detail).first()
    if existing is not None:
        return existing
    return audited_create(
        ReviewPrompt,
        by=by,
        reason="Review prompted",
        person_id=person.pk,
        exemption=exemption,
        person=person,
        trigger=trigger,
        detail=detail,
        raised_at=timezone.now(),
        raised_by=by,
    )


def review_trigger_handle(
    *, person, trigger: str, by, detail: str = "", exemption: Exemption | None = None
) -> ReviewPrompt | None:
    """What ``referrals.review_triggers.review_trigger_fire`` calls (registered in
    ``recovery_plans.apps``), and what this app's own triggers (disengagement) call: a review
    prompt, but only for a person with a current plan. Without one there is no review to bring
    forward, and a prompt would wait unseen (the plan page shows prompts on the current plan)
    to greet a plan written months later for reasons long past. None: no current plan."""
    if current_plan_of(person=person) is None:
        return None
    return review_prompt_raise(person=person, trigger=trigger, by=by, detail=detail, exemption=exemption)
