"""Recovery plans and ongoing support. One module per part of the app, re-exported here."""

from recovery_plans.models.contacts import (
    Contact,
    EngagementStatus,
    EngagementTransition,
    NaloxonePartnerSupply,
    ReengagementFlag,
)
from recovery_plans.models.groups import Attendance, Group, GroupSession
from recovery_plans.models.outreach import OutreachContact, OutreachSession

__all__ = [
    "Attendance",
    "Contact",
    "EngagementStatus",
    "EngagementTransition",
    "Group",
    "GroupSession",
    "NaloxonePartnerSupply",
    "OutreachContact",
    "OutreachSession",
    "ReengagementFlag",
]
