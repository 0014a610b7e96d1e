"""The report's data over the reference service: the schedule in force for the quarter, five
quarters per table, council and whole-service rows, targets judged on the published figure, and
every figure through disclosure control."""

from __future__ import annotations

import pytest
from django.test import override_settings

from reporting.build import report_data
from reporting.periods import Quarter
from tests.reporting.kpi_reference_data import CUMB, WF, build_reference

JUL_SEP, OCT_DEC = Quarter(2025, 2), Quarter(2025, 3)
EXACT = override_settings(REPORT_SUPPRESSION_THRESHOLD=0, REPORT_ROUNDING_BASE=1)


@pytest.fixture
def reference(db):
    return build_reference()


def table(data, kpi_id):
    return next(t for t in data.kpi_tables if t.kpi_id == kpi_id)


def shown(t, breakdown=()):
    return [c.shown for c in next(r for r in t.rows if r.breakdown == breakdown).cells]


def test_a_report_uses_the_schedule_in_force_for_its_quarter(reference):
    before, after = report_data(quarter=JUL_SEP), report_data(quarter=OCT_DEC)
    assert (before.schedule_version, after.schedule_version) == (1, 2)
    assert table(before, "triage_within_target").target.text == "At least 80%"
    assert table(after, "triage_within_target").target.text == "At least 90%"
    assert table(before, "new_contacts").definition != table(after, "new_contacts").definition
    assert "outreach_contacts_by_group" not in [t.kpi_id for t in before.kpi_tables]
    assert "outreach_contacts_by_group" in [t.kpi_id for t in after.kpi_tables]
    # The tables come in the schedule's order, each over five quarters ending with the report's.
    assert [t.kpi_id for t in after.kpi_tables][:2] == ["referrals_by_source", "referrals_by_channel"]
    assert table(after, "active_caseload").periods == OCT_DEC.with_previous(4)


@EXACT
def test_with_disclosure_switched_off_the_tables_hold_the_hand_worked_figures(reference):
    data = report_data(quarter=JUL_SEP)
    council = table(data, "referrals_by_council")
    assert shown(council) == ["0", "0", "0", "1", "3"]
    assert shown(council, (("council", CUMB),)) == ["0", "0", "0", "1", "2"]
    assert shown(council, (("council", WF),)) == ["0", "0", "0", "0", "1"]
    source = table(data, "referrals_by_source")
    assert shown(source, (("source", "gp"),))[-3:] == ["0", "1", "1"]  # the whole service, by source
    assert shown(source, (("council", CUMB), ("source", "gp")))[-1] == "1"
    assert [r.label for r in source.rows][:2] == ["Total", "Self"]
    triage = table(data, "triage_within_target")
    assert shown(triage)[-1] == "50%"
    assert triage.target.met is False  # 50% against at least 80%
    assert shown(table(data, "first_contact_median_hours"))[-1] == "8.8"  # 8.75, halves up
    assert shown(table(data, "outreach_hours_per_week")) == ["0.0", "0.0", "0.0", "0.0", "0.5"]
    treatment = table(data, "treatment_referrals_by_group")
    assert shown(treatment, (("substance_group", "opiate"),))[-1] == "1"
    assert treatment.target.met is False  # 2 against at least 50
    assert shown(table(data, "barc10_mean_change"))[-1] == "4.5"


def test_no_published_count_is_one_to_the_threshold(reference):
    for quarter in (JUL_SEP, OCT_DEC):
        for council in ("", CUMB, WF):
            for t in report_data(quarter=quarter, council=council).kpi_tables:
                for row in t.rows:
                    for cell in row.cells:
                        if (
                            t.unit in ("count", "people")
                            and cell.value is not None
                            and not (t.kpi_id in ("outreach_sessions", "naloxone_kits_to_partners") and not council)
                        ):
                            assert not 1 <= cell.value <= 7, (t.kpi_id, row.label, cell)
                        if cell.suppressed:
                            assert cell.shown in ("*", "-") and cell.value is None


def test_headline_activity_counts_are_exact_for_the_whole_service_only(reference):
    whole = table(report_data(quarter=JUL_SEP), "outreach_sessions")
    assert [r.breakdown for r in whole.rows] == [()]
    assert shown(whole) == ["0", "0", "0", "0", "2"]
    assert "Exact" in whole.notes[0]
    cumberland = table(report_data(quarter=JUL_SEP, council=CUMB), "outreach_sessions")
    assert shown(cumberland, (("council", CUMB),))[-1] == "*"


def test_a_council_report_is_cut_from_the_whole_service_tables(reference):
    whole = report_data(quarter=JUL_SEP)
    cumberland = report_data(quarter=JUL_SEP, council=CUMB)
    for mine in cumberland.kpi_tables:
        theirs = {r.breakdown: r.cells for r in table(whole, mine.kpi_id).rows}
        for row in mine.rows:
            assert ("council", CUMB) in row.breakdown
            if row.breakdown in theirs:
                assert row.cells == theirs[row.breakdown], mine.kpi_id
    assert "council" not in table(cumberland, "referrals_by_source").dimensions


@EXACT
def test_a_rate_target_is_judged_for_a_council_and_a_count_target_only_for_the_whole_service(reference):
    data = report_data(quarter=JUL_SEP, council=CUMB)
    assert table(data, "first_contact_within_target").target.met is False  # 2 of 3: 67%
    assert table(data, "user_satisfaction").target.met is True  # 1 of 1
    assert table(data, "treatment_referrals_by_group").target.met is None


def test_progress_is_reported_step_by_step(reference):
    steps = []
    data = report_data(quarter=OCT_DEC, progress=lambda label, done, total: steps.append((label, done, total)))
    total = len(data.kpi_tables) + 1
    assert steps[0] == ("Referrals received, by source", 0, total)
    assert steps[-1] == ("Finished", total, total)
    assert [done for _label, done, _total in steps] == sorted(done for _label, done, _total in steps)
    assert isinstance(data.equality_tables, tuple)


def test_the_tidy_csv_rows_name_codes_only(reference):
    data = report_data(quarter=OCT_DEC)
    rows = [row for t in data.kpi_tables for row in data.tidy_rows(t)]
    assert ("referrals_by_source", "2025-26-Q3", "council=westmorland_and_furness;source=self", "*", "true") in rows
    names = {"Ann", "Ben", "Dan"}
    assert not any(name in " ".join(row) for row in rows for name in names)
