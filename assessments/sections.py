"""The sections of the living assessment, in the order a worker sees them: one table the
overview, the edit page, the versions page and the exports read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import CarersSection, EqualitySection, NeedsSection, RiskSection, SubstanceSection


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    model: type[models.Model]
    fields: tuple[str, ...]
    # PLN-2, §3.4.2 "reassessment": a change to any of these fields brings the person's plan
    # review forward. Needs and goals are what the plan answers, risks what it must reduce,
    # substances what its support is for; equality data and the caring details do not change
    # what the plan says (a child protection concern is a risk trigger, and so counts there).
    material: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "needs",
        _("Needs, aspirations and goals"),
        NeedsSection,
        ("needs", "strengths", "aspirations", "goals"),
        material=("needs", "strengths", "aspirations", "goals"),
    ),
    SectionSpec(
        "risks",
        _("Risks and safeguarding"),
        RiskSection,
        (
            "risk_to_self",
            "risk_to_others",
            "risk_from_others",
            "safeguarding",
            "mental_health",
            "mental_health_notes",
            "triggers",
            "trigger_notes",
        ),
        material=(
            "risk_to_self",
            "risk_to_others",
            "risk_from_others",
            "safeguarding",
            "mental_health",
            "mental_health_notes",
            "triggers",
            "trigger_notes",
        ),
    ),
    SectionSpec(
        "substances",
        _("Substances"),
        SubstanceSection,
        ("primary_substance", "secondary_substance", "route", "injecting", "notes"),
        # The notes are the worker's words around the coded answers: not a change of use.
        material=("primary_substance", "secondary_substance", "route", "injecting"),
    ),
    SectionSpec(
        "equality",
        _("Equality and diversity"),
        EqualitySection,
        (
            "disability",
            "gender_reassignment",
            "relationship",
            "pregnancy",
            "ethnicity",
            "religion",
            "sex",
            "sexual_orientation",
            "armed_forces",
            "care_experienced",
            "neurodivergence",
            "rurality",
            "first_language",
            "interpreter",
        ),
    ),
    SectionSpec(
        "carers",
        _("Caring and children"),
        CarersSection,
        ("caring_role", "caring_for", "carer_support_offered", "parent", "notes"),
    ),
)
BY_KEY = {spec.key: spec for spec in SECTIONS}
KEYS = tuple(BY_KEY)
