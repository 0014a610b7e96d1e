"""Pure routing and eligibility rules (REF-5, REF-6, REF-7). No database access here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.utils.translation import gettext_lazy as _

from referrals.models import SUBSTANCES_IN_SCOPE, Referral, TreatmentReferral, YesNoUnknown

ADULT_AGE = 18

NOT_ELIGIBLE_UNDER_18 = _("Under 18 without a recorded commissioner agreement (§3.1.3).")
NOT_ELIGIBLE_OUT_OF_AREA = _("Does not live in the area the service covers (§3.1.1).")
NOT_ELIGIBLE_NO_SUBSTANCE = _("No substance use in scope recorded (§3.1.2).")


def age_on(date_of_birth: dt.date | None, on: dt.date) -> int | None:
    if date_of_birth is None:
        return None
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list = field(default_factory=list)  # why not, when not


def assess_eligibility(
    *,
    age: int | None,
    lives_in_area: str,
    substances: list[str],
    under_18_commissioner_agreement: bool,
) -> Eligibility:
    """§3.1: adults in the area using a substance in scope; under-18s only by commissioner
    agreement. Mental health and homelessness are deliberately not parameters: they never
    exclude anyone (§3.1.4). Unknown age or area does not exclude: it is asked at triage.
    """
    reasons = []
    if age is not None and age < ADULT_AGE and not under_18_commissioner_agreement:
        reasons.append(NOT_ELIGIBLE_UNDER_18)
    if lives_in_area == YesNoUnknown.NO:
        reasons.append(NOT_ELIGIBLE_OUT_OF_AREA)
    if not any(s in SUBSTANCES_IN_SCOPE for s in substances):
        reasons.append(NOT_ELIGIBLE_NO_SUBSTANCE)
    return Eligibility(eligible=not reasons, reasons=reasons)


def automatic_treatment_reasons(*, pregnant: str, open_to_childrens_services: str, source: str) -> list[str]:
    """§3.2.11: anyone pregnant or open to Children's Services goes to the Treatment Service."""
    reasons = []
    if pregnant == YesNoUnknown.YES:
        reasons.append(TreatmentReferral.Reason.PREGNANT)
    if open_to_childrens_services == YesNoUnknown.YES or source in Referral.CHILDRENS_SERVICES_SOURCES:
        reasons.append(TreatmentReferral.Reason.CHILDRENS_SERVICES)
    return reasons


def priority_for(*, is_urgent: bool, source: str, open_to_childrens_services: str) -> int:
    """Urgent first, then Children's Services (§3.2.6, §3.15.5), then everyone else."""
    if is_urgent:
        return Referral.Priority.URGENT
    if source in Referral.CHILDRENS_SERVICES_SOURCES or open_to_childrens_services == YesNoUnknown.YES:
        return Referral.Priority.CHILDRENS_SERVICES
    return Referral.Priority.ROUTINE


@lru_cache(maxsize=16)
def _england_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=[year, year + 1])


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _england_holidays(day.year)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The moment ``days`` working days after ``start``, skipping weekends and English bank
    holidays. A referral received on a Saturday is due as if received first thing Monday."""
    current = start
    while not is_working_day(current.date()):
        current = (current + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    added = 0
    while added < days:
        current += dt.timedelta(days=1)
        if is_working_day(current.date()):
            added += 1
    return current
