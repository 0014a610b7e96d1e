"""The figures behind the managers' dashboards (RPT-6, §3.23.11): equity (access and outcomes
by characteristic, against the local population where one is configured) and disengagement
risk (people flagged for re-engagement, people becoming inactive by reason, by hub).

Selectors only: aggregate queries, a fixed number of them whatever the size of the history,
and every number through ``reporting.disclosure`` (exact for managers, who work inside the
service; disclosed for everyone else, RPT-4). Nothing here names a person: people are counted,
and managers follow links to the worklists they already have to see who.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.codes import PREFER_NOT_TO_SAY
from partnership.models import Council, Hub
from recovery_plans.models import EngagementStatus, EngagementTransition, ReengagementFlag
from referrals.models import Referral
from reporting.equality import (
    CHARACTERISTICS_BY_KEY,
    MEASURES,
    NOT_RECORDED,
    Characteristic,
    MeasureCounts,
    characteristic_table,
    disclosure_notes,
)
from reporting.equality import equality_counts as _equality_counts
from reporting.periods import Quarter
from reporting.population import Population, population_for
from reporting.report_data import WHOLE_SERVICE, Cell, Row, Table

# A flag older than this is shown apart: the person has waited longest for someone to try again.
LONG_FLAG_DAYS = 28
NO_HUB = "none"


# --- Disclosure, exact for managers ------------------------------------------------------------


def count_cell(value: int, *, exact: bool) -> Cell:
    from reporting.disclosure import disclose_count  # helper A's module: one step for every number

    return disclose_count(value, exact=exact)


def rate_cell(numerator: int, denominator: int, *, exact: bool) -> Cell:
    """A percentage: exact for managers (withheld only when there is no base), else
    ``disclose_rate`` (withheld on a small numerator or base)."""
    if not exact:
        from reporting.disclosure import disclose_rate

        return disclose_rate(numerator, denominator)
    if not denominator:
        return Cell("-", None, True)
    percent = round(100 * numerator / denominator)
    return Cell(f"{percent}%", percent, False)


def chart_svg(table: Table) -> str | None:
    """The table drawn as an accessible SVG (``reporting.charts``, the same drawing as the
    reports'); the data table is always shown beside it."""
    from reporting.charts import table_chart_svg

    return table_chart_svg(table)


def quarter_choices(today: dt.date | None = None, *, count: int = 12) -> list[Quarter]:
    """The quarters a dashboard offers, newest first: the one in progress and those before."""
    current = Quarter.containing(today or timezone.localdate())
    return [current.previous(n) for n in range(count)]


# --- Equity --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EquityDashboard:
    characteristic: Characteristic
    quarter: Quarter
    access_rows: list[dict]  # label, referred, share, population, difference
    outcome_rows: list[dict]  # label, cells (one per measure), began_rate, started_rate
    measures: Sequence
    quality: dict  # prefer_not_to_say, not_recorded, total: Cells
    trend: Table  # people referred by answer, five quarters (the chart's data)
    table: Table  # every measure by answer, five quarters
    population: Population | None


def _points(value: float) -> str:
    return f"{value:+.1f}".replace("-", "−")


def equity_dashboard(*, quarter: Quarter, council: str, characteristic: str, exact: bool) -> EquityDashboard:
    """Access and outcomes by one characteristic, for ``quarter`` (and the four before it for
    the trend), against the local population where it is configured (``2 × measures`` queries)."""
    chosen = CHARACTERISTICS_BY_KEY[characteristic]
    periods = quarter.with_previous(4)
    counts: dict[str, MeasureCounts] = _equality_counts(periods=periods, council=council)
    now = len(periods) - 1
    population = population_for(council)
    if population is not None and not population.covers(characteristic):
        population = None

    def at_now(measure: str, code: str) -> int:
        return counts[measure].by[characteristic][code][now]

    answers = chosen.answers
    coded = [(code, label) for code, label in answers if code not in (NOT_RECORDED, PREFER_NOT_TO_SAY)]
    recorded = sum(at_now("referred", code) for code, _label in coded)
    access_rows = []
    for code, label in coded:
        referred = at_now("referred", code)
        share = rate_cell(referred, recorded, exact=exact)
        local = population.share(characteristic, code) if population else None
        access_rows.append(
            {
                "label": label,
                "referred": count_cell(referred, exact=exact),
                "share": share,
                "population": None if local is None else f"{local:.1f}%",
                "difference": None if local is None or share.value is None else _points(share.value - local),
            }
        )
    outcome_rows = []
    for code, label in answers:
        outcome_rows.append(
            {
                "label": label,
                "cells": [count_cell(at_now(measure.key, code), exact=exact) for measure in MEASURES],
                "began_rate": rate_cell(at_now("engaged", code), at_now("referred", code), exact=exact),
                "started_rate": rate_cell(
                    at_now("treatment_started", code), at_now("treatment_referred", code), exact=exact
                ),
            }
        )
    table = characteristic_table(chosen, counts, periods=periods, exact=exact)
    trend = Table(
        kpi_id=f"dashboard_{characteristic}_referred",
        title=_("People referred, by %(characteristic)s") % {"characteristic": str(chosen.title).lower()},
        definition=str(MEASURES[0].definition),
        requirement="RPT-6",
        unit="people",
        dimensions=(characteristic,),
        periods=periods,
        rows=tuple(
            Row(
                ((characteristic, code),),
                str(label),
                tuple(count_cell(v, exact=exact) for v in counts["referred"].by[characteristic][code]),
            )
            for code, label in answers
        ),
        chart=True,
        notes=table.notes,
    )
    total = counts["referred"].total[now]
    quality = {
        "total": count_cell(total, exact=exact),
        "not_recorded": count_cell(at_now("referred", NOT_RECORDED), exact=exact),
        "not_recorded_rate": rate_cell(at_now("referred", NOT_RECORDED), total, exact=exact),
        # None where "Prefer not to say" is not one of the question's answers (age, rurality).
        "prefer_not_to_say": count_cell(at_now("referred", PREFER_NOT_TO_SAY), exact=exact)
        if PREFER_NOT_TO_SAY in dict(answers)
        else None,
    }
    return EquityDashboard(
        characteristic=chosen,
        quarter=quarter,
        access_rows=access_rows,
        outcome_rows=outcome_rows,
        measures=MEASURES,
        quality=quality,
        trend=trend,
        table=table,
        population=population,
    )


# --- Disengagement risk --------------------------------------------------------------------------


def _hub_of(person: str) -> Subquery:
    """The hub of the person's latest allocation (one hub each, so hubs add up to the total)."""
    latest = Referral.objects.filter(person=OuterRef(person), hub__isnull=False).order_by("-allocated_at", "-pk")
    return Subquery(latest.values("hub")[:1])


def _hub_rows(hubs: list[dict]) -> list[tuple[tuple, str]]:
    councils = dict(Council.choices)
    rows = [
        ((("hub", hub["name"]),), f"{hub['name']} ({councils[hub['council']]})" if hub["council"] else hub["name"])
        for hub in hubs
    ]
    return [*rows, ((("hub", NO_HUB),), _("Not allocated to a hub"))]


def _table(*, kpi_id, title, definition, dimension, periods, keys, counts, exact) -> Table:
    """A dashboard table: a row per ``keys`` entry ((breakdown, label), with ``counts`` by the
    breakdown's code, one exact number per period), then the total from the exact numbers."""
    rows = []
    totals = [0] * len(periods)
    for breakdown, label in keys:
        values = counts.get(breakdown[0][1], [0] * len(periods))
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append(Row(breakdown, label, tuple(count_cell(v, exact=exact) for v in values)))
    rows.append(Row((), _("Total"), tuple(count_cell(v, exact=exact) for v in totals)))
    return Table(
        kpi_id=kpi_id,
        title=title,
        definition=definition,
        requirement="RPT-6",
        unit="people",
        dimensions=(dimension,),
        periods=tuple(periods),
        rows=tuple(rows),
        chart=True,
        notes=disclosure_notes(exact=exact)[:1],
    )


def _by_period(rows, key: str, periods: Sequence[Quarter], code=lambda value: value) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for row in rows:
        if row["period"] >= 0:
            found.setdefault(code(row[key]), [0] * len(periods))[row["period"]] += row["people"]
    return found


def _quarterly(queryset, *, at: str, periods: Sequence[Quarter], key: str, person: str = "person"):
    """People in ``queryset`` by ``key`` and quarter of ``at``, counted in the database (each
    person once a quarter, however many times it happened to them)."""
    period = Case(
        *(When(Q(**{f"{at}__gte": q.starts_at, f"{at}__lt": q.ends_at}), then=Value(i)) for i, q in enumerate(periods)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(**{f"{at}__gte": periods[0].starts_at, f"{at}__lt": periods[-1].ends_at})
        .annotate(period=period)
        .order_by()
        .values(key, "period")
        .annotate(people=Count(person, distinct=True))
    )


@dataclass(frozen=True)
class DisengagementDashboard:
    quarter: Quarter
    now: dt.datetime
    flagged_now: list[dict]  # label, flagged, long_flagged
    flagged_now_total: dict
    flagged: Table
    inactive_by_reason: Table
    inactive_by_hub: Table
    reentries: Table


def disengagement_dashboard(
    *, quarter: Quarter, council: str, exact: bool, now: dt.datetime | None = None
) -> DisengagementDashboard:
    """People flagged for re-engagement (now, and in each quarter), people becoming inactive by
    reason and by hub, and people coming back (re-entry), for ``council``'s residents."""
    now = now or timezone.now()
    periods = quarter.with_previous(4)
    where = Q() if council == WHOLE_SERVICE else Q(person__council_of_residence=council)
    hubs = list(Hub.objects.order_by("name").values("pk", "name", "council"))
    names = {hub["pk"]: hub["name"] for hub in hubs}
    keys = _hub_rows(hubs)

    def hub_name(pk) -> str:
        return names.get(pk, NO_HUB)

    # Flagged now, and for how long (one query).
    long_ago = now - dt.timedelta(days=LONG_FLAG_DAYS)
    open_flags = (
        ReengagementFlag.objects.filter(where, cleared_at__isnull=True)
        .annotate(hub=_hub_of("person"))
        .order_by()
        .values("hub")
        .annotate(
            people=Count("person", distinct=True),
            long=Count("person", distinct=True, filter=Q(flagged_at__lt=long_ago)),
        )
    )
    by_hub = {hub_name(row["hub"]): row for row in open_flags}
    flagged_now = []
    for breakdown, label in keys:
        row = by_hub.get(breakdown[0][1], {"people": 0, "long": 0})
        flagged_now.append(
            {
                "label": label,
                "flagged": count_cell(row["people"], exact=exact),
                "long_flagged": count_cell(row["long"], exact=exact),
            }
        )
    flagged_now_total = {
        "flagged": count_cell(sum(row["people"] for row in by_hub.values()), exact=exact),
        "long_flagged": count_cell(sum(row["long"] for row in by_hub.values()), exact=exact),
    }

    flags = _quarterly(
        ReengagementFlag.objects.filter(where).annotate(hub=_hub_of("person")),
        at="flagged_at",
        periods=periods,
        key="hub",
    )
    inactive = EngagementTransition.objects.filter(where, to_status=EngagementStatus.Status.INACTIVE)
    reentered = EngagementTransition.objects.filter(
        where, from_status=EngagementStatus.Status.INACTIVE, to_status=EngagementStatus.Status.ACTIVE
    )
    reasons = [((("reason", code),), label) for code, label in EngagementStatus.Reason.choices if code]
    common = {"periods": periods, "exact": exact}
    return DisengagementDashboard(
        quarter=quarter,
        now=now,
        flagged_now=flagged_now,
        flagged_now_total=flagged_now_total,
        flagged=_table(
            kpi_id="dashboard_flagged_by_hub",
            title=_("People flagged for re-engagement, by hub"),
            definition=_("People the nightly check flagged in the quarter: no contact for the set period."),
            dimension="hub",
            keys=keys,
            counts=_by_period(flags, "hub", periods, hub_name),
            **common,
        ),
        inactive_by_reason=_table(
            kpi_id="dashboard_inactive_by_reason",
            title=_("People becoming inactive, by reason"),
            definition=_("People whose engagement changed to inactive in the quarter, by the reason recorded."),
            dimension="reason",
            keys=reasons,
            counts=_by_period(_quarterly(inactive, at="at", periods=periods, key="reason"), "reason", periods),
            **common,
        ),
        inactive_by_hub=_table(
            kpi_id="dashboard_inactive_by_hub",
            title=_("People becoming inactive, by hub"),
            definition=_("People whose engagement changed to inactive in the quarter, by their hub."),
            dimension="hub",
            keys=keys,
            counts=_by_period(
                _quarterly(inactive.annotate(hub=_hub_of("person")), at="at", periods=periods, key="hub"),
                "hub",
                periods,
                hub_name,
            ),
            **common,
        ),
        reentries=_table(
            kpi_id="dashboard_reentries_by_hub",
            title=_("People coming back into support (re-entry), by hub"),
            definition=_("People whose engagement changed from inactive to active in the quarter."),
            dimension="hub",
            keys=keys,
            counts=_by_period(
                _quarterly(reentered.annotate(hub=_hub_of("person")), at="at", periods=periods, key="hub"),
                "hub",
                periods,
                hub_name,
            ),
            **common,
        ),
    )
