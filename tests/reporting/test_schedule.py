"""The KPI schedule as data (RPT-2, §4.2.9, §4.3.6): validated on load, versioned by date."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.periods import Quarter
from reporting.schedule import ScheduleError, all_schedules, load_schedule, schedule_for

ENTRY = """
  - id: {id}
    title: A KPI
    definition: What it counts.
    requirement: RPT-2
    unit: count
    breakdowns: {breakdowns}
    target: {target}
"""


def write(
    tmp_path,
    name="2030-04-01.yaml",
    *,
    id="referrals_by_source",
    breakdowns="[council, source]",
    target="null",
    effective="2030-04-01",
    version=9,
):
    path = tmp_path / name
    path.write_text(
        f"version: {version}\neffective_from: {effective}\nkpis:"
        + ENTRY.format(id=id, breakdowns=breakdowns, target=target),
        encoding="utf-8",
    )
    return path


def test_the_shipped_schedules_load_and_the_second_takes_effect_mid_year():
    versions = all_schedules()
    assert [s.version for s in versions] == [1, 2, 3]
    assert schedule_for(Quarter(2025, 2)).version == 1  # July to September 2025
    assert schedule_for(Quarter(2025, 3)).version == 2  # from 1 October 2025
    assert schedule_for(Quarter(2026, 1)).effective_from == dt.date(2025, 10, 1)
    assert schedule_for(Quarter(2025, 2)).kpi("triage_within_target").target.value == 80
    assert schedule_for(Quarter(2025, 3)).kpi("triage_within_target").target.value == 90


def test_a_quarter_before_any_schedule_is_refused():
    with pytest.raises(ScheduleError, match="No KPI schedule was in force"):
        schedule_for(Quarter(2020, 1))


def test_an_unknown_kpi_id_is_a_load_error_naming_it(tmp_path):
    with pytest.raises(ScheduleError, match="unknown KPI id 'referrals_by_star_sign'"):
        load_schedule(write(tmp_path, id="referrals_by_star_sign"))


def test_more_than_two_breakdowns_are_refused(tmp_path):
    with pytest.raises(ScheduleError, match="at most 2"):
        load_schedule(write(tmp_path, breakdowns="[council, source, channel]"))


def test_a_breakdown_the_calculation_cannot_give_is_refused(tmp_path):
    with pytest.raises(ScheduleError, match="cannot be broken down by sex"):
        load_schedule(write(tmp_path, breakdowns="[council, sex]"))


@pytest.mark.parametrize(
    "target, message",
    [
        ("{judged: at_least}", "needs a value"),
        ("{judged: within, low: 5}", "needs low and high"),
        ("{judged: about, value: 3}", "judged"),
    ],
)
def test_a_target_must_say_how_it_is_judged(tmp_path, target, message):
    with pytest.raises(ScheduleError, match=message):
        load_schedule(write(tmp_path, target=target))


def test_two_versions_in_force_from_the_same_day_are_refused(tmp_path):
    write(tmp_path, "a.yaml", version=1)
    write(tmp_path, "b.yaml", version=2)
    with pytest.raises(ScheduleError, match="same day"):
        all_schedules(tmp_path)


def test_a_schedule_directory_picks_the_version_in_force(tmp_path):
    write(tmp_path, "a.yaml", version=1, effective="2030-04-01")
    write(tmp_path, "b.yaml", version=2, effective="2031-01-01", target="{judged: within, low: 1, high: 9}")
    assert schedule_for(Quarter(2030, 3), directory=tmp_path).version == 1  # Oct-Dec 2030
    assert schedule_for(Quarter(2030, 4), directory=tmp_path).version == 2  # from 1 January 2031
    target = schedule_for(Quarter(2030, 4), directory=tmp_path).kpis[0].target
    assert target.met(9) and not target.met(10) and target.describe("count") == "Between 1 and 9"


def test_printed_words_carry_no_section_numbers(tmp_path):
    path = write(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("requirement: RPT-2", "requirement: RPT-2 (\u00a73.2.9)"),
        encoding="utf-8",
    )
    with pytest.raises(ScheduleError, match="section numbers"):
        load_schedule(path)
