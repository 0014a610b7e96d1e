"""Reads for recovery plans, always scoped to the user asking (CONVENTIONS: selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from partnership.access import may_see, membership_of, sees_recovery_plans
from partnership.models import Role
from recovery_plans.models import PlanAction, PlanGoal, PlanReview, RecoveryPlan, ReviewPrompt
from referrals.models import Person, Referral
from referrals.selectors.referrals import people_visible_to, person_get_for

# How far ahead the home page looks for reviews and actions coming up.
DUE_SOON_DAYS = 14


def plan_people_for(*, user) -> QuerySet[Person]:
    """People whose plans ``user`` may read: their caseload's (the same grants as every
    person page); a manager only their own hub's casework, not every hub's front door."""
    if not sees_recovery_plans(user):
        return Person.objects.none()
    people = people_visible_to(user=user)
    membership = membership_of(user)
    if membership.role == Role.MANAGER:
        in_hub = Referral.objects.filter(person=OuterRef("pk"), hub_id=membership.hub_id)
        people = people.filter(Exists(in_hub))
    return people


def caseload_people_for(*, user) -> QuerySet[Person]:
    """The home page's reach: a worker's own caseload, a manager's hub."""
    people = plan_people_for(user=user)
    membership = membership_of(user)
    if membership is not None and membership.role != Role.MANAGER:
        people = people.filter(Exists(Referral.objects.filter(person=OuterRef("pk"), allocated_worker_id=user.pk)))
    return people


def plan_person_get(*, user, person_ref: str, purpose: str) -> Person:
    """The person, for a plan page: 403 for a role that never reads plans, 404 (as if they did
    not exist) for a person who is not theirs; writes the access-log row (SEC-2)."""
    if not sees_recovery_plans(user):
        raise PermissionDenied
    if not plan_people_for(user=user).filter(reference=person_ref).exists():
        raise Http404
    return person_get_for(user=user, reference=person_ref, purpose=purpose)


@dataclass
class PlanPage:
    plan: RecoveryPlan | None
    goals: list = field(default_factory=list)
    needs: list = field(default_factory=list)
    risks: list | None = None  # None: the user may not see risks
    actions: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    prompts: list = field(default_factory=list)
    earlier_plans: list = field(default_factory=list)
    review_overdue: bool = False
    sees_prompt_detail: bool = False


def _with_versions(rows: list, model) -> list:
    """Each row's version (its latest history id, SEC-5) for the buttons that change it, in
    one query for them all."""
    if rows:
        latest = dict(
            model.history.model.objects.filter(id__in=[row.pk for row in rows])
            .values("id")
            .annotate(latest=Max("history_id"))
            .values_list("id", "latest")
        )
        for row in rows:
            row.version = latest.get(row.pk, 0)
    return rows


def _plan_with_parts(queryset: QuerySet[RecoveryPlan], *, user) -> RecoveryPlan | None:
    prefetches = [
        "goals",
        "needs",
        Prefetch("actions", queryset=PlanAction.objects.select_related("owner_worker", "owner_partner", "goal")),
        Prefetch("reviews", queryset=PlanReview.objects.select_related("reviewed_by")),
    ]
    if may_see(user, "recovery_plans.planrisk"):
        prefetches.append("risks")
    return queryset.select_related("created_by").prefetch_related(*prefetches).first()


def plan_page_for(*, user, person: Person, plan_pk: int | None = None) -> PlanPage:
    """The current plan (or, given ``plan_pk``, one of the person's earlier plans) with its
    goals, needs, risks (when the user may see them), actions, reviews and open prompts, in a
    fixed number of queries however long the plan."""
    plans = RecoveryPlan.objects.filter(person=person)
    if plan_pk is None:
        plan = _plan_with_parts(plans.filter(status=RecoveryPlan.Status.CURRENT), user=user)
    else:
        plan = _plan_with_parts(plans.filter(pk=plan_pk), user=user)
        if plan is None:
            raise Http404
    page = PlanPage(plan=plan)
    page.earlier_plans = list(plans.filter(status=RecoveryPlan.Status.REPLACED).order_by("-started_on", "-pk"))
    page.prompts = list(open_prompts(person=person))
    page.sees_prompt_detail = may_see(user, "recovery_plans.reviewprompt", "detail")
    if plan is None:
        return page
    page.goals = _with_versions(list(plan.goals.all()), PlanGoal)
    page.needs = list(plan.needs.all())
    page.risks = list(plan.risks.all()) if may_see(user, "recovery_plans.planrisk") else None
    page.actions = _with_versions(list(plan.actions.all()), PlanAction)
    page.reviews = list(plan.reviews.all())
    page.review_overdue = plan.status == RecoveryPlan.Status.CURRENT and plan.review_due < timezone.localdate()
    return page


def open_prompts(*, person: Person) -> QuerySet[ReviewPrompt]:
    return ReviewPrompt.objects.filter(person=person, answered_at__isnull=True).order_by("-raised_at", "-pk")


def current_plan_of(*, person: Person) -> RecoveryPlan | None:
    return RecoveryPlan.objects.filter(person=person, status=RecoveryPlan.Status.CURRENT).first()


def staff_to_own_actions(*, person: Person):
    """Members of staff an action can be given to: those working with the person's referrals'
    hubs (hub workers, peer workers and managers there)."""
    from django.contrib.auth import get_user_model

    hub_ids = Referral.objects.filter(person=person, hub__isnull=False).values("hub_id")
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__hub_id__in=hub_ids,
            membership__role__in=[Role.HUB_WORKER, Role.PEER_WORKER, Role.MANAGER],
        )
        .order_by("first_name", "last_name", "username")
    )


def reviews_due_for(*, user, limit: int) -> QuerySet[RecoveryPlan]:
    """Current plans on the user's caseload whose review is due within ``DUE_SOON_DAYS`` or
    overdue, or prompted by a §3.4.2 trigger and not yet reviewed (PLN-2: visible to the
    worker and manager; ``prompted`` says which), prompted first, then soonest; one query."""
    soon = timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS)
    prompted = ReviewPrompt.objects.filter(person=OuterRef("person_id"), answered_at__isnull=True)
    return (
        RecoveryPlan.objects.filter(status=RecoveryPlan.Status.CURRENT, person__in=caseload_people_for(user=user))
        .annotate(prompted=Exists(prompted))
        .filter(Q(review_due__lte=soon) | Q(prompted=True))
        .select_related("person")
        .order_by("-prompted", "review_due", "pk")[:limit]
    )


def actions_due_for(*, user, limit: int) -> QuerySet[PlanAction]:
    """Open actions on current plans on the user's caseload due within ``DUE_SOON_DAYS`` or
    past their target date, soonest first; one query."""
    soon = timezone.localdate() + dt.timedelta(days=DUE_SOON_DAYS)
    return (
        PlanAction.objects.filter(
            done_on__isnull=True,
            target_date__lte=soon,
            plan__status=RecoveryPlan.Status.CURRENT,
            plan__person__in=caseload_people_for(user=user),
        )
        .select_related("plan__person")
        .order_by("target_date", "pk")[:limit]
    )
