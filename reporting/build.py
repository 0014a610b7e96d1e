"""A quarter's report data (RPT-1, RPT-2): every KPI of the schedule in force for the quarter,
over the quarter and the four before it, split by council and for the whole service, every
figure through ``reporting.disclosure`` (RPT-4); and the protected-characteristic tables (RPT-3).

A council's report is cut from the whole-service tables after disclosure control, never
disclosed on its own: the same figure is then the same (or the same "*") in every report, so
setting a council's report beside the whole-service one reveals nothing the tables hide.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.disclosure import (
    check_dimensions,
    disclose_rate,
    disclose_statistic,
    disclose_table,
    exact_measure,
)
from reporting.kpis.common import COUNCILS, Context
from reporting.kpis.labels import label_for, ordered
from reporting.kpis.registry import KPIS, KpiSpec
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE, Cell, ReportData, Row, Table, TargetResult
from reporting.schedule import KpiEntry, schedule_for

Progress = Callable[[str, int, int], None]
IN_AREA = COUNCILS[:2]


def report_data(*, quarter: Quarter, council: str = WHOLE_SERVICE, progress: Progress | None = None) -> ReportData:
    schedule = schedule_for(quarter)
    ctx = Context(quarters=quarter.with_previous(4))
    steps = len(schedule.kpis) + 1
    tables = []
    for done, entry in enumerate(schedule.kpis):
        if progress:
            progress(entry.title, done, steps)
        tables.append(kpi_table(entry, ctx, council))
    if progress:
        progress(_("Protected characteristics"), steps - 1, steps)
    equality = _equality_tables(quarter, council)
    if progress:
        progress(_("Finished"), steps, steps)
    return ReportData(
        quarter=quarter,
        council=council,
        schedule_version=schedule.version,
        schedule_effective_from=schedule.effective_from,
        generated_at=timezone.now(),
        kpi_tables=tuple(tables),
        equality_tables=equality,
    )


def _equality_tables(quarter: Quarter, council: str) -> tuple[Table, ...]:
    from reporting.equality import equality_tables  # RPT-3: the protected-characteristic tables

    return tuple(equality_tables(quarter=quarter, council=council))


def kpi_table(entry: KpiEntry, ctx: Context, council: str = WHOLE_SERVICE) -> Table:
    spec = KPIS[entry.id]
    check_dimensions(entry.breakdowns)
    raw = spec.calculate(ctx)
    if spec.kind == "count":
        rows, notes = _count_rows(spec, entry, raw, len(ctx.quarters), council)
    else:
        rows, notes = _per_council_rows(spec, entry, raw, len(ctx.quarters), council)
    return Table(
        kpi_id=entry.id,
        title=entry.title,
        definition=entry.definition,
        requirement=entry.requirement,
        unit=entry.unit,
        dimensions=tuple(d for d in entry.breakdowns if not (council and d == "council")) or (),
        periods=ctx.quarters,
        rows=tuple(rows),
        target=_judge(entry, spec, rows, council),
        chart=entry.chart,
        notes=tuple(notes),
    )


def _rounding_note() -> str:
    return _(
        "Counts are rounded to the nearest %(base)d, and totals are rounded from the exact figures. "
        "* is 1 to %(threshold)d, or a figure hidden so that another cannot be worked out."
    ) % {"base": settings.REPORT_ROUNDING_BASE, "threshold": settings.REPORT_SUPPRESSION_THRESHOLD}


def _withheld_note() -> str:
    return _(
        "- means there is nothing to report, or the figure is withheld because it is about %(n)d people or fewer."
    ) % {"n": settings.REPORT_SUPPRESSION_THRESHOLD}


def _project(raw: dict, supported: tuple[str, ...], wanted: tuple[str, ...], periods: int) -> dict:
    """The raw leaves summed onto the dimensions ``wanted`` (a schedule may break a KPI down by
    fewer dimensions than its calculation gives)."""
    positions = [supported.index(d) for d in wanted]
    projected: dict[tuple[str, ...], list[int]] = {}
    for key, values in raw.items():
        target = projected.setdefault(tuple(key[p] for p in positions), [0] * periods)
        for i, value in enumerate(values):
            target[i] += value
    return projected


def _count_rows(spec: KpiSpec, entry: KpiEntry, raw: dict, periods: int, council: str):
    dims = tuple(entry.breakdowns)
    if council and "council" not in dims:
        dims = ("council", *dims)  # cut the council's figures from a table split by council
    exact = spec.headline and not dims and not council
    leaves = _project(raw, spec.dimensions, dims, periods)
    if "council" in dims:
        position = dims.index("council")
        for area in IN_AREA:  # the two councils always have their rows, even when 0
            if not any(key[position] == area for key in leaves):
                key = tuple(area if i == position else None for i in range(len(dims)))
                if None not in key:
                    leaves[key] = [0] * periods
    if not dims:
        leaves = {(): [sum(v[i] for v in leaves.values()) for i in range(periods)]}
    cells = disclose_table(leaves, dimensions=dims, periods=periods, exact=exact).cells
    rows = [Row(breakdown=key, label=_row_label(key), cells=cells[key]) for key in _row_order(cells, dims)]
    if council:
        rows = [row for row in rows if ("council", council) in row.breakdown]
        if not rows:
            rows = [Row(breakdown=(("council", council),), label=label_for("council", council), cells=_zeros(periods))]
    notes = [_("Exact figure: a whole-service count of activity, not of people.")] if exact else [_rounding_note()]
    return rows, notes


def _zeros(periods: int) -> tuple[Cell, ...]:
    from reporting.disclosure import disclose_count

    return tuple(disclose_count(0) for _i in range(periods))


def _row_order(cells: dict, dims: tuple[str, ...]) -> list:
    """Total first; then the second dimension's whole-service rows; then each council's row
    followed by its cells."""
    keys = [()]
    if len(dims) == 1:
        keys += [((dims[0], v),) for v in ordered(dims[0], [k[0][1] for k in cells if len(k) == 1])]
    elif len(dims) == 2:
        firsts = ordered(dims[0], {k[0][1] for k in cells if len(k) == 1 and k[0][0] == dims[0]})
        seconds = ordered(dims[1], {k[0][1] for k in cells if len(k) == 1 and k[0][0] == dims[1]})
        keys += [((dims[1], v),) for v in seconds]
        for first in firsts:
            keys.append(((dims[0], first),))
            keys += [
                ((dims[0], first), (dims[1], second))
                for second in seconds
                if ((dims[0], first), (dims[1], second)) in cells
            ]
    return [k for k in keys if k in cells]


def _row_label(key) -> str:
    if not key:
        return _("Total")
    return ": ".join(label_for(dimension, value) for dimension, value in key)


def _per_council_rows(spec: KpiSpec, entry: KpiEntry, raw: dict, periods: int, council: str):
    """Rates and statistics: the whole service, then each council (never cut finer)."""
    wheres = [WHOLE_SERVICE] if not council else [council]
    if not council and "council" in entry.breakdowns:
        wheres += ordered("council", set(IN_AREA) | {w for w in raw if w})
    rows = []
    for where in wheres:
        values = raw.get(where) or [None] * periods
        cells = []
        for value in values:
            if spec.kind == "rate":
                numerator, denominator = value or (0, 0)
                cells.append(disclose_rate(numerator, denominator))
            elif spec.headline and not where and not entry.breakdowns and value is not None:
                cells.append(exact_measure(value[0] or 0, decimals=1))
            else:
                figure, base = value or (None, 0)
                cells.append(disclose_statistic(figure, base=base, unit=entry.unit))
        breakdown = (("council", where),) if where else ()
        rows.append(Row(breakdown=breakdown, label=_row_label(breakdown), cells=tuple(cells)))
    return rows, [_withheld_note()]


def _judge(entry: KpiEntry, spec: KpiSpec, rows: list[Row], council: str) -> TargetResult | None:
    """The current quarter's published figure (never the exact one: judging the exact figure
    would reveal it) against the schedule's target. A count's target is the whole service's, so
    a council's report does not judge it."""
    if entry.target is None:
        return None
    text = entry.target.describe(entry.unit)
    if spec.kind == "count" and council:
        return TargetResult(text=text + _(" (whole service)"), met=None)
    cell = rows[0].cells[-1]
    if cell.value is None:
        return TargetResult(text=text, met=None)
    return TargetResult(text=text, met=entry.target.met(float(cell.value)))
