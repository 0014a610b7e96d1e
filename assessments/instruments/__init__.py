"""Instruments as data (ASM-5): definition files, validated on load; one pure scorer; forms and
charts built from a definition. See ``definitions/README.md`` to add an instrument."""

from assessments.instruments.loading import InstrumentDefinitionError, UnknownInstrument, load_definition, registry
from assessments.instruments.schema import Definition
from assessments.instruments.scoring import Problem, Result, carried_answers, score

__all__ = [
    "Definition",
    "InstrumentDefinitionError",
    "Problem",
    "Result",
    "UnknownInstrument",
    "carried_answers",
    "load_definition",
    "registry",
    "score",
]
