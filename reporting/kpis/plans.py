"""Plans reviewed on time (RPT-2, PLN-2).

A review falls due on a date: the plan's first review date (as it was when the plan was made:
the plan's earliest history row), and each review's "next review" date. A due date counts in the
quarter it falls in (``start_date <= due <= end_date``), unless the plan was replaced before
that day. It was met on time when a review of the same plan is recorded with ``reviewed_on`` on
or before the due date (and after the review that set it).
"""

from __future__ import annotations

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from recovery_plans.models import PlanReview, RecoveryPlan
from reporting.kpis.common import Context, Rates, empty_rates, person_council, rates_from


def _not_replaced_before(due: str, plan: str = "") -> Q:
    prefix = f"{plan}__" if plan else ""
    return Q(**{f"{prefix}replaced_at__isnull": True}) | Q(**{f"{prefix}replaced_day__gte": F(due)})


# RPT-2, PLN-2: the share of reviews falling due in the quarter that were recorded by their due date.
def plans_reviewed_on_time(ctx: Context) -> Rates:
    history = RecoveryPlan.history.model
    first_due = (
        history.objects.filter(id=OuterRef("pk")).order_by("history_date", "history_id").values("review_due")[:1]
    )
    by_council = empty_rates(len(ctx.quarters))
    for i, q in enumerate(ctx.quarters):
        # Only plans with a due date in the quarter on the plan or in its history can have their
        # first review due then: the history's earliest due date is looked up for those alone,
        # not for every plan ever made.
        candidates = Q(review_due__gte=q.start_date, review_due__lte=q.end_date) | Q(
            pk__in=history.objects.filter(review_due__gte=q.start_date, review_due__lte=q.end_date).values("id")
        )
        first_reviews = (
            RecoveryPlan.objects.filter(candidates)
            .annotate(
                due=Coalesce(Subquery(first_due, output_field=DateField()), F("review_due")),
                replaced_day=TruncDate("replaced_at"),
            )
            .filter(due__gte=q.start_date, due__lte=q.end_date)
            .filter(_not_replaced_before("due"))
            .annotate(
                met=Exists(PlanReview.objects.filter(plan=OuterRef("pk"), reviewed_on__lte=OuterRef("due"))),
                council=person_council("person", before=q.ends_at),
            )
        )
        later = PlanReview.objects.filter(plan=OuterRef("plan"), reviewed_on__lte=OuterRef("next_review")).filter(
            Q(reviewed_on__gt=OuterRef("reviewed_on")) | Q(reviewed_on=OuterRef("reviewed_on"), pk__gt=OuterRef("pk"))
        )
        next_reviews = (
            PlanReview.objects.filter(next_review__gte=q.start_date, next_review__lte=q.end_date)
            .annotate(replaced_day=TruncDate("plan__replaced_at"))
            .filter(Q(plan__replaced_at__isnull=True) | Q(replaced_day__gte=F("next_review")))
            .annotate(met=Exists(later), council=person_council("plan__person", before=q.ends_at))
        )
        for queryset in (first_reviews, next_reviews):
            rows = queryset.values("council").annotate(den=Count("pk"), num=Count("pk", filter=Q(met=True))).order_by()
            for row in rows:
                values = list(by_council[row["council"]])
                num, den = values[i]
                values[i] = (num + row["num"], den + row["den"])
                by_council[row["council"]] = values
    return rates_from(dict(by_council), len(ctx.quarters))
