"""KPIs of ongoing support: caseload, contacts, outreach, harm reduction, naloxone, plans,
instruments and engagement. A person's council is the one they lived in at the end of the quarter
(``common.person_council``); an outreach session's or partner supply's is its hub's."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)

from assessments.models import InstrumentReading
from recovery_plans.models import (
    Contact,
    EngagementStatus,
    EngagementTransition,
    NaloxonePartnerSupply,
    OutreachContact,
    OutreachSession,
)
from referrals.models import Person, Referral
from reporting.kpis.common import (
    NOT_RECORDED,
    SIX_MONTHS_DAYS,
    WHOLE_SERVICE,
    Context,
    Counts,
    Statistics,
    add_count,
    council_of,
    json_text,
    person_council,
)

Inactive = EngagementStatus.Status.INACTIVE
Active = EngagementStatus.Status.ACTIVE


def _grouped(ctx: Context, queryset_for, fields: tuple[str, ...], value=None) -> Counts:
    """Run ``queryset_for(quarter)`` for each quarter, grouped by ``fields``, counting rows
    (or summing ``value``)."""
    counts: Counts = {}
    for i, q in enumerate(ctx.quarters):
        rows = queryset_for(q).values(*fields).annotate(n=value or Count("pk")).order_by()
        for row in rows:
            add_count(counts, tuple(row[f] for f in fields), i, len(ctx.quarters), row["n"])
    return counts


def _contacts(q, **filters):
    return Contact.objects.filter(occurred_at__gte=q.starts_at, occurred_at__lt=q.ends_at, **filters).annotate(
        council=person_council("person", before=q.ends_at)
    )


# RPT-2: people on the caseload at the end of the quarter: an allocated referral open then
# (allocated before the end, not closed before it) and not inactive then (PLN-4: their last
# change of engagement before the end was not to inactive).
def active_caseload(ctx: Context) -> Counts:
    def people(q):
        end = q.ends_at
        allocated = Referral.objects.filter(person=OuterRef("pk"), allocated_at__lt=end).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=end)
        )
        last_change = (
            EngagementTransition.objects.filter(person=OuterRef("pk"), at__lt=end)
            .order_by("-at", "-pk")
            .values("to_status")[:1]
        )
        return (
            Person.objects.filter(Exists(allocated))
            .annotate(last_change=Subquery(last_change))
            .filter(Q(last_change__isnull=True) | ~Q(last_change=Inactive))
            .annotate(council=person_council("pk", before=end))
        )

    return _grouped(ctx, people, ("council",))


# RPT-2 (§3.10.10): family members and carers given support: people with a family or carer
# support session (CRAFT or other) recorded at a contact in the quarter, counted once each.
def family_support_people(ctx: Context) -> Counts:
    return _grouped(
        ctx, lambda q: _contacts(q).exclude(family_support=""), ("council",), Count("person", distinct=True)
    )


# RPT-2, TH KPI 2: new contacts: people with a contact in the quarter who had no contact in the
# six months (183 days) before it. Counted once per person per quarter.
def new_contacts(ctx: Context) -> Counts:
    def people(q):
        since = ExpressionWrapper(
            OuterRef("occurred_at") - dt.timedelta(days=SIX_MONTHS_DAYS), output_field=DateTimeField()
        )
        earlier = Contact.objects.filter(
            person=OuterRef("person"), occurred_at__lt=OuterRef("occurred_at"), occurred_at__gte=since
        )
        new = Contact.objects.filter(person=OuterRef("pk"), occurred_at__gte=q.starts_at, occurred_at__lt=q.ends_at)
        # Each person once, so their council at the quarter's end is worked out once per person,
        # not once per contact.
        return Person.objects.filter(Exists(new.filter(~Exists(earlier)))).annotate(
            council=person_council("pk", before=q.ends_at)
        )

    return _grouped(ctx, people, ("council",))


# RPT-2, TH KPI 2b-2e: contacts made on outreach in the quarter (whether or not the person
# engaged, known or not), by the substance group recorded and the outreach hub's council.
def outreach_contacts_by_group(ctx: Context) -> Counts:
    def contacts(q):
        return (
            OutreachContact.objects.filter(occurred_at__gte=q.starts_at, occurred_at__lt=q.ends_at)
            .annotate(council=council_of("hub__council"), group=council_of("substance"))
            .exclude(group="none")
        )

    counts = _grouped(ctx, contacts, ("council", "group"))
    # The outreach form's codes, as the report names the groups (ReportingGroup values).
    names = {"non_opiate": "non_opiate_only", "alcohol": "alcohol_only", "non_opiate_alcohol": "non_opiate_and_alcohol"}
    renamed: Counts = {}
    for (council, group), values in counts.items():
        renamed[(council, names.get(group, group))] = values
    return renamed


def _sessions(q):
    return OutreachSession.objects.filter(date__gte=q.start_date, date__lte=q.end_date).annotate(
        council=council_of("hub__council")
    )


# RPT-2, TH KPI 1: outreach sessions held in the quarter (by date), by the hub's council.
def outreach_sessions(ctx: Context) -> Counts:
    return _grouped(ctx, _sessions, ("council",))


# RPT-2, TH KPI 1: hours of outreach per week: the sessions' hours (end - start) in the quarter
# divided by the quarter's weeks (its days / 7). The base is the number of sessions.
def outreach_hours_per_week(ctx: Context) -> Statistics:
    result: Statistics = {}
    length = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    for i, q in enumerate(ctx.quarters):
        weeks = ((q.end_date - q.start_date).days + 1) / 7
        rows = list(_sessions(q).values("council").annotate(time=Sum(length), n=Count("pk")).order_by())
        whole = sum((row["time"] or dt.timedelta() for row in rows), dt.timedelta())
        rows.append({"council": WHOLE_SERVICE, "time": whole, "n": sum(row["n"] for row in rows)})
        for row in rows:
            periods = result.setdefault(row["council"], [(None, 0)] * len(ctx.quarters))
            hours = (row["time"] or dt.timedelta()).total_seconds() / 3600
            periods[i] = (hours / weeks, row["n"])
    return result


# RPT-2, PLN-3: contacts at an in-reach venue in the quarter.
def in_reach_sessions(ctx: Context) -> Counts:
    return _grouped(ctx, lambda q: _contacts(q, setting=Contact.Setting.IN_REACH), ("council",))


# RPT-2, PLN-3: home visits in the quarter.
def home_visits(ctx: Context) -> Counts:
    return _grouped(ctx, lambda q: _contacts(q, setting=Contact.Setting.HOME_VISIT), ("council",))


# RPT-2, PLN-3 (§3.8.4): harm reduction interventions: contacts in the quarter covering each topic
# (a contact covering three topics counts once under each).
def harm_reduction_by_topic(ctx: Context) -> Counts:
    from recovery_plans.models.contacts import HarmReductionTopic

    counts: Counts = {}
    topics = list(HarmReductionTopic.values)
    for i, q in enumerate(ctx.quarters):
        rows = (
            _contacts(q)
            .annotate(topics_text=json_text("harm_reduction_topics"))
            .values("council")
            .annotate(**{f"t_{t}": Count("pk", filter=Q(topics_text__contains=f'"{t}"')) for t in topics})
            .order_by()
        )
        for row in rows:
            for t in topics:
                if row[f"t_{t}"]:
                    add_count(counts, (row["council"], t), i, len(ctx.quarters), row[f"t_{t}"])
    return counts


# RPT-2, PLN-3 (TH KPI 7): naloxone kits supplied to people at contacts in the quarter.
def naloxone_kits_to_people(ctx: Context) -> Counts:
    return _grouped(
        ctx, lambda q: _contacts(q, naloxone_kits_supplied__gt=0), ("council",), Sum("naloxone_kits_supplied")
    )


# RPT-2 (TH KPI 7): naloxone kits supplied to partner agencies in the quarter (by date supplied).
def naloxone_kits_to_partners(ctx: Context) -> Counts:
    def supplies(q):
        return NaloxonePartnerSupply.objects.filter(
            supplied_on__gte=q.start_date, supplied_on__lte=q.end_date
        ).annotate(council=council_of("hub__council"))

    return _grouped(ctx, supplies, ("council",), Sum("kits"))


# RPT-2 (PLN-4): people becoming inactive in the quarter, by the reason recorded.
def inactive_by_reason(ctx: Context) -> Counts:
    def changes(q):
        return EngagementTransition.objects.filter(at__gte=q.starts_at, at__lt=q.ends_at, to_status=Inactive).annotate(
            council=person_council("person", before=q.ends_at), why=council_of("reason")
        )

    counts = _grouped(ctx, changes, ("council", "why"))
    return {(c, NOT_RECORDED if why == NOT_RECORDED else why): v for (c, why), v in counts.items()}


# RPT-2 (PLN-4, §3.4.6): re-entries: changes from inactive back to active in the quarter.
def re_entries(ctx: Context) -> Counts:
    def changes(q):
        return EngagementTransition.objects.filter(
            at__gte=q.starts_at, at__lt=q.ends_at, from_status=Inactive, to_status=Active
        ).annotate(council=person_council("person", before=q.ends_at))

    return _grouped(ctx, changes, ("council",))


# --- Instruments (ASM-5) ------------------------------------------------------------------------


def _latest_readings(q, instrument: str):
    """Each person's latest reading of ``instrument`` (with a total) as at the end of the
    quarter, where that reading was taken in the quarter and the person has an earlier one;
    annotated with the total of their first reading."""
    readings = InstrumentReading.objects.filter(instrument=instrument, total__isnull=False)
    later = readings.filter(person=OuterRef("person"), taken_at__lt=q.ends_at).filter(
        Q(taken_at__gt=OuterRef("taken_at")) | Q(taken_at=OuterRef("taken_at"), pk__gt=OuterRef("pk"))
    )
    earlier = readings.filter(person=OuterRef("person")).filter(
        Q(taken_at__lt=OuterRef("taken_at")) | Q(taken_at=OuterRef("taken_at"), pk__lt=OuterRef("pk"))
    )
    first = readings.filter(person=OuterRef("person")).order_by("taken_at", "pk").values("total")[:1]
    return (
        readings.filter(taken_at__gte=q.starts_at, taken_at__lt=q.ends_at)
        .filter(~Exists(later), Exists(earlier))
        .annotate(
            first_total=Subquery(first, output_field=IntegerField()),
            council=person_council("person", before=q.ends_at),
        )
    )


def _audit_zone(field: str):
    """WHO AUDIT zones by total: I 0-7, II 8-15, III 16-19, IV 20 and over."""
    from django.db.models import Case, Value, When

    return Case(
        When(**{f"{field}__lte": 7}, then=Value(1)),
        When(**{f"{field}__lte": 15}, then=Value(2)),
        When(**{f"{field}__lte": 19}, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


# RPT-2, ASM-5: of people whose latest AUDIT (as at the quarter's end) was taken in the quarter
# and who had an earlier one, the share whose latest zone is lower than their first reading's.
def audit_lower_zone(ctx: Context):
    from reporting.kpis.common import empty_rates, rates_from

    by_council = empty_rates(len(ctx.quarters))
    for i, q in enumerate(ctx.quarters):
        rows = (
            _latest_readings(q, "audit")
            .annotate(latest_zone=_audit_zone("total"), first_zone=_audit_zone("first_total"))
            .values("council")
            .annotate(den=Count("pk"), num=Count("pk", filter=Q(latest_zone__lt=F("first_zone"))))
            .order_by()
        )
        for row in rows:
            values = list(by_council[row["council"]])
            values[i] = (row["num"], row["den"])
            by_council[row["council"]] = values
    return rates_from(dict(by_council), len(ctx.quarters))


# RPT-2, ASM-5: the mean change in BARC-10 total (latest minus first; higher is more recovery
# capital), over the same cohort as the AUDIT KPI.
def barc10_mean_change(ctx: Context) -> Statistics:
    result: Statistics = {}
    change = ExpressionWrapper(F("total") - F("first_total"), output_field=IntegerField())
    for i, q in enumerate(ctx.quarters):
        readings = _latest_readings(q, "barc-10").annotate(change=change)
        rows = list(readings.values("council").annotate(mean=Avg("change"), n=Count("pk")).order_by())
        whole = readings.aggregate(mean=Avg("change"), n=Count("pk"))
        rows.append({"council": WHOLE_SERVICE, **whole})
        for row in rows:
            result.setdefault(row["council"], [(None, 0)] * len(ctx.quarters))[i] = (row["mean"], row["n"])
    return result
