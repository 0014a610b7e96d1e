"""Every KPI the schedule may list: its id, the calculation, what kind of figure it gives and
the breakdowns the calculation can give (council always first). The schedule
(``reporting/schedules/*.yaml``) chooses which are in force, their words, breakdowns and targets;
an id not here is a load error (``reporting.schedule``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from reporting.kpis import front_door, plans, safeguarding, support


@dataclass(frozen=True)
class KpiSpec:
    id: str
    calculate: Callable
    # count: {(council, other): [int per quarter]}, disclosed as a table of counts;
    # rate: {council or "": [(numerator, denominator)]}; statistic: {council or "": [(value, base)]}.
    kind: Literal["count", "rate", "statistic"]
    dimensions: tuple[str, ...]
    # A whole-service headline activity count, not about people, that may be exact when the
    # schedule does not break it down (RPT-4).
    headline: bool = False


_SPECS = (
    KpiSpec("referrals_by_source", front_door.referrals_by_source, "count", ("council", "source")),
    KpiSpec("referrals_by_channel", front_door.referrals_by_channel, "count", ("council", "channel")),
    KpiSpec("referrals_by_council", front_door.referrals_by_council, "count", ("council",)),
    KpiSpec("carer_referrals", front_door.carer_referrals, "count", ("council",)),
    KpiSpec("family_support_people", support.family_support_people, "count", ("council",)),
    KpiSpec("first_contact_median_hours", front_door.first_contact_median_hours, "statistic", ("council",)),
    KpiSpec("first_contact_p90_hours", front_door.first_contact_p90_hours, "statistic", ("council",)),
    KpiSpec("first_contact_within_target", front_door.first_contact_within_target, "rate", ("council",)),
    KpiSpec("triage_median_hours", front_door.triage_median_hours, "statistic", ("council",)),
    KpiSpec("triage_p90_hours", front_door.triage_p90_hours, "statistic", ("council",)),
    KpiSpec("triage_within_target", front_door.triage_within_target, "rate", ("council",)),
    KpiSpec(
        "treatment_referrals_by_group",
        front_door.treatment_referrals_by_group,
        "count",
        ("council", "substance_group"),
    ),
    KpiSpec("treatment_starts_by_group", front_door.treatment_starts_by_group, "count", ("council", "substance_group")),
    KpiSpec("active_caseload", support.active_caseload, "count", ("council",)),
    KpiSpec("new_contacts", support.new_contacts, "count", ("council",)),
    KpiSpec("outreach_contacts_by_group", support.outreach_contacts_by_group, "count", ("council", "substance_group")),
    KpiSpec("outreach_sessions", support.outreach_sessions, "count", ("council",), headline=True),
    KpiSpec("outreach_hours_per_week", support.outreach_hours_per_week, "statistic", ("council",), headline=True),
    KpiSpec("in_reach_sessions", support.in_reach_sessions, "count", ("council",)),
    KpiSpec("home_visits", support.home_visits, "count", ("council",)),
    KpiSpec("harm_reduction_by_topic", support.harm_reduction_by_topic, "count", ("council", "topic")),
    KpiSpec("naloxone_kits_to_people", support.naloxone_kits_to_people, "count", ("council",)),
    KpiSpec("naloxone_kits_to_partners", support.naloxone_kits_to_partners, "count", ("council",), headline=True),
    KpiSpec("plans_reviewed_on_time", plans.plans_reviewed_on_time, "rate", ("council",)),
    KpiSpec("audit_lower_zone", support.audit_lower_zone, "rate", ("council",)),
    KpiSpec("barc10_mean_change", support.barc10_mean_change, "statistic", ("council",)),
    KpiSpec("inactive_by_reason", support.inactive_by_reason, "count", ("council", "reason")),
    KpiSpec("re_entries", support.re_entries, "count", ("council",)),
    KpiSpec("user_satisfaction", front_door.user_satisfaction, "rate", ("council",)),
    # Safeguarding, incidents, complaints and drug alerts (schedule version 3).
    KpiSpec("complaints_by_category", safeguarding.complaints_by_category, "count", ("council", "complaint_category")),
    KpiSpec("compliments", safeguarding.compliments, "count", ("council",)),
    KpiSpec("complaints_by_outcome", safeguarding.complaints_by_outcome, "count", ("council", "complaint_outcome")),
    KpiSpec("complaints_resolved_within_target", safeguarding.complaints_resolved_within_target, "rate", ("council",)),
    KpiSpec(
        "serious_incidents_by_category",
        safeguarding.serious_incidents_by_category,
        "count",
        ("council", "incident_category", "seriousness"),
    ),
    KpiSpec("safeguarding_concerns", safeguarding.safeguarding_concerns, "count", ("council", "about")),
    KpiSpec(
        "safeguarding_council_referrals", safeguarding.safeguarding_council_referrals, "count", ("council", "about")
    ),
    KpiSpec("deaths_in_service", safeguarding.deaths_in_service, "count", ("council",)),
    KpiSpec("non_fatal_overdoses", safeguarding.non_fatal_overdoses, "count", ("council",)),
    KpiSpec("overdoses_with_naloxone", safeguarding.overdoses_with_naloxone, "count", ("council",)),
    KpiSpec("naloxone_doses_at_overdoses", safeguarding.naloxone_doses_at_overdoses, "count", ("council",)),
    KpiSpec("notifications_on_time", safeguarding.notifications_on_time, "rate", ("council",)),
    KpiSpec("drug_alerts_issued", safeguarding.drug_alerts_issued, "count", ("council",), headline=True),
)

KPIS: dict[str, KpiSpec] = {spec.id: spec for spec in _SPECS}
