"""Pure routing and eligibility rules (REF-5, REF-6, REF-7). No database access here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import holidays
from django.utils.translation import gettext_lazy as _

from partnership.models import COUNCILS_IN_AREA, Council
from referrals.models import SUBSTANCES_IN_SCOPE, Referral, TreatmentReferral, Triage, YesNoUnknown

ADULT_AGE = 18

# REF-9: a recorded time may be up to this far ahead of the server's clock, or behind the
# referral's receipt, before it is refused: forms give times to the minute and staff's
# devices drift a little. One grace for every recorded time (contacts, escalations,
# introductions, appointments, consents, onward referrals).
CLOCK_GRACE = dt.timedelta(minutes=5)

NOT_ELIGIBLE_UNDER_18 = _("Under 18 without a recorded commissioner agreement.")  # §3.1.3
NOT_ELIGIBLE_OUT_OF_AREA = _("Does not live in the area the service covers.")  # §3.1.1
NOT_ELIGIBLE_NO_SUBSTANCE = _("No substance use in scope recorded.")  # §3.1.2
NOT_ELIGIBLE_CARED_FOR_NO_SUBSTANCE = _(  # §3.1.1.c
    "No alcohol or drug use recorded for the person they care for, so they are not a carer in scope."
)


def age_on(date_of_birth: dt.date | None, on: dt.date) -> int | None:
    if date_of_birth is None:
        return None
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def lives_in_area_from_council(council: str) -> str:
    """§3.1.1: whether someone lives in the area is a fact derived from their council of
    residence (``referrals.places`` works that out from the postcode), never asked on its own.
    A council not yet known leaves it not known, which does not exclude anyone."""
    if council in COUNCILS_IN_AREA:
        return YesNoUnknown.YES
    if council == Council.OUTSIDE_AREA:
        return YesNoUnknown.NO
    return YesNoUnknown.UNKNOWN


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
    support_for: str = Referral.SupportFor.OWN_USE,
    cared_for_substances: list[str] = (),
) -> Eligibility:
    """§3.1: adults in the area using a substance in scope; under-18s only by commissioner
    agreement. Or (§3.1.1.c) a family member, friend or carer of any age, in the area, who
    cares for someone using a substance in scope: the under-18 rule does not apply to them,
    and their own ``substances`` are not asked for. Mental health and homelessness are
    deliberately not parameters: they never exclude anyone (§3.1.4). Unknown age or area does
    not exclude: it is asked at triage.
    """
    reasons = []
    carer = support_for == Referral.SupportFor.CARER
    if not carer and age is not None and age < ADULT_AGE and not under_18_commissioner_agreement:
        reasons.append(NOT_ELIGIBLE_UNDER_18)
    if lives_in_area == YesNoUnknown.NO:
        reasons.append(NOT_ELIGIBLE_OUT_OF_AREA)
    if carer:
        if not any(s in SUBSTANCES_IN_SCOPE for s in cared_for_substances):
            reasons.append(NOT_ELIGIBLE_CARED_FOR_NO_SUBSTANCE)
    elif not any(s in SUBSTANCES_IN_SCOPE for s in substances):
        reasons.append(NOT_ELIGIBLE_NO_SUBSTANCE)
    return Eligibility(eligible=not reasons, reasons=reasons)


def is_young_carer(*, support_for: str, age: int | None) -> bool:
    """§3.1.1.c, §3.10.10: a carer under 18 gets a safeguarding-aware response."""
    return support_for == Referral.SupportFor.CARER and age is not None and age < ADULT_AGE


def childrens_services_involved(*, source: str, open_to_childrens_services: str) -> bool:
    """REF-5, §3.2.6, §3.15.5: referred by Children's Services (Early Help, Youth Justice and
    Child Protection included) or known to be open to them. The one copy of this rule: it
    sets priority and the automatic referral to the Treatment Service (§3.2.11)."""
    return source in Referral.CHILDRENS_SERVICES_SOURCES or open_to_childrens_services == YesNoUnknown.YES


def automatic_treatment_reasons(
    *, pregnant: str, open_to_childrens_services: str, source: str, support_for: str = Referral.SupportFor.OWN_USE
) -> list[str]:
    """§3.2.11: anyone pregnant or open to Children's Services goes to the Treatment Service.
    Never a carer (§3.1.1.c): the Treatment Service is for a person's own use, and a carer's
    referral is not a referral of the person they care for."""
    if support_for == Referral.SupportFor.CARER:
        return []
    reasons = []
    if pregnant == YesNoUnknown.YES:
        reasons.append(TreatmentReferral.Reason.PREGNANT)
    if childrens_services_involved(source=source, open_to_childrens_services=open_to_childrens_services):
        reasons.append(TreatmentReferral.Reason.CHILDRENS_SERVICES)
    return reasons


def priority_for(*, is_urgent: bool, source: str, open_to_childrens_services: str) -> int:
    """Urgent first, then Children's Services (§3.2.6, §3.15.5), then everyone else."""
    if is_urgent:
        return Referral.Priority.URGENT
    if childrens_services_involved(source=source, open_to_childrens_services=open_to_childrens_services):
        return Referral.Priority.CHILDRENS_SERVICES
    return Referral.Priority.ROUTINE


