"""One pure function scores any instrument definition against a set of answers (ASM-5).

Scores are computed here, never typed in. ``score`` never raises on bad answers: an unknown
option, an answer to an item the definition does not have, a missing answer are reported in
``Result.problems`` (which item, and why), and a reading with any of them is not complete, so
it has no total, band or threshold. What the valid answers add up to so far is
``partial_total``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from assessments.instruments.schema import Definition, Item

MISSING = "missing"
UNKNOWN_OPTION = "unknown_option"
UNKNOWN_ITEM = "unknown_item"
NOT_AN_ANSWER = "not_an_answer"


@dataclass(frozen=True)
class Problem:
    item: str
    code: str
    message: str


@dataclass(frozen=True)
class BandResult:
    label: str
    meaning: str
    min: int
    max: int | None


@dataclass(frozen=True)
class ThresholdResult:
    id: str
    label: str
    meaning: str
    at_least: int
    of: str
    score: int
    met: bool
    leads_to: str | None


@dataclass(frozen=True)
class Result:
    instrument: str
    version: int
    complete: bool
    total: int | None
    partial_total: int
    item_scores: dict[str, int] = field(default_factory=dict)  # weighted, valid scored answers only
    answers: dict[str, str] = field(default_factory=dict)  # valid answers, as option values
    subscales: dict[str, int | None] = field(default_factory=dict)
    band: BandResult | None = None
    thresholds: tuple[ThresholdResult, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def met_thresholds(self) -> list[ThresholdResult]:
        return [threshold for threshold in self.thresholds if threshold.met]

    @property
    def leads_to(self) -> list[str]:
        """Instruments a met threshold leads on to (AUDIT-C positive: the full AUDIT)."""
        return [threshold.leads_to for threshold in self.met_thresholds if threshold.leads_to]

    def problem_for(self, item_id: str) -> Problem | None:
        return next((problem for problem in self.problems if problem.item == item_id), None)


def missing_message(item: Item, number: int) -> str:
    """What the person is told when an item is unanswered: the form says the same."""
    return item.required_message or _("Select an answer for question %(number)s") % {"number": number}


def _as_value(raw: Any) -> str | None:
    """An answer as an option value; None when nothing was given; a bool or anything that is
    not text or a whole number is not an answer at all."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise TypeError
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, str):
        return raw.strip()
    raise TypeError


def _read_answers(definition: Definition, answers: Any) -> tuple[dict[str, str], list[Problem]]:
    valid: dict[str, str] = {}
    problems: list[Problem] = []
    given = answers if isinstance(answers, dict) else {}
    known = {item.id for item in definition.items}
    for key in given:
        if key not in known:
            problems.append(Problem(str(key), UNKNOWN_ITEM, _("This question is not part of the instrument")))
    for number, item in enumerate(definition.items, start=1):
        try:
            value = _as_value(given.get(item.id))
        except TypeError:
            problems.append(Problem(item.id, NOT_AN_ANSWER, _("The answer is not one of the options")))
            continue
        if value is None:
            if item.required:
                problems.append(Problem(item.id, MISSING, missing_message(item, number)))
            continue
        if item.option(value) is None:
            problems.append(Problem(item.id, UNKNOWN_OPTION, _("The answer is not one of the options")))
            continue
        valid[item.id] = value
    return valid, problems


def _sum(definition: Definition, item_scores: dict[str, int], item_ids: list[str]) -> int | None:
    if any(item_id not in item_scores for item_id in item_ids):
        return None
    return sum(item_scores[item_id] for item_id in item_ids)


def score(definition: Definition, answers: dict) -> Result:
    """Score ``answers`` (item id -> option value) against ``definition``."""
    valid, problems = _read_answers(definition, answers)
    item_scores = {
        item.id: item.option(valid[item.id]).score * definition.weight(item.id)
        for item in definition.scored_items
        if item.id in valid
    }
    total_items = definition.total_items()
    partial_total = sum(item_scores.get(item_id, 0) for item_id in total_items)
    subscales = {subscale.id: _sum(definition, item_scores, subscale.items) for subscale in definition.subscales}
    # Any problem means no total, band or threshold: a part-answered AUDIT is not a low score.
    complete = not problems
    total = _sum(definition, item_scores, total_items) if complete else None
    return Result(
        instrument=definition.id,
        version=definition.version,
        complete=complete,
        total=total,
        partial_total=partial_total,
        item_scores=item_scores,
        answers=valid,
        subscales=subscales,
        band=_band(definition, total) if complete else None,
        thresholds=_thresholds(definition, total, subscales, valid) if complete else (),
        problems=tuple(problems),
    )


def _band(definition: Definition, total: int) -> BandResult | None:
    for band in definition.bands:
        high = definition.total.max if band.max is None else band.max
        if band.min <= total <= high:
            return BandResult(label=band.label, meaning=band.meaning, min=band.min, max=band.max)
    return None


def _thresholds(
    definition: Definition, total: int, subscales: dict[str, int | None], answers: dict[str, str]
) -> tuple[ThresholdResult, ...]:
    found = []
    for threshold in definition.thresholds:
        # A cut-off for heroin says nothing about a reading about cannabis.
        if any(answers.get(item_id) != value for item_id, value in threshold.when.items()):
            continue
        value = total if threshold.of == "total" else subscales[threshold.of]
        found.append(
            ThresholdResult(
                id=threshold.id,
                label=threshold.label,
                meaning=threshold.meaning,
                at_least=threshold.at_least,
                of=threshold.of,
                score=value,
                met=value >= threshold.at_least,
                leads_to=threshold.leads_to,
            )
        )
    return tuple(found)


def carried_answers(source: Result, target: Definition) -> dict[str, str]:
    """Answers a positive screen hands on to the instrument it leads to: those to items with
    the same id and an option of the same value (AUDIT-C's three questions open the AUDIT)."""
    if target.carries_answers_from != source.instrument:
        return {}
    carried = {}
    for item_id, value in source.answers.items():
        item = target.item(item_id)
        if item is not None and item.option(value) is not None:
            carried[item_id] = value
    return carried
