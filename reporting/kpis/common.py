"""What every KPI calculation shares: the raw shapes they return, the quarter bounds, and the
database expressions for a person's council and substance group.

Everything here is aggregated IN THE DATABASE: a KPI issues a fixed number of queries per
quarter, however many people there are (tests/reporting/test_kpis_queries.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Case, CharField, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf

from assessments.models import SubstanceSection
from referrals.models import Referral
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE

NOT_RECORDED = "not_recorded"
COUNCILS = ("cumberland", "westmorland_and_furness", "outside_area", NOT_RECORDED)
SUBSTANCE_GROUPS = ("opiate", "non_opiate_only", "alcohol_only", "non_opiate_and_alcohol", NOT_RECORDED)
# Referral substances (referrals.models.people.Substance) that are neither opioids nor alcohol.
OTHER_SUBSTANCES = ("crack", "cocaine", "cannabis", "benzodiazepines", "nps", "iped", "prescription", "other")
SIX_MONTHS_DAYS = 183  # "six months" for new contacts (TH KPI 2): half a year, counted in days


@dataclass
class Context:
    """One report's KPI run: its quarters (oldest first) and a memo so KPIs that share a
    calculation (median, 90th percentile and share within target) run it once."""

    quarters: tuple[Quarter, ...]
    memo: dict = field(default_factory=dict)


# Raw results, before disclosure control.
# A count KPI: {(value per dimension, ...): [count per quarter]}.
Counts = dict[tuple[str, ...], list[int]]
# A rate KPI: {council or WHOLE_SERVICE: [(numerator, denominator) per quarter]}.
Rates = dict[str, list[tuple[int, int]]]
# A statistic KPI: {council or WHOLE_SERVICE: [(value or None, people it is over) per quarter]}.
Statistics = dict[str, list[tuple[float | None, int]]]


def new_counts() -> Counts:
    return {}


def add_count(counts: Counts, key: tuple[str, ...], period: int, periods: int, value: int) -> None:
    counts.setdefault(key, [0] * periods)[period] += int(value or 0)


def rates_from(by_council: dict[str, list[tuple[int, int]]], periods: int) -> Rates:
    """Per-council rates plus the whole service (the sums of numerators and denominators)."""
    whole = [(0, 0)] * periods
    for values in by_council.values():
        whole = [(a + c, b + d) for (a, b), (c, d) in zip(whole, values, strict=True)]
    return {WHOLE_SERVICE: whole, **by_council}


def empty_rates(periods: int) -> dict[str, list[tuple[int, int]]]:
    return defaultdict(lambda: [(0, 0)] * periods)


def council_of(field_name: str):
    """A coded council field, blank read as "not recorded"."""
    return Coalesce(NullIf(field_name, Value("")), Value(NOT_RECORDED), output_field=CharField())


def person_council(person_ref: str, *, before):
    """The council a person lived in at ``before`` (the end of a quarter): the council on their
    latest referral received before then that records one, else the council on their record,
    else not recorded. So a person who moves and is referred again counts in their new council
    from the quarter of the new referral, and in the old one before it."""
    latest = (
        Referral.objects.filter(person=OuterRef(person_ref), received_at__lt=before)
        .exclude(council_of_residence="")
        .order_by("-received_at", "-pk")
        .values("council_of_residence")[:1]
    )
    own = f"{person_ref}__council_of_residence" if person_ref != "pk" else "council_of_residence"
    return Coalesce(
        Subquery(latest, output_field=CharField()),
        NullIf(own, Value("")),
        Value(NOT_RECORDED),
        output_field=CharField(),
    )


def _text_has(field_expr, code: str) -> Q:
    return Q(**{f"{field_expr}__contains": f'"{code}"'})


def substance_group(person_ref: str, substances_text: str | None = None):
    """The commissioners' substance group (TH KPI 2, 5; ``assessments.models.codes.reporting_group``)
    worked out in the database: from the person's assessment (main and second substance) if it
    records one, else from the substances given on the referral (``substances_text``: a text
    annotation of the referral's JSON list), else "not recorded". Any opiate makes "opiate";
    alcohol with anything else "non-opiate and alcohol"; alcohol alone "alcohol only"; anything
    else "non-opiate only"."""
    primary, secondary = "primary_substance", "secondary_substance"
    section_group = Case(
        When(Q(**{primary: "opioids"}) | Q(**{secondary: "opioids"}), then=Value("opiate")),
        When(
            (Q(**{primary: "alcohol"}) & ~Q(**{secondary: ""}) & ~Q(**{secondary: "alcohol"}))
            | (Q(**{secondary: "alcohol"}) & ~Q(**{primary: ""}) & ~Q(**{primary: "alcohol"})),
            then=Value("non_opiate_and_alcohol"),
        ),
        When(Q(**{primary: "alcohol"}) | Q(**{secondary: "alcohol"}), then=Value("alcohol_only")),
        When(~Q(**{primary: ""}) | ~Q(**{secondary: ""}), then=Value("non_opiate_only")),
        default=Value(None),
        output_field=CharField(),
    )
    from_section = Subquery(
        SubstanceSection.objects.filter(person=OuterRef(person_ref)).annotate(group=section_group).values("group")[:1],
        output_field=CharField(),
    )
    parts = [from_section]
    if substances_text:
        other = Q()
        for code in OTHER_SUBSTANCES:
            other |= _text_has(substances_text, code)
        parts.append(
            Case(
                When(_text_has(substances_text, "opioids"), then=Value("opiate")),
                When(_text_has(substances_text, "alcohol") & other, then=Value("non_opiate_and_alcohol")),
                When(_text_has(substances_text, "alcohol"), then=Value("alcohol_only")),
                When(other, then=Value("non_opiate_only")),
                default=Value(None),
                output_field=CharField(),
            )
        )
    return Coalesce(*parts, Value(NOT_RECORDED), output_field=CharField())


def json_text(field_name: str):
    """A JSON list as its text, so "contains a code" is a text search (``"code"`` with its
    quotes: whole codes only) that SQLite and PostgreSQL both do."""
    return Cast(field_name, output_field=TextField())


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont``: linear interpolation between the closest ranks."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
