"""What a built report holds, after disclosure control: the one shape every part of reporting
passes around (the KPI calculations and the protected-characteristic tables produce it, the PDF,
the CSVs, the preview page and the dashboards read it).

Nothing here holds personal data: a ``Cell`` is a number that has already been through
``reporting.disclosure`` (RPT-4), and a ``Row`` is named by coded breakdown values only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from reporting.periods import Quarter

# Whole service: the empty council code.
WHOLE_SERVICE = ""


@dataclass(frozen=True)
class Cell:
    """One published number. ``shown`` is exactly what the reader sees ("0", "*", "15", "42%",
    "3.5", or "-" when withheld); ``value`` is the published value (already rounded), None when
    suppressed or withheld; ``suppressed`` is True for both "*" and withheld."""

    shown: str
    value: float | int | None
    suppressed: bool


@dataclass(frozen=True)
class Row:
    """One line of a table. ``breakdown`` is the coded values it is about, in the table's
    dimension order, e.g. ``(("council", "cumberland"), ("substance_group", "opiate"))``; the
    empty tuple is the total. ``label`` is the words for it ("Cumberland: opiate", "Total").
    ``cells`` has one entry per period of the table, oldest first."""

    breakdown: tuple[tuple[str, str], ...]
    label: str
    cells: tuple[Cell, ...]

    @property
    def breakdown_code(self) -> str:
        """The CSV's breakdown column: ``council=cumberland;substance_group=opiate`` or ``total``."""
        return ";".join(f"{dimension}={value}" for dimension, value in self.breakdown) or "total"


@dataclass(frozen=True)
class TargetResult:
    """How the current period did against the schedule's target: ``text`` ("At least 80%"),
    ``met`` True/False, or None when it cannot be judged (no data, or the figure is withheld)."""

    text: str
    met: bool | None


@dataclass(frozen=True)
class Table:
    kpi_id: str  # the schedule's id, e.g. "referrals_by_source"; "pc_<characteristic>" for RPT-3
    title: str
    definition: str  # the plain-English definition printed under the table
    requirement: str  # e.g. "RPT-2 (TH KPI 2)"
    unit: str  # "count", "people", "percent", "days", "hours", "score"
    dimensions: tuple[str, ...]  # at most two (RPT-4: a table crossing more is refused)
    periods: tuple[Quarter, ...]  # oldest first; the report's quarter is last
    rows: tuple[Row, ...]
    target: TargetResult | None = None
    chart: bool = False  # draw it as a chart in the PDF (beside the table, never instead of it)
    notes: tuple[str, ...] = ()  # e.g. "Figures are rounded to the nearest 5; * is 1 to 7."


@dataclass(frozen=True)
class ReportData:
    quarter: Quarter
    council: str  # WHOLE_SERVICE or a partnership.models.Council value
    schedule_version: int
    schedule_effective_from: date
    generated_at: datetime
    kpi_tables: tuple[Table, ...]
    equality_tables: tuple[Table, ...] = field(default=())

    @property
    def tables(self) -> tuple[Table, ...]:
        return self.kpi_tables + self.equality_tables

    def tidy_rows(self, table: Table) -> Iterator[tuple[str, str, str, str, str]]:
        """One table as the tidy CSV has it (RPT-5): kpi id, period, breakdown, value,
        suppressed ("true"/"false"). ``value`` is the shown text ("*" or "-" when suppressed)."""
        for row in table.rows:
            for period, cell in zip(table.periods, row.cells, strict=True):
                yield (
                    table.kpi_id,
                    period.code,
                    row.breakdown_code,
                    cell.shown,
                    "true" if cell.suppressed else "false",
                )


CSV_HEADER = ("kpi_id", "period", "breakdown", "value", "suppressed")
