"""KPIs of the front door: referrals, response times, referrals to Treatment, satisfaction.

Quarters are Europe/London (``reporting.periods``): a timestamp counts in a quarter when
``starts_at <= t < ends_at``; a date when ``start_date <= d <= end_date``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Func, Q
from django.utils import timezone

from referrals.models import Referral, ReferralFeedback, ResponseTarget, TreatmentReferral
from referrals.targets import TargetBook
from reporting.kpis.common import (
    WHOLE_SERVICE,
    Context,
    Counts,
    Rates,
    Statistics,
    add_count,
    council_of,
    empty_rates,
    json_text,
    percentile,
    rates_from,
    substance_group,
)


def _referrals_by(ctx: Context, dimension: str | None) -> Counts:
    counts: Counts = {}
    n = len(ctx.quarters)
    for i, q in enumerate(ctx.quarters):
        fields = ["council"] + ([dimension] if dimension else [])
        rows = (
            Referral.objects.filter(received_at__gte=q.starts_at, received_at__lt=q.ends_at)
            .annotate(council=council_of("council_of_residence"))
            .values(*fields)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            add_count(counts, tuple(row[f] for f in fields), i, n, row["n"])
    return counts


# RPT-2, REF-2: referrals received in the quarter (received_at), by source and council.
def referrals_by_source(ctx: Context) -> Counts:
    return _referrals_by(ctx, "source")


# RPT-2, REF-1: referrals received in the quarter, by channel and council.
def referrals_by_channel(ctx: Context) -> Counts:
    return _referrals_by(ctx, "channel")


# RPT-2, REF-2: referrals received in the quarter, by council of residence given on the referral.
def referrals_by_council(ctx: Context) -> Counts:
    return _referrals_by(ctx, None)


# RPT-2, REF-1 (§3.1.1.c, §3.10.10): referrals received for support in a caring role.
def carer_referrals(ctx: Context) -> Counts:
    counts: Counts = {}
    for i, q in enumerate(ctx.quarters):
        rows = (
            Referral.objects.filter(
                received_at__gte=q.starts_at, received_at__lt=q.ends_at, support_for=Referral.SupportFor.CARER
            )
            .annotate(council=council_of("council_of_residence"))
            .values("council")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            add_count(counts, (row["council"],), i, len(ctx.quarters), row["n"])
    return counts


# --- Response times (RPT-2, REF-5, REF-9, §4.3.6) ----------------------------------------------

# The timestamp each measure's target is met by: ``referrals.targets.MEASURE_TIMESTAMP``.
_STEP = {
    ResponseTarget.Measure.FIRST_CONTACT: "first_contact_attempt_at",
    ResponseTarget.Measure.TRIAGE: "triage_completed_at",
}


def _response_times(ctx: Context, measure: str) -> dict[str, list[tuple[list[float], int]]]:
    """For each quarter, per council and for the whole service: the sorted hours from receipt to
    the step, for referrals whose step happened in the quarter, and how many of them met the
    target in force on the day they were received. One query per quarter, fetching three
    columns (priority, received, step) and the council: never a model instance. Working days
    and bank holidays are the front door's own rules (``referrals.targets``), so whether a
    referral met its target is worked out with them, not re-implemented in SQL."""
    key = ("response", measure)
    if key in ctx.memo:
        return ctx.memo[key]
    step = _STEP[measure]
    book = TargetBook.load()
    result: dict[str, list[tuple[list[float], int]]] = {}
    n = len(ctx.quarters)
    for i, q in enumerate(ctx.quarters):
        rows = (
            Referral.objects.filter(**{f"{step}__gte": q.starts_at, f"{step}__lt": q.ends_at})
            .annotate(council=council_of("council_of_residence"))
            .values_list("council", "priority", "received_at", step)
            .order_by()
        )
        hours: dict[str, list[float]] = {WHOLE_SERVICE: []}
        met: dict[str, int] = {WHOLE_SERVICE: 0}
        for council, priority, received_at, done_at in rows.iterator():
            target = book.target_for(priority=priority, measure=measure, on=timezone.localdate(received_at))
            on_time = done_at <= target.due_from(received_at)
            taken = max(0.0, (done_at - received_at).total_seconds() / 3600)
            for where in (WHOLE_SERVICE, council):
                hours.setdefault(where, []).append(taken)
                met[where] = met.get(where, 0) + on_time
        for where, values in hours.items():
            result.setdefault(where, [([], 0)] * n)[i] = (sorted(values), met.get(where, 0))
    ctx.memo[key] = result
    return result


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class ElapsedHours(Func):
    """Hours from the second timestamp to the first, never below 0 (as the Python path)."""

    template = "GREATEST(0, EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)::double precision"
    arg_joiner = " - "
    output_field = FloatField()


def _percentiles_in_database(ctx: Context, measure: str, fraction: float) -> Statistics:
    """On PostgreSQL the percentiles are worked out by the database (``percentile_cont``), one
    query per quarter for the councils and one for the whole service; the tests run the same
    hand-worked figures on both databases, so the two paths must agree."""
    step = _STEP[measure]
    hours = ElapsedHours(step, "received_at")
    result: Statistics = {}
    n = len(ctx.quarters)
    for i, q in enumerate(ctx.quarters):
        in_quarter = Referral.objects.filter(**{f"{step}__gte": q.starts_at, f"{step}__lt": q.ends_at})
        rows = list(
            in_quarter.annotate(council=council_of("council_of_residence"))
            .values("council")
            .annotate(value=PercentileCont(hours, fraction=fraction), n=Count("pk"))
            .order_by()
        )
        rows.append(
            {
                "council": WHOLE_SERVICE,
                **in_quarter.aggregate(value=PercentileCont(hours, fraction=fraction), n=Count("pk")),
            }
        )
        for row in rows:
            result.setdefault(row["council"], [(None, 0)] * n)[i] = (row["value"], row["n"])
    return result


def _statistic(ctx: Context, measure: str, fraction: float) -> Statistics:
    if connection.vendor == "postgresql":
        return _percentiles_in_database(ctx, measure, fraction)
    return {
        where: [(percentile(values, fraction), len(values)) for values, _met in periods]
        for where, periods in _response_times(ctx, measure).items()
    }


def _within_target(ctx: Context, measure: str) -> Rates:
    return {
        where: [(met, len(values)) for values, met in periods]
        for where, periods in _response_times(ctx, measure).items()
    }


# RPT-2, REF-9: median hours from receipt to the first contact attempt.
def first_contact_median_hours(ctx: Context) -> Statistics:
    return _statistic(ctx, ResponseTarget.Measure.FIRST_CONTACT, 0.5)


# RPT-2, REF-9: 90th percentile hours from receipt to the first contact attempt.
def first_contact_p90_hours(ctx: Context) -> Statistics:
    return _statistic(ctx, ResponseTarget.Measure.FIRST_CONTACT, 0.9)


# RPT-2, REF-5 (§4.3.6): share of first contact attempts within the front door's target.
def first_contact_within_target(ctx: Context) -> Rates:
    return _within_target(ctx, ResponseTarget.Measure.FIRST_CONTACT)


# RPT-2, REF-9: median hours from receipt to triage completed.
def triage_median_hours(ctx: Context) -> Statistics:
    return _statistic(ctx, ResponseTarget.Measure.TRIAGE, 0.5)


# RPT-2, REF-9: 90th percentile hours from receipt to triage completed.
def triage_p90_hours(ctx: Context) -> Statistics:
    return _statistic(ctx, ResponseTarget.Measure.TRIAGE, 0.9)


# RPT-2, REF-5 (§4.3.6): share of triages completed within the front door's target.
def triage_within_target(ctx: Context) -> Rates:
    return _within_target(ctx, ResponseTarget.Measure.TRIAGE)


# --- Referrals to Treatment (RPT-2, PAR-3, TH KPI 4, 5) ------------------------------------------


def _treatment(ctx: Context, date_filter) -> Counts:
    counts: Counts = {}
    for i, q in enumerate(ctx.quarters):
        rows = (
            TreatmentReferral.objects.filter(date_filter(q))
            .annotate(
                council=council_of("referral__council_of_residence"),
                substances_text=json_text("referral__substances"),
            )
            .annotate(group=substance_group("referral__person", "substances_text"))
            .values("council", "group")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            add_count(counts, (row["council"], row["group"]), i, len(ctx.quarters), row["n"])
    return counts


# RPT-2, TH KPI 4a: referrals to the Treatment Service sent in the quarter (sent_at), by substance group.
def treatment_referrals_by_group(ctx: Context) -> Counts:
    return _treatment(ctx, lambda q: Q(sent_at__gte=q.starts_at, sent_at__lt=q.ends_at))


# RPT-2, TH KPI 5a-5e: treatment starts (treatment_started_on in the quarter), by substance group.
def treatment_starts_by_group(ctx: Context) -> Counts:
    return _treatment(
        ctx,
        lambda q: (
            Q(treatment_started_on__gte=q.start_date, treatment_started_on__lte=q.end_date)
            & ~Q(status=TreatmentReferral.Status.DECLINED)
        ),
    )


# RPT-2 (§3.2.9 footnote 14): people satisfied or very satisfied with the front door, of those
# who gave a view (feedback recorded in the quarter; "prefer not to say" is not a view).
def user_satisfaction(ctx: Context) -> Rates:
    satisfied = [ReferralFeedback.Satisfaction.VERY_SATISFIED, ReferralFeedback.Satisfaction.SATISFIED]
    by_council = empty_rates(len(ctx.quarters))
    for i, q in enumerate(ctx.quarters):
        rows = (
            ReferralFeedback.objects.filter(recorded_at__gte=q.starts_at, recorded_at__lt=q.ends_at)
            .exclude(satisfaction=ReferralFeedback.Satisfaction.PREFER_NOT_TO_SAY)
            .annotate(council=council_of("referral__council_of_residence"))
            .values("council")
            .annotate(den=Count("pk"), num=Count("pk", filter=Q(satisfaction__in=satisfied)))
            .order_by()
        )
        for row in rows:
            values = list(by_council[row["council"]])
            values[i] = (row["num"], row["den"])
            by_council[row["council"]] = values
    return rates_from(dict(by_council), len(ctx.quarters))
