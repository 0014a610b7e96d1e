"""KPIs of safeguarding, incidents, complaints and drug alerts (SAF-1 to SAF-6; schedule version
3). Counted in the database per quarter. A record about a person counts in the council that
person lived in at the end of the quarter (``common.person_council``); a notification in the
council it was made to; a concern referred to a council in the council it was referred to. A
complaint or incident with no person, and a drug alert (service-wide), counts as "not recorded"
and so only in the whole service's figures."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate

from reporting.kpis.common import (
    NOT_RECORDED,
    Context,
    Counts,
    Rates,
    add_count,
    council_of,
    empty_rates,
    person_council,
    rates_from,
)
from safeguarding.models import (
    Complaint,
    ComplaintStage,
    Concern,
    DeathInService,
    DrugAlert,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)

LONDON = ZoneInfo("Europe/London")


def _grouped(ctx: Context, queryset_for, fields: tuple[str, ...], value=None) -> Counts:
    counts: Counts = {}
    for i, q in enumerate(ctx.quarters):
        rows = queryset_for(q).values(*fields).annotate(n=value or Count("pk")).order_by()
        for row in rows:
            add_count(counts, tuple(row[f] for f in fields), i, len(ctx.quarters), row["n"])
    return counts


def _rates(ctx: Context, queryset_for, on_time: Q) -> Rates:
    by_council = empty_rates(len(ctx.quarters))
    for i, q in enumerate(ctx.quarters):
        rows = (
            queryset_for(q).values("kpi_council").annotate(den=Count("pk"), num=Count("pk", filter=on_time)).order_by()
        )
        for row in rows:
            values = list(by_council[row["kpi_council"]])
            values[i] = (row["num"], row["den"])
            by_council[row["kpi_council"]] = values
    return rates_from(dict(by_council), len(ctx.quarters))


def _in(q, field: str) -> dict:
    return {f"{field}__gte": q.starts_at, f"{field}__lt": q.ends_at}


def _on_days(q, field: str) -> dict:
    return {f"{field}__gte": q.start_date, f"{field}__lte": q.end_date}


# --- Complaints and compliments (SAF-4, §3.17) ----------------------------------------------------


def _complaints(q, kind, **filters):
    return Complaint.objects.filter(kind=kind, **filters).annotate(
        kpi_council=person_council("person", before=q.ends_at)
    )


# SAF-4 (§3.17): complaints received in the quarter, by category.
def complaints_by_category(ctx: Context) -> Counts:
    return _grouped(
        ctx,
        lambda q: _complaints(q, Complaint.Kind.COMPLAINT, **_in(q, "received_at")).annotate(
            what=council_of("category")
        ),
        ("kpi_council", "what"),
    )


# SAF-4 (§3.17): compliments received in the quarter.
def compliments(ctx: Context) -> Counts:
    return _grouped(ctx, lambda q: _complaints(q, Complaint.Kind.COMPLIMENT, **_in(q, "received_at")), ("kpi_council",))


# SAF-4 (§3.17): complaints closed in the quarter, by outcome (a complaint withdrawn without an
# outcome is "not recorded").
def complaints_by_outcome(ctx: Context) -> Counts:
    return _grouped(
        ctx,
        lambda q: _complaints(q, Complaint.Kind.COMPLAINT, **_in(q, "closed_at")).annotate(what=council_of("outcome")),
        ("kpi_council", "what"),
    )


# SAF-4 (§3.17): of complaint stages ended in the quarter, the share ended on or before their
# resolution target date (the day it ended, in UK time, not after the target date).
def complaints_resolved_within_target(ctx: Context) -> Rates:
    def stages(q):
        return ComplaintStage.objects.filter(complaint__kind=Complaint.Kind.COMPLAINT, **_in(q, "ended_at")).annotate(
            kpi_council=person_council("complaint__person", before=q.ends_at),
            ended_on=TruncDate("ended_at", tzinfo=LONDON),
        )

    return _rates(ctx, stages, Q(ended_on__lte=F("target_date")))


# --- Serious incidents, deaths and overdoses (SAF-3, §3.18, §3.29) ---------------------------------


# SAF-3 (§3.18): serious incidents and near misses that happened in the quarter, by category and
# by whether serious or a near miss.
def serious_incidents_by_category(ctx: Context) -> Counts:
    return _grouped(
        ctx,
        lambda q: SeriousIncident.objects.filter(**_in(q, "occurred_at")).annotate(
            kpi_council=person_council("person", before=q.ends_at)
        ),
        ("kpi_council", "category", "seriousness"),
    )


# SAF-3 (§3.29.3): deaths in service, by the date of death.
def deaths_in_service(ctx: Context) -> Counts:
    return _grouped(
        ctx,
        lambda q: DeathInService.objects.filter(**_on_days(q, "died_on")).annotate(
            kpi_council=person_council("person", before=q.ends_at)
        ),
        ("kpi_council",),
    )


def _overdoses(q):
    return NonFatalOverdose.objects.filter(**_in(q, "occurred_at")).annotate(
        kpi_council=person_council("person", before=q.ends_at)
    )


# SAF-3 (§3.29.2): non-fatal overdoses that happened in the quarter.
def non_fatal_overdoses(ctx: Context) -> Counts:
    return _grouped(ctx, _overdoses, ("kpi_council",))


# SAF-3 (§3.29.2): of those overdoses, the ones at which naloxone was given (by anyone).
def overdoses_with_naloxone(ctx: Context) -> Counts:
    return _grouped(
        ctx, lambda q: _overdoses(q).exclude(naloxone_by=NonFatalOverdose.NaloxoneBy.NOT_GIVEN), ("kpi_council",)
    )


# SAF-3 (§3.29.2): doses of naloxone given at those overdoses.
def naloxone_doses_at_overdoses(ctx: Context) -> Counts:
    return _grouped(ctx, lambda q: _overdoses(q).filter(naloxone_doses__gt=0), ("kpi_council",), Sum("naloxone_doses"))


# --- Safeguarding concerns and notifications (SAF-1, SAF-6) --------------------------------------


# SAF-1: safeguarding concerns raised in the quarter, about an adult or a child.
def safeguarding_concerns(ctx: Context) -> Counts:
    return _grouped(
        ctx,
        lambda q: Concern.objects.filter(**_in(q, "raised_at")).annotate(
            kpi_council=person_council("person", before=q.ends_at)
        ),
        ("kpi_council", "about"),
    )


# SAF-1: concerns referred to a council in the quarter (by the date referred), in the council
# referred to (else the person's).
def safeguarding_council_referrals(ctx: Context) -> Counts:
    def referred(q):
        return Concern.objects.filter(**_on_days(q, "referred_on")).annotate(
            kpi_council=Coalesce(
                NullIf("council", Value("")), person_council("person", before=q.ends_at), Value(NOT_RECORDED)
            )
        )

    return _grouped(ctx, referred, ("kpi_council", "about"))


# SAF-1, SAF-3, SAF-6: of notifications to a council falling due in the quarter, the share sent
# on or before the time they were due (one not sent, or sent a minute late, is not on time).
def notifications_on_time(ctx: Context) -> Rates:
    return _rates(
        ctx,
        lambda q: Notification.objects.filter(**_in(q, "due_at")).annotate(kpi_council=council_of("council")),
        Q(sent_at__isnull=False, sent_at__lte=F("due_at")),
    )


# SAF-5: drug alerts issued in the quarter: service-wide, so counted under "not recorded" (only
# in the whole service's figure; exact as a headline activity count).
def drug_alerts_issued(ctx: Context) -> Counts:
    return _grouped(
        ctx,
        lambda q: DrugAlert.objects.filter(**_in(q, "issued_at")).annotate(kpi_council=Value(NOT_RECORDED)),
        ("kpi_council",),
    )
