"""Helpers for the instrument tests: answers chosen by the score each item should get."""

from __future__ import annotations

from assessments.instruments import Definition, registry


def definition(instrument_id: str, version: int | None = None) -> Definition:
    return registry().get(instrument_id, version)


def answers_scoring(definition: Definition, scores: dict[str, int], **others: str) -> dict[str, str]:
    """Option values giving each item the (unweighted) score asked for; ``others`` are
    answers given as values (the SDS substance)."""
    chosen = dict(others)
    for item_id, wanted in scores.items():
        item = definition.item(item_id)
        chosen[item_id] = next(option.value for option in item.options if option.score == wanted)
    return chosen


def all_scoring(definition: Definition, each: int, **others: str) -> dict[str, str]:
    return answers_scoring(definition, {item.id: each for item in definition.scored_items}, **others)
