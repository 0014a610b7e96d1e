"""The ~80 demo referrals' scenarios: what should have happened to each one by now.

``build_plans`` lays out referrals over the last six weeks in every state the front door sees
(received, contact attempted, in triage, triaged, allocated, closed with every outcome,
support ended, returning people); ``DemoReferrals`` (``demo.referrals``) walks each plan
through the real services.

The services stamp "now" on what they record (triage completed, allocation, history dates).
So that a referral received five weeks ago was not also triaged "just now", each step runs
under ``clock_at(moment)``, which stands the clock at the moment that step happened. The
moments are always between the referral's ``received_at`` and the real now, so every guard
in the services (no contact attempt in the future or before the referral) still holds.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from demo.people import HUB_TOWNS
from referrals.models import Referral, Triage

R = Referral
OUT = Triage.Outcome

# Stable namespace for the demo referrals' submission tokens: the same plan gets the same
# token on every run, and ``referral_create`` returns the existing referral for a token it
# has seen, which is what makes a second run of ``seed_demo`` change nothing.
DEMO_NAMESPACE = uuid.UUID("6f1d3c2e-9a57-4f0b-9d2b-3f1e2a7c5d10")

# (weight, referrer type, source, channels) for adults' referrals (REF-1, REF-2).
ROUTES = (
    (
        30,
        R.ReferrerType.SELF,
        R.Source.SELF,
        (R.Channel.ONLINE, R.Channel.ONLINE, R.Channel.PHONE, R.Channel.IN_PERSON),
    ),
    (4, R.ReferrerType.SELF, R.Source.SELF, (R.Channel.OUTREACH,)),
    # No wrong door: met by staff at a partner's venue or a hub drop-in.
    (6, R.ReferrerType.SELF, R.Source.SELF, (R.Channel.IN_REACH,)),
    (6, R.ReferrerType.SELF, R.Source.SELF, (R.Channel.HUB_DROP_IN,)),
    (9, R.ReferrerType.FAMILY, R.Source.FAMILY, (R.Channel.ONLINE, R.Channel.PHONE)),
    (10, R.ReferrerType.PROFESSIONAL, R.Source.GP, (R.Channel.PHONE, R.Channel.EMAIL)),
    (6, R.ReferrerType.PROFESSIONAL, R.Source.HOSPITAL, (R.Channel.PHONE, R.Channel.EMAIL)),
    (4, R.ReferrerType.PROFESSIONAL, R.Source.ADULT_SOCIAL_CARE, (R.Channel.EMAIL, R.Channel.PHONE)),
    (5, R.ReferrerType.PROFESSIONAL, R.Source.PROBATION, (R.Channel.EMAIL,)),
    (3, R.ReferrerType.PROFESSIONAL, R.Source.POLICE, (R.Channel.PHONE,)),
    (3, R.ReferrerType.TRANSFER, R.Source.PRISON, (R.Channel.EMAIL,)),
    (4, R.ReferrerType.PROFESSIONAL, R.Source.HOUSING, (R.Channel.PHONE, R.Channel.EMAIL)),
    (4, R.ReferrerType.PROFESSIONAL, R.Source.MENTAL_HEALTH, (R.Channel.EMAIL,)),
    (3, R.ReferrerType.TRANSFER, R.Source.VCFSE, (R.Channel.EMAIL, R.Channel.PHONE)),
    (2, R.ReferrerType.PROFESSIONAL, R.Source.OTHER, (R.Channel.PHONE,)),
)
CHILDRENS_SOURCES = (
    R.Source.CHILDRENS_SERVICES,
    R.Source.EARLY_HELP,
    R.Source.CHILD_PROTECTION,
    R.Source.YOUTH_JUSTICE,
)
REFERRER_ORGANISATIONS = {
    R.Source.GP: "{name} Medical Practice",
    R.Source.HOSPITAL: "Cumberland Infirmary (demo)",
    R.Source.ADULT_SOCIAL_CARE: "Adult Social Care (demo)",
    R.Source.PROBATION: "Probation Service (demo)",
    R.Source.POLICE: "Custody suite (demo)",
    R.Source.PRISON: "HMP (demo)",
    R.Source.HOUSING: "{name} Housing Association",
    R.Source.MENTAL_HEALTH: "Community Mental Health Team (demo)",
    R.Source.VCFSE: "{name} Community Trust",
    R.Source.OTHER: "{name} Pharmacy",
    R.Source.CHILDRENS_SERVICES: "Children's Services (demo)",
    R.Source.EARLY_HELP: "Early Help team (demo)",
    R.Source.CHILD_PROTECTION: "Child Protection team (demo)",
    R.Source.YOUTH_JUSTICE: "Youth Justice Service (demo)",
}
REASONS = (
    "Wants help to cut down their drinking; worried about their health.",
    "Using more cocaine at weekends than they would like and wants to talk to someone.",
    "Recently released and would like support to stay well and find housing.",
    "Has been drinking daily since losing their job and would like a fresh start.",
    "Family are worried about their use of prescribed painkillers.",
    "Would like support around heroin use and is interested in a recovery group.",
    "Cannabis use is affecting their sleep and mood; asked the GP for help.",
    "Wants to reduce alcohol before planned surgery.",
    "Has been to A&E twice this month after drinking; would like support.",
    "Looking for peer support and activities in their area.",
)
# §3.1.1.c: a family member, friend or carer asking for support for themselves.
CARER_REASONS = (
    "Worried about my mum's drinking and would like someone to talk to.",
    "My partner's drug use is affecting the whole family; I need support for me.",
    "Looking after my brother, who uses heroin, and finding it hard to cope.",
)
NOTES_NO_ANSWER = (
    "Rang the mobile given, no answer.",
    "No reply; will try again tomorrow.",
    "Phone went to voicemail.",
)
NOTES_MESSAGE = ("Left a short voicemail with our number only.", "Sent a text asking them to call back.")
NOTES_MADE = ("Spoke to them; happy to talk through support now.", "Good call; they would like to meet at the hub.")
SIGNPOSTS = ("Alcoholics Anonymous (local meeting)", "Citizens Advice", "Talking therapies (self-referral)", "GP")
CLOSE_AFTER_SUPPORT = (
    "Support ended: recovery goals met.",
    "Support ended: moved out of the area.",
    "Support ended: asked not to be contacted.",
)


@dataclass
class Plan:
    """What should have happened to one demo referral by now."""

    key: str
    stage: str  # received, contacting, declined, in_triage, triaged, allocated, closed, support_ended
    age: dt.timedelta
    outcome: str = ""
    urgent: bool = False
    childrens: bool = False
    pregnant: bool = False
    out_of_area: bool = False
    under_18: bool = False
    # §3.1.1.c: a family member, friend or carer asking for support for themselves.
    carer: bool = False
    young_carer: bool = False
    hub: str = ""
    make_person: bool = False
    returning_of: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def token(self) -> uuid.UUID:
        return uuid.uuid5(DEMO_NAMESPACE, self.key)


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Stand Django's clock at ``moment`` for what the services record (see module doc)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Timeline:
    """The moments a referral's steps happened: realistic gaps (hours) in order, squeezed to
    fit when the referral is younger than the steps would take, never reaching the real now."""

    def __init__(self, rng: random.Random, *, start: dt.datetime, end: dt.datetime, longest: float):
        self.rng, self.start = rng, start
        available = (end - start).total_seconds() / 3600 * 0.9
        self.scale = min(1.0, available / longest) if longest else 1.0
        self.hours = 0.0

    def after(self, shortest: float, longest: float) -> dt.datetime:
        self.hours += self.rng.uniform(shortest, longest)
        return self.start + dt.timedelta(hours=self.hours * self.scale)


def build_plans(rng: random.Random) -> list[Plan]:
    """About 80 referrals over the last six weeks, in every state the front door sees."""
    plans: list[Plan] = []

    def minutes(a: int, b: int) -> dt.timedelta:
        return dt.timedelta(minutes=rng.randint(a, b))

    def days(a: float, b: float) -> dt.timedelta:
        return dt.timedelta(minutes=rng.randint(int(a * 1440), int(b * 1440)))

    def add(stage: str, age: dt.timedelta, **kwargs) -> Plan:
        plan = Plan(key=f"demo-{len(plans) + 1:03d}", stage=stage, age=age, **kwargs)
        plans.append(plan)
        return plan

    hubs = tuple(HUB_TOWNS)
    # Received in the last hour: the top of the queue right now.
    add("received", minutes(2, 15), urgent=True)
    add("received", minutes(5, 30), childrens=True)
    for _ in range(4):
        add("received", minutes(10, 55))
    # Received in the last two days, and some overdue (REF-5: time against target).
    for _ in range(6):
        add("received", days(0.1, 2))
    add("received", days(5, 9), childrens=True)
    add("received", days(5, 9))
    add("received", days(6, 10))
    # Contact attempted, no luck yet; three of them overdue.
    add("contacting", days(0.2, 1), urgent=True)
    for _ in range(4):
        add("contacting", days(0.3, 3))
    for _ in range(3):
        add("contacting", days(6, 12))
    add("declined", days(8, 12))
    # Contact made and screening under way.
    add("in_triage", days(1, 3), urgent=True)
    add("in_triage", days(1, 4), childrens=True)
    add("in_triage", days(1, 4), pregnant=True)
    for _ in range(4):
        add("in_triage", days(1, 6))
    # Triaged and waiting for a hub and worker.
    for outcome in (OUT.ERS, OUT.ERS, OUT.ERS, OUT.BOTH):
        add("triaged", days(2, 8), outcome=outcome, hub=rng.choice(hubs))
    add("triaged", days(2, 8), outcome=OUT.BOTH, childrens=True, hub=rng.choice(hubs))
    # Allocated: the Carlisle hub (where the demo hub worker and peer work) gets the most.
    allocated_hubs = ["Carlisle"] * 9 + [h for h in hubs if h != "Carlisle"] * 3 + ["Kendal"]
    for index, hub in enumerate(allocated_hubs):
        outcome = OUT.BOTH if index % 6 == 0 else OUT.ERS
        add(
            "allocated",
            days(8, 40),
            outcome=outcome,
            hub=hub,
            childrens=index == 6,
            pregnant=index == 12,
            urgent=index == 3,
        )
    for _ in range(3):
        add("support_ended", days(30, 42), outcome=OUT.ERS, hub=rng.choice(hubs))
    # Closed at triage, with every closing outcome (REF-7).
    add("closed", days(7, 40), outcome=OUT.TREATMENT, childrens=True)
    add("closed", days(7, 40), outcome=OUT.TREATMENT, pregnant=True)
    add("closed", days(7, 40), outcome=OUT.TREATMENT)
    add("closed", days(7, 40), outcome=OUT.TREATMENT, urgent=True)
    for _ in range(4):
        add("closed", days(7, 40), outcome=OUT.SIGNPOST)
    add("closed", days(7, 40), outcome=OUT.NOT_ELIGIBLE, out_of_area=True)
    add("closed", days(7, 40), outcome=OUT.NOT_ELIGIBLE, out_of_area=True)
    add("closed", days(7, 40), outcome=OUT.NOT_ELIGIBLE, under_18=True)
    for _ in range(4):
        add("closed", days(10, 40), outcome=OUT.UNABLE_TO_CONTACT)
    # Returning people (REF-4, §3.4.6): an earlier referral, and a new one linked to the same person.
    earlier = [
        add("closed", days(36, 42), outcome=OUT.SIGNPOST, make_person=True),
        add("closed", days(36, 42), outcome=OUT.SIGNPOST, make_person=True),
        add("closed", days(36, 42), outcome=OUT.UNABLE_TO_CONTACT, make_person=True),
        add("support_ended", days(36, 42), outcome=OUT.ERS, hub="Carlisle", make_person=True),
    ]
    add("in_triage", days(1, 3), returning_of=earlier[0].key)
    add("triaged", days(2, 6), outcome=OUT.ERS, hub="Penrith", returning_of=earlier[1].key)
    add("allocated", days(8, 20), outcome=OUT.ERS, hub="Carlisle", returning_of=earlier[2].key)
    add("allocated", days(8, 20), outcome=OUT.ERS, hub="Carlisle", returning_of=earlier[3].key)
    # Families, friends and carers (§3.1.1.c): an adult carer with the Carlisle hub, and a young
    # carer (under 18, flagged for a safeguarding-aware response) waiting in the queue.
    add("allocated", days(8, 20), outcome=OUT.CARER_SUPPORT, hub="Carlisle", carer=True)
    add("in_triage", days(1, 3), carer=True, young_carer=True)
    return plans
