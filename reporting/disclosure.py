"""Disclosure control (RPT-4, §4.4.3, footnote 32): the ONE step every published number passes
through. Nothing in a report is shown unless it came out of a function here.

The rule is NHS England's, with the threshold and base from settings
(``REPORT_SUPPRESSION_THRESHOLD``, default 7; ``REPORT_ROUNDING_BASE``, default 5):

- 0 stays 0 (an empty cell reveals nobody);
- 1 to the threshold is shown as "*";
- anything else is rounded to the nearest base, halves rounded up (8 -> 10, 12 -> 10, 13 -> 15);
- totals and subtotals are added up from the unrounded values, then rounded (never the sum of
  rounded cells);
- a rate or percentage is withheld ("-") when its numerator or denominator is 1 to the threshold;
- a statistic over a group of people (a median, a 90th percentile, a mean) is withheld when the
  group has 1 to the threshold people in it.

Exact values are allowed only for whole-service headline activity counts that are not broken
down (``exact=True``); a table of people never is.

Complementary suppression (why ``disclose_table`` does more than round). Rounding alone does not
stop differencing: with a subtotal and the rest of its row published, the intervals the rounded
figures stand for can leave a single value for the "*" cell. For example, cells of 8 and 8 (both
shown "10", so 8 to 12 each) beside a cell of 1 give a row total of 17, shown "15" (13 to 17):
the "*" cell is at most 17 - 8 - 8 = 1, so it is 1. After the primary suppression, each
suppressed figure must therefore have a *witness*: another set of true values, consistent with
every figure published in the table, in which that figure differs (moving it by one, with
another cell of its row or column, or a rectangle of four cells, taking up the change, or the
rounded totals absorbing it). Where no witness exists the smallest published cell beside it is
suppressed as well ("*"), and the search repeats until every suppressed figure has one. The
check is conservative: a witness proves at least two values are possible; a suppressed figure
without one may still have been safe, so at worst a cell more than needed is hidden.
A cell suppressed this way may be larger than the threshold, so the reader of a "*" learns only
that it is at least 1 (the table's note says so); the check assumes the reader knows a primary
"*" is 1 to the threshold and a complementary one at least 1. The tests check every suppressed figure of
small tables by brute force (tests/reporting/test_disclosure.py).

What it does not cover: figures of different tables are protected table by table. A council's
report is cut from the whole-service table after disclosure, so the same figure never differs
between reports; but were a council's subtotal the only figure left to hide for a cell (every
cell beside it already hidden or 0), it is hidden in that table only, while another table
splitting the same people differently may publish it.

A table crosses at most two dimensions (§4.4.3: not combined so finely that someone could be
identified); more is refused with ``DisclosureRefused``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from reporting.report_data import Cell

SUPPRESSED = "*"
WITHHELD = "-"
MAX_DIMENSIONS = 2

Key = tuple[tuple[str, str], ...]  # a row's breakdown, as ``Row.breakdown``


class DisclosureRefused(ValueError):
    """A table that would publish more than disclosure control allows."""


def threshold() -> int:
    return int(settings.REPORT_SUPPRESSION_THRESHOLD)


def rounding_base() -> int:
    return max(1, int(settings.REPORT_ROUNDING_BASE))


def round_to_base(value: int, base: int | None = None) -> int:
    """To the nearest ``base``, halves up (integer arithmetic: no float surprises)."""
    base = base or rounding_base()
    return (2 * value + base) // (2 * base) * base


def check_dimensions(dimensions: Sequence[str]) -> None:
    if len(dimensions) > MAX_DIMENSIONS:
        raise DisclosureRefused(
            _("A table may cross at most %(max)d dimensions; %(dims)s is refused (RPT-4).")
            % {"max": MAX_DIMENSIONS, "dims": " × ".join(dimensions)}
        )


def _is_small(value: int) -> bool:
    return 1 <= value <= threshold()


def disclose_count(value: int, *, exact: bool = False) -> Cell:
    """One count. ``exact`` only for a whole-service headline activity count, not broken down."""
    value = int(value)
    if value < 0:
        raise ValueError("A count cannot be negative.")
    if exact or value == 0:
        return Cell(shown=f"{value:,}", value=value, suppressed=False)
    if _is_small(value):
        return Cell(shown=SUPPRESSED, value=None, suppressed=True)
    rounded = round_to_base(value)
    return Cell(shown=f"{rounded:,}", value=rounded, suppressed=False)


def disclose_rate(numerator: int, denominator: int) -> Cell:
    """A percentage, computed from the unrounded figures and shown to the whole per cent.
    Withheld when either figure is 1 to the threshold; "-" (not suppressed) when nobody is in
    the denominator (there is nothing to report)."""
    if denominator <= 0:
        return Cell(shown=WITHHELD, value=None, suppressed=False)
    if _is_small(numerator) or _is_small(denominator):
        return Cell(shown=WITHHELD, value=None, suppressed=True)
    percent = round_half_up(100 * numerator / denominator, 0)
    return Cell(shown=f"{int(percent)}%", value=int(percent), suppressed=False)


def disclose_statistic(value: float | None, *, base: int, unit: str) -> Cell:
    """A statistic (median, percentile, mean) over ``base`` people, to one decimal place.
    Withheld when the base is 1 to the threshold; "-" when there is nobody (or no value)."""
    if base <= 0 or value is None:
        return Cell(shown=WITHHELD, value=None, suppressed=False)
    if _is_small(base):
        return Cell(shown=WITHHELD, value=None, suppressed=True)
    shown = round_half_up(float(value), 1)
    return Cell(shown=f"{shown:,.1f}", value=shown, suppressed=False)


def exact_measure(value: float | int, *, decimals: int = 0) -> Cell:
    """A whole-service headline activity figure that is not a count of people (hours of
    outreach): published as it is, to ``decimals`` places."""
    shown = round_half_up(float(value), decimals)
    if decimals == 0:
        return Cell(shown=f"{int(shown):,}", value=int(shown), suppressed=False)
    return Cell(shown=f"{shown:,.{decimals}f}", value=shown, suppressed=False)


def round_half_up(value: float, decimals: int) -> float:
    """Rounding as people expect it (2.5 -> 3), not Python's banker's rounding."""
    from decimal import ROUND_HALF_UP, Decimal

    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


# --- Whole tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosedTable:
    """``cells[key]`` is one ``Cell`` per period for every row of the table: the total (key
    ``()``), each margin (one dimension) and each cell (two dimensions)."""

    dimensions: tuple[str, ...]
    cells: dict[Key, tuple[Cell, ...]]
    complementary: int  # how many cells were suppressed to protect another


def disclose_table(
    leaves: Mapping[tuple[str, ...], Sequence[int]],
    *,
    dimensions: Sequence[str],
    periods: int,
    exact: bool = False,
) -> DisclosedTable:
    """A raw table of counts, disclosed. ``leaves`` maps each combination of coded values (one
    per dimension, in ``dimensions`` order) to its unrounded count per period. The totals and
    margins are added up here from the unrounded leaves, then every figure is disclosed, and
    complementary suppression protects each "*" (see the module's docstring). ``exact`` is for a
    table with no dimensions (a whole-service headline activity count)."""
    dimensions = tuple(dimensions)
    check_dimensions(dimensions)
    if exact and dimensions:
        raise DisclosureRefused(_("Only a headline count that is not broken down may be exact (RPT-4)."))
    columns: dict[Key, list[Cell]] = {}
    complementary = 0
    for period in range(periods):
        values = {key: int(counts[period]) for key, counts in leaves.items()}
        shown, extra = _disclose_period(values, dimensions, exact=exact)
        complementary += extra
        for key, cell in shown.items():
            columns.setdefault(key, []).append(cell)
    if not columns:  # no leaves at all: the total is 0 in every period
        columns[()] = [disclose_count(0) for _period in range(periods)]
    return DisclosedTable(dimensions, {key: tuple(cells) for key, cells in columns.items()}, complementary)


def items_of(leaf_keys: Sequence[tuple[str, ...]], dimensions: Sequence[str]) -> dict[Key, frozenset]:
    """Every published figure of a table (total, margins, cells) as the set of leaves it adds up."""
    items: dict[Key, set] = {(): set(leaf_keys)}
    for leaf in leaf_keys:
        if len(dimensions) == 1:
            items[((dimensions[0], leaf[0]),)] = {leaf}
        elif len(dimensions) == 2:
            items.setdefault(((dimensions[0], leaf[0]),), set()).add(leaf)
            items.setdefault(((dimensions[1], leaf[1]),), set()).add(leaf)
            items[((dimensions[0], leaf[0]), (dimensions[1], leaf[1]))] = {leaf}
    return {key: frozenset(leaves) for key, leaves in items.items()}


class _Period:
    """One period of one table while it is being disclosed."""

    def __init__(self, values: dict[tuple[str, ...], int], dimensions: tuple[str, ...]):
        self.values = values
        self.leaves = list(values)
        self.two_way = len(dimensions) == 2
        self.items = items_of(self.leaves, dimensions)
        self.sums = {key: sum(values[leaf] for leaf in leaves) for key, leaves in self.items.items()}
        self.containing: dict[tuple[str, ...], list[Key]] = {leaf: [] for leaf in self.leaves}
        for key, leaves in self.items.items():
            for leaf in leaves:
                self.containing[leaf].append(key)
        # Figures that add up the same leaves are the same number: they share one fate.
        self.same: dict[frozenset, list[Key]] = {}
        for key, leaves in self.items.items():
            self.same.setdefault(leaves, []).append(key)
        self.primary = {key for key, total in self.sums.items() if _is_small(total)}
        self.secondary: set[Key] = set()

    def hide(self, key: Key) -> None:
        self.secondary.update(k for k in self.same[self.items[key]] if k not in self.primary)

    def bounds(self, key: Key) -> tuple[float, float]:
        return interval(self.sums[key], primary=key in self.primary, secondary=key in self.secondary)

    def moves(self, key: Key):
        """Small changes to the leaves that change the figure ``key``: one leaf up or down; one
        leaf inside it against one outside; for a cell of a two-way table, a rectangle of four
        cells (which leaves every margin as it was)."""
        inside = self.items[key]
        leaf_set = set(self.leaves)
        for a in inside:
            yield {a: 1}
            yield {a: -1}
            for b in self.leaves:
                if b not in inside:
                    yield {a: 1, b: -1}
                    yield {a: -1, b: 1}
            if self.two_way and len(inside) == 1:
                for b in self.leaves:
                    row, column = (a[0], b[1]), (b[0], a[1])
                    if b[0] != a[0] and b[1] != a[1] and row in leaf_set and column in leaf_set:
                        yield {a: 1, b: 1, row: -1, column: -1}
                        yield {a: -1, b: -1, row: 1, column: 1}

    def has_witness(self, key: Key) -> bool:
        """Another set of true values, consistent with everything published, in which ``key``
        is different: then the reader cannot pin it to one value."""
        for move in self.moves(key):
            if any(self.values[leaf] + delta < 0 for leaf, delta in move.items()):
                continue
            affected = {item for leaf in move for item in self.containing[leaf]}
            changed = False
            for item in affected:
                delta = sum(move.get(leaf, 0) for leaf in self.items[item])
                if not delta:
                    continue
                changed = changed or item == key
                low, high = self.bounds(item)
                if not low <= self.sums[item] + delta <= high:
                    break
            else:
                if changed:
                    return True
        return False

    def complement_for(self, key: Key) -> Key | None:
        """What to hide next to protect ``key``: the smallest published non-zero cell sharing a
        row or column with it, else the smallest published non-zero cell anywhere, else the
        smallest published non-zero total or margin."""
        hidden = self.primary | self.secondary
        open_ = [k for k, total in self.sums.items() if k not in hidden and total > 0]
        cells = [k for k in open_ if self._is_cell(k)]
        inside = self.items[key]
        beside = [
            k
            for k in cells
            if not self.two_way or any(_shares_line(next(iter(self.items[k])), leaf) for leaf in inside)
        ]
        for pool in (beside, cells, open_):
            if pool:
                return min(pool, key=lambda k: (self.sums[k], k))
        return None

    def _is_cell(self, key: Key) -> bool:
        return key != () and len(self.items[key]) == 1 and len(key) == (2 if self.two_way else 1)


def _disclose_period(
    values: dict[tuple[str, ...], int], dimensions: tuple[str, ...], *, exact: bool
) -> tuple[dict[Key, Cell], int]:
    if exact:
        return {(): disclose_count(sum(values.values()), exact=True)}, 0
    period = _Period(values, dimensions)
    while True:
        exposed = next((k for k in sorted(period.primary | period.secondary) if not period.has_witness(k)), None)
        if exposed is None:
            break
        extra = period.complement_for(exposed)
        if extra is None:  # nothing left to hide (cannot happen with a non-empty table)
            break
        period.hide(extra)
    shown = {
        key: Cell(SUPPRESSED, None, True) if key in period.secondary else disclose_count(total)
        for key, total in period.sums.items()
    }
    return shown, len(period.secondary)


def interval(total: int, *, primary: bool = False, secondary: bool = False) -> tuple[float, float]:
    """What a reader knows of a figure from what is published: 0 is exactly 0; a primary "*" is
    1 to the threshold (the table's note says so); a complementary "*" is at least 1 (a reader
    cannot tell it from a primary one, but 0 would have been shown as 0); a rounded figure is
    one of the values that round to it and are not small."""
    if primary:
        return 1, threshold()
    if secondary:
        return 1, float("inf")
    if total == 0:
        return 0, 0
    base = rounding_base()
    shown = round_to_base(total, base)
    low = -(-(2 * shown - base) // 2)  # ceil(shown - base / 2)
    high = -(-(2 * shown + base) // 2) - 1  # ceil(shown + base / 2) - 1
    return max(low, threshold() + 1), high


def _shares_line(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return a != b and any(x == y for x, y in zip(a, b, strict=True))