def triage_priority(*, source: str, open_to_childrens_services: str, risk: str) -> int:
    """REF-5, §3.2.6, §3.15.5: the priority what screening has learnt calls for. A red risk
    rating is urgent (the escalation protocol applies to it, §3.2.6); Children's Services
    involvement (the referral's source, or screening finding the person open to them) is
    Children's Services priority; anything else routine."""
    if risk == Triage.Risk.RED:
        return Referral.Priority.URGENT
    if childrens_services_involved(source=source, open_to_childrens_services=open_to_childrens_services):
        return Referral.Priority.CHILDRENS_SERVICES
    return Referral.Priority.ROUTINE


def raised_priority(*, current: int, before: int, after: int) -> int:
    """The priority after screening changes what is known (REF-5, §3.2.6, §3.15.5).

    Re-derivation only ever raises a priority, and only when what screening learnt calls for
    more than it did before (``after`` more urgent than ``before``): a priority set by hand is
    never lowered by it, and a hand-lowered one is raised again only by new facts. Lower
    numbers are more urgent."""
    if after < before and after < current:
        return after
    return current


@lru_cache(maxsize=16)
def _england_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=[year, year + 1])


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    # Cached per date: a page of 50 queue rows asks about a thousand days, and a lookup in
    # the holidays calendar costs far more than the cache.
    return day.weekday() < 5 and day not in _england_holidays(day.year)


def first_working_moment(moment: dt.datetime) -> dt.datetime:
    """``moment`` itself on a working day; otherwise 09:00 on the next working day. The one
    roll-forward that both adding and counting working days use (REF-5, §4.3.6)."""
    while not is_working_day(moment.date()):
        moment = (moment + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    return moment


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The moment ``days`` working days after ``start``, skipping weekends and English bank
    holidays. A referral received on a Saturday is due as if received first thing Monday."""
    current = first_working_moment(start)
    added = 0
    while added < days:
        current += dt.timedelta(days=1)
        if is_working_day(current.date()):
            added += 1
    return current


# --- The next step on a referral (the referral page's primary action) ----------------------

# Not a ``Referral.Step``: sending is recorded on the referral to the Treatment Service.
SEND_TO_TREATMENT = "send_to_treatment"
SEND_TO_TREATMENT_LABEL = _("Send the referral to the Treatment Service")


def next_step(*, referral: Referral, screened: bool, outcome: str, treatment_waiting: bool) -> str | None:
    """The one step the referral's status calls for next, or None (allocated, closed, or
    nothing this rule can name). A ``Referral.Step`` value or ``SEND_TO_TREATMENT``.

    Received: try to contact the person. Contacting or in triage: screen them, then record
    the outcome. Triaged: send a referral to the Treatment Service that is still waiting
    (§3.2.6 "without unnecessary delay"), then allocate if ERS supports the person. Every
    step is still the model's to allow (``Referral.allows``)."""
    status = referral.status
    if status == Referral.Status.RECEIVED:
        candidate = Referral.Step.CONTACT
    elif status in (Referral.Status.CONTACTING, Referral.Status.IN_TRIAGE):
        candidate = Referral.Step.OUTCOME if screened else Referral.Step.SCREENING
    elif status == Referral.Status.TRIAGED:
        if treatment_waiting:
            return SEND_TO_TREATMENT
        candidate = Referral.Step.ALLOCATE if outcome in Triage.ALLOCATING_OUTCOMES else None
    else:
        candidate = None
    return candidate if candidate is not None and referral.allows(candidate) else None
