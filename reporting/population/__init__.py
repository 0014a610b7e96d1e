"""The local population the equity dashboard compares access with (RPT-6, §3.23.11): one YAML
file per council in this folder, validated on load, so a council's analyst can replace the
figures without touching code. A council without a file simply has no comparison.

Each file gives ``council`` (a ``partnership.models.Council`` code), ``source`` (printed beside
the figures), ``example`` (true while the figures are placeholders: the dashboard says so),
``residents`` (to weight councils into the whole service) and ``shares``: per characteristic
key of ``reporting.equality``, per coded answer, a per-cent share of residents summing to 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from partnership.models import COUNCILS_IN_AREA
from reporting.equality import CHARACTERISTICS_BY_KEY, NOT_RECORDED
from reporting.report_data import WHOLE_SERVICE

FOLDER = Path(__file__).resolve().parent
# Shares are rounded: a characteristic's add up to 100 give or take this much.
TOLERANCE = 0.5


class PopulationError(ValueError):
    """A population file that does not load, naming the file and what is wrong."""


class PopulationFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    council: str
    source: str = Field(min_length=1)
    example: bool = False
    residents: int = Field(gt=0)
    shares: dict[str, dict[str, float]]

    @field_validator("council")
    @classmethod
    def _known_council(cls, value: str) -> str:
        if value not in COUNCILS_IN_AREA:
            raise ValueError(f"unknown council {value!r}")
        return value

    @model_validator(mode="after")
    def _known_answers_adding_up(self) -> PopulationFile:
        for key, shares in self.shares.items():
            characteristic = CHARACTERISTICS_BY_KEY.get(key)
            if characteristic is None:
                raise ValueError(f"unknown characteristic {key!r}")
            coded = {code for code, _label in characteristic.answers} - {NOT_RECORDED}
            unknown = sorted(set(shares) - coded)
            if unknown:
                raise ValueError(f"{key}: unknown answers {unknown}")
            if any(share < 0 for share in shares.values()):
                raise ValueError(f"{key}: a share below 0")
            if abs(sum(shares.values()) - 100) > TOLERANCE:
                raise ValueError(f"{key}: the shares add up to {sum(shares.values()):.1f}, not 100")
        return self


@dataclass(frozen=True)
class Population:
    """Shares (per cent) by characteristic and answer, for a council or the whole service."""

    shares: dict[str, dict[str, float]]
    sources: tuple[str, ...]
    example: bool

    def share(self, characteristic: str, code: str) -> float | None:
        return self.shares.get(characteristic, {}).get(code)

    def covers(self, characteristic: str) -> bool:
        return characteristic in self.shares


def load_file(path: Path) -> PopulationFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        population = PopulationFile.model_validate(data)
    except (yaml.YAMLError, ValidationError) as error:
        raise PopulationError(f"{path.name}: {error}") from error
    if population.council != path.stem:
        raise PopulationError(f"{path.name}: holds council {population.council!r}; name the file after it")
    return population


@cache
def population_files(folder: Path = FOLDER) -> dict[str, PopulationFile]:
    """Every council's file, by council (read once per process)."""
    return {file.council: file for file in map(load_file, sorted(folder.glob("*.yaml")))}


def population_for(council: str = WHOLE_SERVICE, *, folder: Path = FOLDER) -> Population | None:
    """The population to compare with: one council's, or for the whole service the councils'
    shares weighted by their residents (only characteristics every council gives). None when
    nothing is configured."""
    files = population_files(folder)
    chosen = list(files.values()) if council == WHOLE_SERVICE else [files[council]] if council in files else []
    if not chosen or (council == WHOLE_SERVICE and set(files) != set(COUNCILS_IN_AREA)):
        return None
    residents = sum(file.residents for file in chosen)
    keys = set.intersection(*(set(file.shares) for file in chosen))
    shares = {
        key: {
            code: sum(file.shares[key].get(code, 0.0) * file.residents for file in chosen) / residents
            for code in {code for file in chosen for code in file.shares[key]}
        }
        for key in keys
    }
    return Population(
        shares=shares,
        sources=tuple(file.source for file in chosen),
        example=any(file.example for file in chosen),
    )
