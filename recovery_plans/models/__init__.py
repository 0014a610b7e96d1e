"""The recovery_plans app's models, split by topic; every model is importable from here."""

from recovery_plans.models.directory import DirectoryEntry
from recovery_plans.models.plans import (
    PlanAction,
    PlanGoal,
    PlanNeed,
    PlanReview,
    PlanRisk,
    RecoveryPlan,
    ReviewPrompt,
)

__all__ = [
    "DirectoryEntry",
    "PlanAction",
    "PlanGoal",
    "PlanNeed",
    "PlanReview",
    "PlanRisk",
    "RecoveryPlan",
    "ReviewPrompt",
]
