"""The shape of a county's front door over five years, for ``benchmark_front_door``.

Who refers and how (``ROUTES``), what state a referral is in by its age (``AGE_BANDS``), and
``referral_timeline``: the contact attempts, triage and status transitions a referral in a
given state implies, in time order. ``demo.benchmark_data`` turns these into rows.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from referrals.models import ContactAttempt, Referral, Substance, TreatmentReferral, Triage, YesNoUnknown

R = Referral
S = Referral.Status
OUT = Triage.Outcome
YEARS = 5
RECENT_DAYS = 42
REASONS = (
    "Would like help to cut down drinking.",
    "Wants support to stop using heroin and to get into treatment.",
    "Cocaine use at weekends is getting out of hand.",
    "Released from prison last week and wants support.",
    "Family worried about prescribed painkillers.",
    "Cannabis is affecting sleep and mood.",
)
SUBSTANCES = (
    Substance.ALCOHOL,
    Substance.ALCOHOL,
    Substance.ALCOHOL,
    Substance.OPIOIDS,
    Substance.OPIOIDS,
    Substance.CRACK,
    Substance.COCAINE,
    Substance.CANNABIS,
    Substance.BENZODIAZEPINES,
    Substance.PRESCRIPTION,
    Substance.NPS,
)
ROUTES = (  # (weight, referrer type, source, channel)
    (22, R.ReferrerType.SELF, R.Source.SELF, R.Channel.ONLINE),
    (12, R.ReferrerType.SELF, R.Source.SELF, R.Channel.PHONE),
    (4, R.ReferrerType.SELF, R.Source.SELF, R.Channel.IN_PERSON),
    (3, R.ReferrerType.SELF, R.Source.SELF, R.Channel.OUTREACH),
    (7, R.ReferrerType.FAMILY, R.Source.FAMILY, R.Channel.PHONE),
    (10, R.ReferrerType.PROFESSIONAL, R.Source.GP, R.Channel.EMAIL),
    (6, R.ReferrerType.PROFESSIONAL, R.Source.HOSPITAL, R.Channel.PHONE),
    (4, R.ReferrerType.PROFESSIONAL, R.Source.ADULT_SOCIAL_CARE, R.Channel.EMAIL),
    (6, R.ReferrerType.PROFESSIONAL, R.Source.PROBATION, R.Channel.EMAIL),
    (3, R.ReferrerType.PROFESSIONAL, R.Source.POLICE, R.Channel.PHONE),
    (3, R.ReferrerType.TRANSFER, R.Source.PRISON, R.Channel.EMAIL),
    (4, R.ReferrerType.PROFESSIONAL, R.Source.HOUSING, R.Channel.PHONE),
    (4, R.ReferrerType.PROFESSIONAL, R.Source.MENTAL_HEALTH, R.Channel.EMAIL),
    (3, R.ReferrerType.TRANSFER, R.Source.VCFSE, R.Channel.EMAIL),
    (5, R.ReferrerType.PROFESSIONAL, R.Source.CHILDRENS_SERVICES, R.Channel.EMAIL),
    (3, R.ReferrerType.PROFESSIONAL, R.Source.EARLY_HELP, R.Channel.PHONE),
    (2, R.ReferrerType.PROFESSIONAL, R.Source.CHILD_PROTECTION, R.Channel.EMAIL),
    (1, R.ReferrerType.PROFESSIONAL, R.Source.YOUTH_JUSTICE, R.Channel.EMAIL),
    (2, R.ReferrerType.PROFESSIONAL, R.Source.OTHER, R.Channel.PHONE),
)
ROUTE_WEIGHTS = [route[0] for route in ROUTES]

# Status by age in days: (younger than, {state: weight}). "Closed" states say how it closed.
AGE_BANDS = (
    (1, {"received": 70, "contacting": 20, "in_triage": 10}),
    (3, {"received": 30, "contacting": 35, "in_triage": 20, "triaged": 10, "unable": 5}),
    (
        7,
        {
            "received": 10,
            "contacting": 25,
            "in_triage": 15,
            "triaged": 15,
            "allocated": 20,
            "treatment": 5,
            "signpost": 5,
            "declined": 5,
        },
    ),
    (
        21,
        {
            "received": 3,
            "contacting": 7,
            "in_triage": 5,
            "triaged": 5,
            "allocated": 45,
            "treatment": 8,
            "signpost": 8,
            "not_eligible": 3,
            "unable": 10,
            "declined": 6,
        },
    ),
    (
        RECENT_DAYS,
        {
            "contacting": 2,
            "in_triage": 1,
            "triaged": 1,
            "allocated": 50,
            "treatment": 10,
            "signpost": 9,
            "not_eligible": 4,
            "unable": 13,
            "declined": 5,
            "support_ended": 5,
        },
    ),
    (
        365,
        {
            "allocated": 30,
            "treatment": 14,
            "signpost": 12,
            "not_eligible": 5,
            "unable": 15,
            "declined": 6,
            "support_ended": 18,
        },
    ),
    (
        math.inf,
        {
            "allocated": 8,
            "treatment": 15,
            "signpost": 13,
            "not_eligible": 5,
            "unable": 17,
            "declined": 7,
            "support_ended": 35,
        },
    ),
)
BAND_CHOICES = [(limit, list(weights), list(weights.values())) for limit, weights in AGE_BANDS]
CLOSED_AT_TRIAGE = {
    "treatment": OUT.TREATMENT,
    "signpost": OUT.SIGNPOST,
    "not_eligible": OUT.NOT_ELIGIBLE,
    "unable": OUT.UNABLE_TO_CONTACT,
}
SCREENED = frozenset({"in_triage", "triaged", "allocated", "treatment", "signpost", "not_eligible", "support_ended"})
# The most hours the steps ``_timeline`` draws for a state can add up to.
MOST_HOURS = {
    "received": 1,
    "contacting": 80,
    "declined": 51,
    "unable": 152,
    "in_triage": 80,
    "triaged": 152,
    "treatment": 152,
    "signpost": 152,
    "not_eligible": 152,
    "allocated": 248,
    "support_ended": 648,
}


def referral_timeline(
    rng: random.Random, *, now: dt.datetime, received: dt.datetime, state: str, childrens: bool, pregnant: bool, by
) -> dict:
    """Contact attempts, triage and transitions for a referral in ``state``, in time order."""
    span_hours = (now - received).total_seconds() / 3600
    clock = [0.0]
    # Squeeze the steps into a young referral's age, so none of them is in the future.
    scale = min(1.0, span_hours * 0.9 / MOST_HOURS[state])

    def after(low: float, high: float) -> dt.datetime:
        clock[0] += rng.uniform(low, high)
        return received + dt.timedelta(hours=clock[0] * scale)

    attempts, transitions = [], []
    plan = {
        "status": S.CLOSED,
        "first_attempt": None,
        "contact_made": None,
        "triage_completed": None,
        "allocated": None,
        "closed": None,
        "attempts": attempts,
        "transitions": transitions,
        "triage": None,
        "treatment": [],
        "by": by,
    }
    status = S.RECEIVED

    def move(to: str, at: dt.datetime, reason: str) -> None:
        nonlocal status
        transitions.append((status, to, at, reason))
        status = to

    if state == "received":
        plan["status"] = S.RECEIVED
        return plan
    failed = {"contacting": rng.randint(1, 3), "unable": 3, "declined": 1}.get(state, rng.choice((0, 0, 1, 2)))
    for n in range(failed):
        at = after(0.5, 20) if n == 0 else after(4, 30)
        attempts.append(
            (
                at,
                ContactAttempt.Method.PHONE,
                rng.choice((ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.LEFT_MESSAGE)),
            )
        )
        if n == 0:
            move(S.CONTACTING, at, "Contact attempted")
    if attempts:
        plan["first_attempt"] = attempts[0][0]
    if state == "contacting":
        plan["status"] = S.CONTACTING
        return plan
    if state == "declined":
        at = after(4, 30)
        attempts.append((at, ContactAttempt.Method.PHONE, ContactAttempt.Outcome.DECLINED))
        plan["closed"] = after(0.1, 1)
        move(S.CLOSED, plan["closed"], "Person did not want support")
        return plan
    if state == "unable":
        at = after(24, 72)
        move(S.IN_TRIAGE, at, "Triage")
        move(S.CLOSED, at, str(OUT.UNABLE_TO_CONTACT.label))
        plan["triage_completed"] = plan["closed"] = at
        plan["triage"] = {"outcome": OUT.UNABLE_TO_CONTACT, "completed_at": at, "completed_by": by}
        return plan

    made = after(0.5, 20) if not attempts else after(4, 30)
    attempts.append((made, ContactAttempt.Method.PHONE, ContactAttempt.Outcome.MADE_CONTACT))
    plan["first_attempt"] = plan["first_attempt"] or made
    plan["contact_made"] = made
    move(S.IN_TRIAGE, made, "Contact made")
    risk = rng.choices((Triage.Risk.GREEN, Triage.Risk.AMBER, Triage.Risk.RED), weights=(55, 35, 10))[0]
    triage = {
        "substances": ["alcohol"],
        "lives_in_area": YesNoUnknown.YES,
        "pregnant": YesNoUnknown.YES if pregnant else YesNoUnknown.NO,
        "open_to_childrens_services": YesNoUnknown.YES if childrens else YesNoUnknown.NO,
        "risk": risk,
        "risk_reasons": [] if risk == Triage.Risk.GREEN else [Triage.RiskReason.OTHER],
        "risk_notes": "" if risk == Triage.Risk.GREEN else "Safety advice given.",
    }
    plan["triage"] = triage
    if childrens:
        plan["treatment"].append((TreatmentReferral.Reason.CHILDRENS_SERVICES, True))
    if pregnant:
        plan["treatment"].append((TreatmentReferral.Reason.PREGNANT, True))
    if state == "in_triage":
        plan["status"] = S.IN_TRIAGE
        return plan

    completed = after(2, 72)
    if state in CLOSED_AT_TRIAGE:
        outcome = CLOSED_AT_TRIAGE[state]
        if (childrens or pregnant) and outcome == OUT.SIGNPOST:
            outcome = OUT.TREATMENT  # §3.2.11: they go to the Treatment Service
    else:
        outcome = OUT.BOTH if (childrens or pregnant or rng.random() < 0.2) else OUT.ERS
    triage.update(outcome=outcome, completed_at=completed, completed_by=by)
    if outcome == OUT.SIGNPOST:
        triage["signposted_to"] = "Mutual aid group"
    if outcome == OUT.NOT_ELIGIBLE:
        triage["outcome_reason"] = "Lives outside the area."
    if outcome in Triage.TREATMENT_OUTCOMES:
        plan["treatment"].append((TreatmentReferral.Reason.TRIAGE_OUTCOME, False))
    plan["triage_completed"] = completed
    if outcome not in Triage.ALLOCATING_OUTCOMES:
        move(S.CLOSED, completed, str(OUT(outcome).label))
        plan["closed"] = completed
        return plan
    move(S.TRIAGED, completed, str(OUT(outcome).label))
    if state == "triaged":
        plan["status"] = S.TRIAGED
        return plan
    plan["allocated"] = after(4, 96)
    move(S.ALLOCATED, plan["allocated"], "Allocated")
    if state == "allocated":
        plan["status"] = S.ALLOCATED
        return plan
    plan["closed"] = after(120, 400)
    move(S.CLOSED, plan["closed"], "Support ended")
    return plan
