"""The KPI Schedule as data (RPT-2, §4.2.9, §4.3.6): one YAML file per version in
``reporting/schedules/``, each with the date it is in force from. The commissioners reissue the
schedule at an annual review (targets changed, KPIs refined, added or dropped); a new version is a
new file, so an old report keeps being built with the schedule that was in force for its quarter.

Each file is validated when it is loaded: an unknown KPI id, a breakdown the KPI's calculation
cannot give, more than two breakdowns (RPT-4), a target without its value, or two files with
the same effective date stop loading with a message naming the file and the KPI.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reporting.kpis.registry import KPIS
from reporting.periods import Quarter

SCHEDULES_DIR = Path(__file__).resolve().parent / "schedules"
UNITS = ("count", "people", "percent", "days", "hours", "score")


class ScheduleError(ValueError):
    """A schedule file that cannot be used; the message names the file and what is wrong."""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    judged: Literal["at_least", "at_most", "within"]
    value: float | None = None
    low: float | None = None
    high: float | None = None

    @model_validator(mode="after")
    def _has_its_values(self) -> Target:
        if self.judged == "within":
            if self.low is None or self.high is None or self.low > self.high:
                raise ValueError("a 'within' target needs low and high, low not above high")
        elif self.value is None:
            raise ValueError(f"an '{self.judged}' target needs a value")
        return self

    def met(self, figure: float) -> bool:
        if self.judged == "at_least":
            return figure >= self.value
        if self.judged == "at_most":
            return figure <= self.value
        return self.low <= figure <= self.high

    def describe(self, unit: str) -> str:
        def number(x: float) -> str:
            text = f"{x:,.1f}".removesuffix(".0")
            return f"{text}%" if unit == "percent" else f"{text} {unit}" if unit in ("hours", "days") else text

        if self.judged == "at_least":
            return f"At least {number(self.value)}"
        if self.judged == "at_most":
            return f"At most {number(self.value)}"
        return f"Between {number(self.low)} and {number(self.high)}"


class KpiEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    requirement: str = Field(min_length=1)
    unit: Literal["count", "people", "percent", "days", "hours", "score"]
    breakdowns: tuple[str, ...] = ()
    target: Target | None = None
    chart: bool = False

    @field_validator("id")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in KPIS:
            raise ValueError(f"unknown KPI id '{value}' (no calculation in reporting.kpis)")
        return value

    @field_validator("title", "definition", "requirement")
    @classmethod
    def _no_section_numbers(cls, value: str) -> str:
        # Printed in the report: commissioners' readers never see specification section numbers.
        if chr(0xA7) in value:  # the section sign
            raise ValueError("printed text must not carry specification section numbers")
        return value

    @model_validator(mode="after")
    def _breakdowns_the_calculation_gives(self) -> KpiEntry:
        if len(self.breakdowns) > 2:
            raise ValueError(f"KPI '{self.id}' crosses {len(self.breakdowns)} breakdowns; at most 2 (RPT-4)")
        supported = KPIS[self.id].dimensions
        unknown = [b for b in self.breakdowns if b not in supported]
        if unknown:
            raise ValueError(f"KPI '{self.id}' cannot be broken down by {', '.join(unknown)}")
        if self.breakdowns and self.breakdowns[0] != supported[0] and "council" in self.breakdowns:
            raise ValueError(f"KPI '{self.id}': council comes first")
        return self


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    effective_from: dt.date
    kpis: tuple[KpiEntry, ...]

    @model_validator(mode="after")
    def _each_kpi_once(self) -> Schedule:
        ids = [k.id for k in self.kpis]
        doubled = sorted({i for i in ids if ids.count(i) > 1})
        if doubled:
            raise ValueError(f"KPI listed twice: {', '.join(doubled)}")
        return self

    def kpi(self, kpi_id: str) -> KpiEntry:
        return next(k for k in self.kpis if k.id == kpi_id)


def load_schedule(path: Path) -> Schedule:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Schedule.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}" for e in error.errors()
        )
        raise ScheduleError(f"{path.name}: {problems}") from error
    except yaml.YAMLError as error:
        raise ScheduleError(f"{path.name}: not valid YAML ({error})") from error


@cache
def all_schedules(directory: Path = SCHEDULES_DIR) -> tuple[Schedule, ...]:
    """Every version, oldest first."""
    schedules = [load_schedule(path) for path in sorted(directory.glob("*.yaml"))]
    dates = [s.effective_from for s in schedules]
    if len(set(dates)) != len(dates):
        raise ScheduleError(f"{directory.name}: two schedules take effect on the same day")
    versions = [s.version for s in schedules]
    if len(set(versions)) != len(versions):
        raise ScheduleError(f"{directory.name}: two schedules have the same version number")
    return tuple(sorted(schedules, key=lambda s: s.effective_from))


def schedule_for(quarter: Quarter, *, directory: Path = SCHEDULES_DIR) -> Schedule:
    """The schedule in force on the quarter's first day (§4.3.6): a version effective from
    1 October applies from the quarter starting that day, never to an earlier quarter."""
    in_force = [s for s in all_schedules(directory) if s.effective_from <= quarter.start_date]
    if not in_force:
        raise ScheduleError(f"No KPI schedule was in force on {quarter.start_date:%d %B %Y} ({quarter.code}).")
    return in_force[-1]
