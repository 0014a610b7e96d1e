"""The protected-characteristic report (RPT-3): every count worked out by hand in
tests/reporting/test_equality_dataset.py, then the same through disclosure control (RPT-4)."""

from __future__ import annotations

import pytest

from reporting.equality import CHARACTERISTICS, MEASURE_KEYS, equality_counts, equality_tables
from reporting.periods import Quarter
from tests.reporting import test_equality_dataset as shared
from tests.reporting.test_equality_dataset import QUARTER, build_dataset

# The shared fixtures, used here by name.
dataset = shared.dataset
disclosure = shared.disclosure

NOW = 4  # the report's quarter is the last of the five columns
BEFORE = 3


def _table(tables, key):
    return next(table for table in tables if table.kpi_id == f"pc_{key}")


def _shown(table, measure, code=None):
    """The shown cells of one row: ``code`` None is the measure's total."""
    wanted = (("measure", measure),) if code is None else (("measure", measure), (table.dimensions[1], code))
    row = next(row for row in table.rows if row.breakdown == wanted)
    return [cell.shown for cell in row.cells]


@pytest.fixture
def exact_tables(dataset, disclosure):
    return equality_tables(quarter=QUARTER, exact=True)


def test_one_table_per_characteristic_over_five_quarters_in_two_dimensions(exact_tables):
    assert [table.kpi_id for table in exact_tables] == [f"pc_{c.key}" for c in CHARACTERISTICS]
    assert len(exact_tables) == 14  # age, the eight other protected characteristics, five more
    for table in exact_tables:
        assert table.periods == QUARTER.with_previous(4)
        assert len(table.dimensions) <= 2
        assert table.requirement.startswith("RPT-3")
        assert {row.breakdown[0][1] for row in table.rows} == set(MEASURE_KEYS)


def test_people_referred_by_sex_counted_once_each_with_not_recorded_and_prefer_not_to_say_apart(exact_tables):
    sex = _table(exact_tables, "sex")
    referred = {
        code: _shown(sex, "referred", code)[NOW] for code in ("female", "male", "prefer_not_to_say", "not_recorded")
    }
    assert referred == {"female": "2", "male": "1", "prefer_not_to_say": "1", "not_recorded": "2"}
    assert _shown(sex, "referred")[NOW] == "6"
    # "Not asked yet" on a section is not recorded, like no section at all (P4, the quarter before).
    assert _shown(sex, "referred", "not_recorded")[BEFORE] == "1"
    assert _shown(sex, "referred", "female")[BEFORE] == "1"  # P7


def test_the_rows_are_the_coded_answers_then_prefer_not_to_say_then_not_recorded(exact_tables):
    sex = _table(exact_tables, "sex")
    codes = [
        row.breakdown[1][1]
        for row in sex.rows
        if row.breakdown[0] == ("measure", "referred") and len(row.breakdown) == 2
    ]
    assert codes == ["female", "male", "prefer_not_to_say", "not_recorded"]
    rurality = _table(exact_tables, "rurality")  # no "prefer not to say" among its answers
    codes = [
        row.breakdown[1][1]
        for row in rurality.rows
        if row.breakdown[0] == ("measure", "referred") and len(row.breakdown) == 2
    ]
    assert codes == ["urban", "rural", "not_recorded"]


def test_age_band_is_from_the_date_of_birth_at_referral(exact_tables):
    age = _table(exact_tables, "age_band")
    got = {
        code: _shown(age, "referred", code)[NOW]
        for code in ("under_18", "18_24", "25_34", "65_and_over", "not_recorded")
    }
    assert got == {"under_18": "1", "18_24": "1", "25_34": "1", "65_and_over": "2", "not_recorded": "1"}


def test_ethnicity_keeps_prefer_not_to_say_apart_from_not_recorded(exact_tables):
    ethnicity = _table(exact_tables, "ethnicity")
    assert _shown(ethnicity, "referred", "white")[NOW] == "2"
    assert _shown(ethnicity, "referred", "asian")[NOW] == "1"
    assert _shown(ethnicity, "referred", "prefer_not_to_say")[NOW] == "1"
    assert _shown(ethnicity, "referred", "not_recorded")[NOW] == "2"


def test_engagement_treatment_and_outcomes_counted_in_the_quarter_they_happened(exact_tables):
    sex = _table(exact_tables, "sex")
    assert _shown(sex, "engaged", "female")[NOW] == "1"  # P1; P2's allocation is next quarter
    assert _shown(sex, "engaged")[NOW] == "1"
    assert _shown(sex, "treatment_referred", "female")[NOW] == "1"
    assert _shown(sex, "treatment_started", "female")[NOW] == "1"
    assert _shown(sex, "goals_met", "not_recorded")[NOW] == "1"  # P4
    assert _shown(sex, "goals_met")[NOW] == "1"
    assert _shown(sex, "engaged")[BEFORE] == "2"  # P4 and P7


def test_one_council(dataset, disclosure):
    tables = equality_tables(quarter=QUARTER, council="cumberland", exact=True)
    sex = _table(tables, "sex")
    assert _shown(sex, "referred")[NOW] == "4"
    assert _shown(sex, "referred", "female")[NOW] == "2"
    assert _shown(sex, "referred", "male")[NOW] == "0"


def test_commissioners_get_the_nhs_rule_zero_exact_small_counts_hidden_others_rounded(dataset, disclosure):
    tables = equality_tables(quarter=QUARTER)
    sex = _table(tables, "sex")
    assert _shown(sex, "referred", "female")[NOW] == "*"
    assert _shown(sex, "referred", "male")[BEFORE] == "0"
    # Nine referrals a year ago, nobody linked yet: 9 is rounded to 10, the total from 9 too.
    assert _shown(sex, "referred", "not_recorded")[0] == "10"
    assert _shown(sex, "referred")[0] == "10"
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                assert cell.shown == "0" or cell.shown == "*" or int(cell.shown) % 5 == 0, (table.kpi_id, row.label)
        assert any("rounded" in note for note in table.notes)


def test_rows_name_only_coded_values_never_a_person(dataset, disclosure):
    text = repr(equality_tables(quarter=QUARTER, exact=True))
    for personal in ("Philippa", "Quennell", "CA3 9QX", "1990-11-15", "15 November 1990"):
        assert personal not in text


def test_counted_in_a_fixed_number_of_queries_however_many_people(
    dataset, disclosure, django_assert_max_num_queries, manager, hub, other_hub
):
    with django_assert_max_num_queries(10):
        equality_counts(periods=QUARTER.with_previous(4))
    build_dataset(by=manager, hub=hub, other_hub=other_hub)  # twice the people
    with django_assert_max_num_queries(10):
        counts = equality_counts(periods=QUARTER.with_previous(4))
    assert counts["referred"].total[NOW] == 12


def test_an_empty_quarter_is_all_zeros(db, disclosure):
    tables = equality_tables(quarter=Quarter(2030, 1))
    assert {cell.shown for table in tables for row in table.rows for cell in row.cells} == {"0"}
