"""Recovery plans and ongoing support. One module per part of the app, re-exported here."""

from recovery_plans.models.contacts import (
    Contact,
    EngagementStatus,
    EngagementTransition,
    NaloxonePartnerSupply,
    ReengagementFlag,
)
from recovery_plans.models.directory import DirectoryEntry
from recovery_plans.models.groups import Attendance, Group, GroupSession
from recovery_plans.models.outreach import OutreachContact, OutreachSession
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
    "Attendance",
    "Contact",
    "DirectoryEntry",
    "EngagementStatus",
    "EngagementTransition",
    "Group",
    "GroupSession",
    "NaloxonePartnerSupply",
    "OutreachContact",
    "OutreachSession",
    "PlanAction",
    "PlanGoal",
    "PlanNeed",
    "PlanReview",
    "PlanRisk",
    "RecoveryPlan",
    "ReengagementFlag",
    "ReviewPrompt",
]
