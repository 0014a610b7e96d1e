"""Recovery plans and the directory of local services in the demo (PLN-1, PLN-2, PLN-5).

A handful of directory entries, and for the first few people on the demo hub worker's caseload
a co-produced plan: goals in their own words, a need, a risk, actions owned by the worker, a
partner agency and the person, and (for one) a review, a goal achieved and the review prompt it
raised. Everything goes through the services, and a second run adds nothing: an entry is
looked up by name and a person who already has a plan is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from recovery_plans.models import DirectoryEntry, PlanAction, RecoveryPlan
from recovery_plans.services import directory as directory_services
from recovery_plans.services import plans as plan_services
from referrals.models import Referral

DIRECTORY = (
    (
        "Carlisle Recovery Café (demo)",
        DirectoryEntry.Kind.ACTIVITY,
        "A drop-in café run by people in recovery, Thursday evenings.",
        "Warwick Road, Carlisle",
        "cumberland",
    ),
    (
        "SMART Recovery Carlisle (demo)",
        DirectoryEntry.Kind.MUTUAL_AID,
        "Weekly mutual aid meeting using SMART tools.",
        "smart@example.org",
        "cumberland",
    ),
    (
        "Step Ahead Employment (demo)",
        DirectoryEntry.Kind.EMPLOYMENT,
        "CV help, interview practice and volunteering placements.",
        "01228 000 000",
        "cumberland",
    ),
    (
        "Kendal Housing Advice (demo)",
        DirectoryEntry.Kind.HOUSING,
        "Housing options, tenancy support and homelessness prevention.",
        "01539 000 000",
        "westmorland_furness",
    ),
    (
        "Citizens Advice Cumbria (demo)",
        DirectoryEntry.Kind.MONEY,
        "Benefits, debt and money advice.",
        "0800 000 0000",
        "",
    ),
)
GOALS = (
    "I want to see my kids every weekend",
    "I want to cut down to drinking only at weekends",
    "I'd like to get back into work, maybe volunteering first",
)
PEOPLE_WITH_PLANS = 3


class DemoPlans:
    def __init__(self, *, manager, worker):
        self.manager, self.worker = manager, worker

    def run(self) -> int:
        """Returns how many plans were started now."""
        entries = [self._entry(*row) for row in DIRECTORY]
        people = [
            referral.person
            for referral in Referral.objects.filter(allocated_worker=self.worker, person__isnull=False)
            .select_related("person")
            .order_by("allocated_at", "pk")[:PEOPLE_WITH_PLANS]
        ]
        started = 0
        for index, person in enumerate(people):
            if RecoveryPlan.objects.filter(person=person).exists():
                continue
            self._plan(person, index, entries)
            started += 1
        return started

    def _entry(self, name, kind, offer, contact, council) -> DirectoryEntry:
        entry = DirectoryEntry.objects.filter(name=name).first()
        if entry is None:
            entry = directory_services.directory_entry_create(
                by=self.manager, name=name, kind=kind, offer=offer, contact=contact, council=council
            )
        return entry

    def _plan(self, person, index: int, entries) -> None:
        today, worker = timezone.localdate(), self.worker
        # The first person's review is overdue, so the home page and plan page show it.
        review_due = today - dt.timedelta(days=3) if index == 0 else today + dt.timedelta(days=21 + 7 * index)
        plan = plan_services.plan_create(
            person=person,
            by=worker,
            review_due=review_due,
            started_on=today - dt.timedelta(days=60),
        )
        plan_services.plan_agreement_record(
            plan=plan,
            by=worker,
            agreed_by_person=True,
            agreed_how=RecoveryPlan.Agreement.IN_PERSON_SIGNED,
            agreed_on=plan.started_on,
            review_due=plan.review_due,
        )
        goals = [
            plan_services.plan_goal_add(plan=plan, by=worker, in_own_words=GOALS[(index + n) % len(GOALS)])
            for n in range(2)
        ]
        plan_services.plan_need_add(
            plan=plan, by=worker, area="housing", description="Somewhere settled to live", support="Housing advice"
        )
        plan_services.plan_risk_add(
            plan=plan,
            by=worker,
            description="Lower tolerance after a break from using",
            mitigation="Naloxone kit supplied; overdose awareness talked through",
        )
        plan_services.plan_action_add(
            plan=plan,
            by=worker,
            goal=goals[0],
            description="Weekly check-in at the hub",
            owner=PlanAction.Owner.WORKER,
            owner_worker=worker,
            target_date=today + dt.timedelta(days=7),
        )
        plan_services.plan_action_add(
            plan=plan,
            by=worker,
            goal=goals[1],
            description="Go along to a session with a peer supporter",
            owner=PlanAction.Owner.PARTNER,
            owner_partner=entries[index % len(entries)],
            target_date=today - dt.timedelta(days=2),
        )
        done = plan_services.plan_action_add(
            plan=plan,
            by=worker,
            description="Register with a GP",
            owner=PlanAction.Owner.PERSON,
            target_date=today - dt.timedelta(days=30),
        )
        plan_services.plan_action_done(action=done, by=worker, done_on=today - dt.timedelta(days=28))
        if index == 1:
            plan_services.plan_review_record(
                plan=plan,
                by=worker,
                reviewed_on=today - dt.timedelta(days=10),
                what_changed="Moved into a supported flat",
                goals_progress="Going to the café every week",
                next_review=plan.review_due,
            )
            plan_services.plan_goal_achieve(goal=goals[0], by=worker)
