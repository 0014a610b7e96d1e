"""The words for each coded breakdown value, and the order rows come in (the order of the
choices, "not recorded" last). Codes only: nothing here is about a person."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from assessments.models.codes import ReportingGroup
from partnership.models import Council
from recovery_plans.models import EngagementStatus
from recovery_plans.models.contacts import HarmReductionTopic
from referrals.models import Referral
from reporting.kpis.common import NOT_RECORDED
from safeguarding.models import Complaint, Concern, SeriousIncident
from safeguarding.models.incidents import IncidentCategory


def _choices(dimension: str) -> list[tuple[str, str]]:
    return {
        "council": Council.choices,
        "source": Referral.Source.choices,
        "channel": Referral.Channel.choices,
        "substance_group": ReportingGroup.choices,
        "topic": HarmReductionTopic.choices,
        "reason": [c for c in EngagementStatus.Reason.choices if c[0]],
        "about": Concern.About.choices,
        "complaint_category": Complaint.Category.choices,
        "complaint_outcome": Complaint.Outcome.choices,
        "incident_category": IncidentCategory.choices,
        "seriousness": SeriousIncident.Seriousness.choices,
    }.get(dimension, [])


def label_for(dimension: str, value: str) -> str:
    if value == NOT_RECORDED:
        return _("Not recorded")
    return str(dict(_choices(dimension)).get(value, value))


def ordered(dimension: str, values: Iterable[str]) -> list[str]:
    order = {code: i for i, (code, _label) in enumerate(_choices(dimension))}
    return sorted(set(values), key=lambda v: (v == NOT_RECORDED, order.get(v, len(order)), v))
