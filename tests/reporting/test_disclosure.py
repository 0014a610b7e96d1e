"""Disclosure control (RPT-4): the NHS England rule, and properties every disclosed table keeps
(hypothesis): no published figure of a breakdown is 1 to the threshold, and no suppressed figure
can be pinned to one value by combining the rest of its table (a brute-force search over every
set of true values consistent with what is published)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.disclosure import (
    DisclosureRefused,
    disclose_count,
    disclose_rate,
    disclose_statistic,
    disclose_table,
    interval,
    items_of,
    round_to_base,
)


def test_zero_stays_zero_small_is_starred_the_rest_rounded_half_up():
    assert disclose_count(0).shown == "0"
    assert [disclose_count(n).shown for n in range(1, 8)] == ["*"] * 7
    assert disclose_count(8).shown == "10"
    assert disclose_count(12).shown == "10"
    assert disclose_count(13).shown == "15"
    assert disclose_count(17).shown == "15"
    assert disclose_count(18).shown == "20"
    assert disclose_count(1234).shown == "1,235"
    assert disclose_count(3, exact=True).shown == "3"
    assert disclose_count(3).suppressed and disclose_count(3).value is None


def test_rounding_half_up_at_an_even_base():
    assert round_to_base(15, 10) == 20
    assert round_to_base(14, 10) == 10
    assert round_to_base(25, 10) == 30


def test_rates_are_withheld_when_numerator_or_denominator_is_small():
    assert disclose_rate(5, 100).shown == "-"
    assert disclose_rate(5, 100).suppressed
    assert disclose_rate(95, 100).shown == "95%"
    assert disclose_rate(10, 5).shown == "-"
    assert disclose_rate(0, 100).shown == "0%"
    assert disclose_rate(0, 0).shown == "-"
    assert not disclose_rate(0, 0).suppressed
    assert disclose_rate(8, 9).shown == "89%"
    assert disclose_rate(1, 8).shown == "-"  # a numerator of 1 is small even on a big base


def test_statistics_over_a_small_group_are_withheld():
    assert disclose_statistic(3.25, base=7, unit="hours").shown == "-"
    assert disclose_statistic(3.25, base=8, unit="hours").shown == "3.3"
    assert disclose_statistic(None, base=0, unit="hours").shown == "-"


def test_totals_are_added_from_unrounded_values_then_rounded():
    table = disclose_table({("a",): [12], ("b",): [12], ("c",): [12]}, dimensions=["x"], periods=1)
    assert table.cells[()][0].shown == "35"  # 36 rounded, not 10 + 10 + 10
    assert table.cells[(("x", "a"),)][0].shown == "10"


def test_a_table_crossing_three_dimensions_is_refused():
    with pytest.raises(DisclosureRefused, match="at most 2"):
        disclose_table({("a", "b", "c"): [1]}, dimensions=["council", "source", "sex"], periods=1)


def test_exact_is_only_for_a_table_that_is_not_broken_down():
    with pytest.raises(DisclosureRefused):
        disclose_table({("a",): [1]}, dimensions=["council"], periods=1, exact=True)
    assert disclose_table({(): [3]}, dimensions=[], periods=1, exact=True).cells[()][0].shown == "3"


@override_settings(REPORT_SUPPRESSION_THRESHOLD=10, REPORT_ROUNDING_BASE=10)
def test_the_threshold_and_base_come_from_settings():
    assert disclose_count(10).shown == "*"
    assert disclose_count(11).shown == "10"
    assert disclose_count(15).shown == "20"
    assert disclose_rate(10, 100).shown == "-"
    assert disclose_statistic(1.0, base=10, unit="days").shown == "-"


@override_settings(REPORT_SUPPRESSION_THRESHOLD=0)
def test_a_threshold_of_zero_suppresses_nothing():
    assert disclose_count(1).shown == "0"  # rounded to the nearest 5
    assert disclose_count(3).shown == "5"


def test_the_worked_example_of_the_docstring_gets_a_second_star():
    """8 and 8 shown as 10, a total of 17 shown as 15: the 1 would be pinned, so the smallest
    other cell is hidden too."""
    table = disclose_table({("a",): [8], ("b",): [8], ("c",): [1]}, dimensions=["x"], periods=1)
    shown = {key: cells[0].shown for key, cells in table.cells.items()}
    assert shown[(("x", "c"),)] == "*"
    assert list(shown.values()).count("*") == 2
    assert table.complementary == 1


# --- properties ----------------------------------------------------------------------------

THRESHOLD = 7


def _reader_sets(leaves, dimensions, shown):
    """Every set of leaf values a reader finds consistent with the published table: each
    published figure within the values that round to it (and are not small), each primary "*"
    1 to 7, each complementary "*" at least 1. A depth-first search over the leaves, pruned
    when a figure has already passed its upper limit."""
    keys = list(leaves)
    items = items_of(keys, dimensions)
    true = {key: sum(leaves[leaf][0] for leaf in members) for key, members in items.items()}
    limits = {}
    for key, total in true.items():
        if shown[key].shown == "*":
            limits[key] = (1, THRESHOLD) if 1 <= total <= THRESHOLD else (1, float("inf"))
        else:
            limits[key] = interval(total)
    cap = limits[()][1] if limits[()][1] != float("inf") else true[()] + 10
    ranges = []
    for leaf in keys:
        low, high = limits[tuple(zip(dimensions, leaf, strict=True))]
        ranges.append(range(int(low), int(min(high, cap)) + 1))
    containing = [[key for key, members in items.items() if leaf in members] for leaf in keys]
    last = {key: max(i for i, leaf in enumerate(keys) if leaf in members) for key, members in items.items()}
    partial = dict.fromkeys(items, 0)

    def search(i):
        if i == len(keys):
            yield dict(partial)
            return
        for value in ranges[i]:
            ok = True
            for key in containing[i]:
                partial[key] += value
            for key in containing[i]:
                low, high = limits[key]
                if partial[key] > high or (last[key] == i and partial[key] < low):
                    ok = False
            if ok:
                yield from search(i + 1)
            for key in containing[i]:
                partial[key] -= value
            if not ok and all(partial[key] + value > limits[key][1] for key in containing[i]):
                break  # larger values only overshoot further

    yield from search(0)


def _check(leaves, dimensions):
    table = disclose_table(leaves, dimensions=dimensions, periods=1)
    shown = {key: cells[0] for key, cells in table.cells.items()}
    items = items_of(list(leaves), dimensions)
    true = {key: sum(leaves[leaf][0] for leaf in members) for key, members in items.items()}
    for key, cell in shown.items():
        # No published figure shows 1 to the threshold, and a published figure is the rule's.
        assert cell.shown == "*" or not 1 <= (cell.value or 0) <= THRESHOLD
        if cell.shown != "*":
            assert cell.shown == disclose_count(true[key]).shown
        if 1 <= true[key] <= THRESHOLD:
            assert cell.shown == "*"
    suppressed = [key for key, cell in shown.items() if cell.shown == "*"]
    if not suppressed:
        return
    seen: dict = {key: {true[key]} for key in suppressed}
    for consistent in _reader_sets(leaves, dimensions, shown):
        for key in suppressed:
            seen[key].add(consistent[key])
        if all(len(values) > 1 for values in seen.values()):
            return
    for key in suppressed:
        assert len(seen[key]) > 1, f"{key} pinned to {seen[key]} in {leaves}"


small = st.one_of(st.integers(0, 9), st.integers(0, 20))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(small, min_size=1, max_size=5))
def test_one_way_tables_never_pin_a_suppressed_cell(counts):
    leaves = {(f"v{i}",): [n] for i, n in enumerate(counts)}
    _check(leaves, ("x",))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3), st.integers(2, 3), st.data())
def test_two_way_tables_never_pin_a_suppressed_cell(rows, columns, data):
    counts = data.draw(st.lists(st.integers(0, 12), min_size=rows * columns, max_size=rows * columns))
    leaves = {(f"r{i}", f"c{j}"): [counts[i * columns + j]] for i in range(rows) for j in range(columns)}
    _check(leaves, ("council", "group"))


@pytest.mark.parametrize(
    "counts",
    [
        [8, 8, 1],
        [8, 8, 8, 8, 8, 1, 1],  # a rounding bias of 2 in each of five cells
        [1, 0, 0],
        [7, 0, 13],
        [1, 1, 1, 1],
    ],
)
def test_known_differencing_traps(counts):
    _check({(f"v{i}",): [n] for i, n in enumerate(counts)}, ("x",))
