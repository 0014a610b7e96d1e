"""What recovery plans add to the person record (issue 9 contract): the plan tab, plan
events on the timeline (PLN-7) and the home page's review and action panels (PLN-2)."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, F, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from partnership.access import reads_whole_record_for_chronology, sees_recovery_plans
from recovery_plans.models import PlanAction, PlanGoal, PlanReview, RecoveryPlan
from recovery_plans.selectors.plans import actions_due_for, reviews_due_for

KIND_LABELS = {
    "plan_started": gettext_lazy("Recovery plan started"),
    "plan_changed": gettext_lazy("Recovery plan changed"),
    "plan_review": gettext_lazy("Recovery plan reviewed"),
    "goal_achieved": gettext_lazy("Goal achieved"),
    "action_done": gettext_lazy("Plan action done"),
}


def _plan_url(reference: str) -> str:
    return reverse("recovery_plans:overview", kwargs={"person_ref": reference})


def _by(prefix: str):
    return Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name"), output_field=CharField())


def events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    """Plan events newest first, in one query (a UNION of the plan tables)."""
    if not (sees_recovery_plans(user) or reads_whole_record_for_chronology(user)):
        return []
    text = CharField()

    def part(queryset, at: str, kind: str, summary, by):
        return (
            queryset.annotate(
                event_at=F(at), event_kind=Value(kind, output_field=text), event_summary=summary, event_by=by
            )
            .order_by()
            .values_list("event_at", "event_kind", "event_summary", "event_by")
        )

    blank = Value("", output_field=text)
    parts = [
        part(RecoveryPlan.objects.filter(person=person), "created_at", "plan_started", blank, _by("created_by__")),
        part(
            RecoveryPlan.history.model.objects.filter(person_id=person.pk, history_type="~"),
            "history_date",
            "plan_changed",
            F("history_change_reason"),
            _by("history_user__"),
        ),
        part(
            PlanReview.objects.filter(plan__person=person),
            "recorded_at",
            "plan_review",
            F("what_changed"),
            _by("reviewed_by__"),
        ),
        part(
            PlanGoal.objects.filter(plan__person=person, achieved_at__isnull=False),
            "achieved_at",
            "goal_achieved",
            F("in_own_words"),
            blank,
        ),
        part(
            PlanAction.objects.filter(plan__person=person, done_at__isnull=False),
            "done_at",
            "action_done",
            F("description"),
            blank,
        ),
    ]
    if before is not None:
        parts = [p.filter(event_at__lt=before).order_by() for p in parts]
    rows = parts[0].union(*parts[1:], all=True).order_by("-event_at")[:limit]
    href = _plan_url(person.reference)
    return [
        {
            "at": when if timezone.is_aware(when) else timezone.make_aware(when),
            "kind": kind,
            "kind_label": str(KIND_LABELS[kind]),
            "title": str(KIND_LABELS[kind]),
            "summary": (summary or "")[:200],
            "by": (by or "").strip(),
            "href": href,
            "sensitive": False,
        }
        for when, kind, summary, by in rows
    ]


def review_rows(*, user, limit: int) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "person_ref": plan.person.reference,
            "name": plan.person.full_name,
            "text": str(gettext_lazy("Plan review prompted") if plan.prompted else gettext_lazy("Plan review")),
            "due": plan.review_due,
            "href": _plan_url(plan.person.reference),
            "overdue": plan.review_due < today,
        }
        for plan in reviews_due_for(user=user, limit=limit)
    ]


def action_rows(*, user, limit: int) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "person_ref": action.plan.person.reference,
            "name": action.plan.person.full_name,
            "text": action.description[:120],
            "due": action.target_date,
            "href": _plan_url(action.plan.person.reference),
            "overdue": action.target_date < today,
        }
        for action in actions_due_for(user=user, limit=limit)
    ]


TABS = [
    {
        "key": "plan",
        "label": gettext_lazy("Plan"),
        "url_name": "recovery_plans:overview",
        "order": 40,
        "visible": sees_recovery_plans,
    },
]
TIMELINE = [
    {"key": "plan", "label": gettext_lazy("Recovery plan"), "visible": sees_recovery_plans, "events": events},
]
HOME_PANELS = [
    {
        "key": "reviews_due",
        "title": gettext_lazy("Plan reviews due or overdue"),
        "order": 20,
        "visible": sees_recovery_plans,
        "rows": review_rows,
    },
    {
        "key": "actions_due",
        "title": gettext_lazy("Plan actions due"),
        "order": 21,
        "visible": sees_recovery_plans,
        "rows": action_rows,
    },
]
