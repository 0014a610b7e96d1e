"""The person's own copy of their recovery plan (PLN-1): plain words, written to them, as a
PDF made with WeasyPrint like the subject access export. Nothing staff-only goes in: no
risks, no review prompts, no staff notes; actions say who will do them by name."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from recovery_plans.models import RecoveryPlan


def plan_document(*, plan: RecoveryPlan) -> dict:
    goals = list(plan.goals.all())
    actions = list(plan.actions.select_related("goal").all())
    return {
        "service": settings.SERVICE_NAME,
        "phone": settings.SERVICE_PHONE,
        "name": plan.person.preferred_name or plan.person.given_name,
        "plan": plan,
        "goals": goals,
        "needs": list(plan.needs.all()),
        "actions_open": [a for a in actions if a.done_on is None],
        "actions_done": [a for a in actions if a.done_on is not None],
        "printed_on": timezone.localdate(),
    }


def plan_pdf(*, plan: RecoveryPlan) -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only this path needs.
    from weasyprint import HTML

    html = render_to_string("recovery_plans/print.html", plan_document(plan=plan))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
