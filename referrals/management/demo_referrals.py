"""The ~80 fictional referrals that ``seed_demo`` walks through the real services.

Every referral is reached through ``referrals.services`` (create, contact attempts, screening,
triage outcome, allocation, people and links), so its history rows, status transitions and
automatic Treatment referrals are exactly what a practitioner's clicks would have made.

The services stamp "now" on what they record (triage completed, allocation, history dates).
So that a referral received five weeks ago was not also triaged "just now", each step runs
under ``clock_at(moment)``, which stands the clock at the moment that step happened. The
moments are always between the referral's ``received_at`` and the real now, so every guard
in the services (no contact attempt in the future or before the referral) still holds.

``DemoReferrals.share`` then gives the Treatment Service demo user something to see (PAR-2,
PAR-3, PAR-4): for the allocated people whose triage outcome was "ERS and Treatment", consent
to share with the Treatment Service, their Treatment referrals sent, and an outcome recorded
by the Treatment practitioner on one; and one onward referral to a housing service. Each step
looks at what is already recorded first, so a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from partnership.access import role_of
from partnership.models import Hub, Organisation, Role
from referrals.management.front_door_data import FAMILY_NAMES, GIVEN_NAMES
from referrals.models import (
    Consent,
    ContactAttempt,
    ContactMethod,
    Escalation,
    OnwardReferral,
    Person,
    Referral,
    Substance,
    TreatmentReferral,
    Triage,
    YesNoUnknown,
)
from referrals.services import consent as consent_services
from referrals.services import referrals as services
from referrals.services import sharing as services_sharing

R = Referral
OUT = Triage.Outcome

# Stable namespace for the demo referrals' submission tokens: the same plan gets the same
# token on every run, and ``referral_create`` returns the existing referral for a token it
# has seen, which is what makes a second run of ``seed_demo`` change nothing.
DEMO_NAMESPACE = uuid.UUID("6f1d3c2e-9a57-4f0b-9d2b-3f1e2a7c5d10")

# Towns served by each hub, for believable addresses; postcode districts to match (§3.5.2).
HUB_TOWNS = {
    "Carlisle": (("Carlisle", "CA1"), ("Carlisle", "CA2"), ("Brampton", "CA8"), ("Longtown", "CA6")),
    "West Cumbria": (("Workington", "CA14"), ("Whitehaven", "CA28"), ("Maryport", "CA15"), ("Cockermouth", "CA13")),
    "Barrow-in-Furness": (("Barrow-in-Furness", "LA14"), ("Ulverston", "LA12"), ("Dalton-in-Furness", "LA15")),
    "Penrith": (("Penrith", "CA11"), ("Appleby-in-Westmorland", "CA16"), ("Keswick", "CA12")),
    "Kendal": (("Kendal", "LA9"), ("Windermere", "LA23"), ("Sedbergh", "LA10")),
}
OUT_OF_AREA = (("Lancaster", "LA1"), ("Newcastle upon Tyne", "NE1"), ("Dumfries", "DG1"))

# (weight, referrer type, source, channels) for adults' referrals (REF-1, REF-2).
ROUTES = (
    (
        30,
        R.ReferrerType.SELF,
        R.Source.SELF,
        (R.Channel.ONLINE, R.Channel.ONLINE, R.Channel.PHONE, R.Channel.IN_PERSON),
    ),
    (4, R.ReferrerType.SELF, R.Source.SELF, (R.Channel.OUTREACH,)),
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
NOTES_NO_ANSWER = (
    "Rang the mobile given, no answer.",
    "No reply; will try again tomorrow.",
    "Phone went to voicemail.",
)
NOTES_MESSAGE = ("Left a short voicemail with our number only.", "Sent a text asking them to call back.")
NOTES_MADE = ("Spoke to them; happy to talk through support now.", "Good call; they would like to meet at the hub.")
SIGNPOSTS = ("Alcoholics Anonymous (local meeting)", "Citizens Advice", "Talking therapies (self-referral)", "GP")
# The onward referral (PAR-4): a housing service, with the person's consent to share with it.
ONWARD_HOUSING = "Carlisle Housing Options (demo)"
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
    hub: str = ""
    make_person: bool = False
    returning_of: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def token(self) -> uuid.UUID:
        return uuid.uuid5(DEMO_NAMESPACE, self.key)


class PlainFaker:
    """A stand-in for Faker where it is not installed (the Docker image has no dev
    dependencies): the few methods the demo uses, from fixed lists and a seeded generator."""

    STREETS = (
        "Church Street",
        "Station Road",
        "Victoria Road",
        "Castle Street",
        "Fell View",
        "Beck Lane",
        "Market Place",
        "Lowther Street",
        "Scotch Street",
        "Highgate",
        "Stricklandgate",
        "Lake Road",
    )

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def first_name(self) -> str:
        return self.rng.choice(GIVEN_NAMES)

    def last_name(self) -> str:
        return self.rng.choice(FAMILY_NAMES)

    def name(self) -> str:
        return f"{self.first_name()} {self.last_name()}"

    def date_of_birth(self, *, minimum_age: int, maximum_age: int) -> dt.date:
        days = self.rng.randint(int(minimum_age * 365.25) + 1, int((maximum_age + 1) * 365.25) - 2)
        return dt.date.today() - dt.timedelta(days=days)

    def building_number(self) -> str:
        return str(self.rng.randint(1, 120))

    def street_name(self) -> str:
        return self.rng.choice(self.STREETS)


def demo_faker(seed: int):
    """Faker (en_GB, the library factory-boy uses) with a fixed seed, or ``PlainFaker``."""
    try:
        from faker import Faker
    except ImportError:
        return PlainFaker(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return fake


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
    return plans


def nhs_test_number(rng: random.Random) -> str:
    """A number in the 999 range the NHS keeps for testing, with a valid check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randint(0, 9) for _ in range(6)]
        remainder = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 11 - remainder
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


class DemoReferrals:
    """Builds the plans into real referrals, oldest first, through the services."""

    def __init__(
        self,
        *,
        fake,
        rng: random.Random,
        now: dt.datetime,
        spoc,
        manager,
        hubs: dict[str, Hub],
        workers_by_hub: dict[str, list],
    ):
        self.fake, self.rng, self.now = fake, rng, now
        self.spoc, self.manager = spoc, manager
        self.hubs, self.workers_by_hub = hubs, workers_by_hub
        self.subjects: dict[str, dict] = {}
        self.referrals: dict[str, Referral] = {}
        self.plans: list[Plan] = []

    def run(self) -> int:
        """Make every planned referral that does not exist yet; return how many were made."""
        self.plans = build_plans(self.rng)
        plans = sorted(self.plans, key=lambda p: p.age, reverse=True)
        made = 0
        for plan in plans:
            # Everything random is drawn before looking in the database, so a second run
            # draws exactly the same values for the same plans.
            data = self._intake_data(plan)
            online, channel = data.pop("_online"), data.pop("_channel")
            by = None if online else self._actor()
            received_at = self.now - plan.age
            with clock_at(received_at):
                referral, created = services.referral_create(
                    data=data, channel=channel, by=by, submission_token=plan.token, received_at=received_at
                )
            self.referrals[plan.key] = referral
            if created:
                self._advance(referral, plan)
                made += 1
        return made

    # --- Consent and sharing (PAR-2 to PAR-5) ------------------------------------------

    def share(self, *, treatment: Organisation, treatment_user) -> int:
        """After ``run``: consent, Treatment referrals sent (one with its outcome) and one
        onward referral, each only if not recorded yet. Returns how many steps were taken.

        No random draws here: the moments follow each referral's allocation, so a second run
        finds everything in place and does nothing."""
        steps = 0
        fresh = Referral.objects.select_related("person", "allocated_worker__membership", "assigned_to").in_bulk(
            [referral.pk for referral in self.referrals.values()]
        )
        referral_for = {key: fresh[referral.pk] for key, referral in self.referrals.items()}
        # Allocated people whose triage outcome was "ERS and Treatment": ERS support carries
        # on while the Treatment Service sees them (§3.19.3).
        both = [
            referral_for[plan.key]
            for plan in self.plans
            if plan.stage == "allocated" and plan.outcome == OUT.BOTH and plan.key in referral_for
        ]
        for referral in both:
            steps += self._send_to_treatment(referral, treatment)
        if both:
            # The Treatment practitioner accepts the longest-waiting one and books them in.
            steps += self._treatment_outcome(min(both, key=lambda r: r.allocated_at), treatment_user)
        # One onward referral, on the demo hub worker's own caseload.
        onward = next(
            (
                referral_for[plan.key]
                for plan in self.plans
                if plan.stage == "allocated"
                and plan.outcome == OUT.ERS
                and plan.key in referral_for
                and referral_for[plan.key].allocated_worker_id == self.workers_by_hub["Carlisle"][0].pk
            ),
            None,
        )
        if onward is not None:
            steps += self._onward_referral(onward)
        return steps

    def _sharer(self, referral: Referral):
        """Who talks sharing through with the person and sends: their hub worker, or the SPOC
        practitioner who triaged them when a peer support worker has them (the dataset sent
        carries risk detail, which peer support workers do not see)."""
        if role_of(referral.allocated_worker) == Role.HUB_WORKER:
            return referral.allocated_worker
        return referral.assigned_to or self.spoc

    def _after_allocation(self, referral: Referral, hours: float) -> dt.datetime:
        """A moment ``hours`` after the referral was allocated, never reaching the real now."""
        return min(referral.allocated_at + dt.timedelta(hours=hours), self.now - dt.timedelta(minutes=1))

    def _consent(self, referral: Referral, *, recipient: str, agency_name: str = "", at: dt.datetime) -> tuple:
        """The person's current consent to share with ``recipient``, recorded now if missing."""
        consent = (
            Consent.objects.filter(
                person_id=referral.person_id,
                recipient=recipient,
                agency_name=agency_name,
                given=True,
                withdrawn_at__isnull=True,
            )
            .order_by("-recorded_at", "-pk")
            .first()
        )
        if consent is not None:
            return consent, 0
        with clock_at(at):
            consent = consent_services.consent_record(
                person=referral.person,
                by=self._sharer(referral),
                recipient=recipient,
                agency_name=agency_name,
                given=True,
            )
        return consent, 1

    def _send_to_treatment(self, referral: Referral, treatment: Organisation) -> int:
        pending = list(referral.treatment_referrals.filter(status=TreatmentReferral.Status.PENDING).order_by("pk"))
        if not pending or referral.person_id is None:
            return 0
        # The hub worker talks it through with the person soon after allocation, then sends.
        consent, steps = self._consent(
            referral, recipient=Consent.Recipient.TREATMENT, at=self._after_allocation(referral, 1)
        )
        with clock_at(self._after_allocation(referral, 2)):
            for treatment_referral in pending:
                services_sharing.treatment_referral_send(
                    treatment_referral=treatment_referral,
                    by=self._sharer(referral),
                    organisation=treatment,
                    consent=consent,
                )
                steps += 1
        return steps

    def _treatment_outcome(self, referral: Referral, treatment_user) -> int:
        sent = referral.treatment_referrals.filter(status__in=TreatmentReferral.SENT_STATUSES).order_by("pk").first()
        if sent is None or sent.status != TreatmentReferral.Status.SENT:
            return 0  # not sent, or its outcome is already recorded
        # First appointment three days after it was sent; recorded the day after that, with
        # treatment started if the appointment was not still ahead then.
        appointment = timezone.localdate(sent.sent_at) + dt.timedelta(days=3)
        recorded_at = min(sent.sent_at + dt.timedelta(days=4), self.now - dt.timedelta(minutes=1))
        with clock_at(recorded_at):
            services_sharing.treatment_referral_record_outcome(
                treatment_referral=sent,
                by=treatment_user,
                accepted=True,
                first_appointment_on=appointment,
                treatment_started_on=appointment if appointment <= timezone.localdate(recorded_at) else None,
            )
        return 1

    def _onward_referral(self, referral: Referral) -> int:
        if referral.person_id is None or OnwardReferral.objects.filter(referral=referral).exists():
            return 0
        consent, steps = self._consent(
            referral,
            recipient=Consent.Recipient.OTHER_AGENCY,
            agency_name=ONWARD_HOUSING,
            at=self._after_allocation(referral, 24),
        )
        sent_at = self._after_allocation(referral, 25)
        with clock_at(sent_at):
            services_sharing.onward_referral_record(
                referral=referral,
                by=self._sharer(referral),
                service_type=OnwardReferral.ServiceType.HOUSING,
                organisation_name=ONWARD_HOUSING,
                sent_at=sent_at,
                notes="Sofa surfing since the spring; would like help to find a tenancy.",
                share_personal_data=True,
                sharing_basis=consent,
            )
        return steps + 1

    # --- The referral as received ----------------------------------------------------

    def _actor(self):
        # The SPOC practitioner takes most of the work; the manager covers now and then.
        return self.manager if self.rng.random() < 0.2 else self.spoc

    def _subject(self, plan: Plan) -> dict:
        if plan.returning_of:
            subject = dict(self.subjects[plan.returning_of])
            subject["subject_phone"] = f"07700 900{self.rng.randint(0, 999):03d}"  # new number since
            return subject
        fake, rng = self.fake, self.rng
        given, family = fake.first_name(), fake.last_name()
        if plan.under_18:
            dob = fake.date_of_birth(minimum_age=16, maximum_age=17)
        elif plan.pregnant:
            dob = fake.date_of_birth(minimum_age=19, maximum_age=40)
        else:
            dob = fake.date_of_birth(minimum_age=19, maximum_age=72)
        town, district = rng.choice(
            OUT_OF_AREA if plan.out_of_area else HUB_TOWNS[plan.hub or rng.choice(list(HUB_TOWNS))]
        )
        postcode = (
            f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        subject = {
            "subject_given_name": given,
            "subject_family_name": family,
            "subject_date_of_birth": dob if rng.random() < 0.9 else None,
            "subject_nhs_number": nhs_test_number(rng) if rng.random() < 0.4 else "",
            "subject_address": f"{fake.building_number()} {fake.street_name()}\n{town}",
            "subject_postcode": postcode,
            "subject_phone": f"07700 900{rng.randint(0, 999):03d}",  # Ofcom's range for drama
            "subject_email": f"{given.lower()}.{family.lower()}{rng.randint(1, 99)}@example.com"
            if rng.random() < 0.5
            else "",
        }
        self.subjects[plan.key] = subject
        return subject

    def _intake_data(self, plan: Plan) -> dict:
        rng, fake = self.rng, self.fake
        if plan.childrens:
            referrer_type, source = R.ReferrerType.PROFESSIONAL, rng.choice(CHILDRENS_SOURCES)
            channel = rng.choice((R.Channel.PHONE, R.Channel.EMAIL))
        else:
            weights = [w for w, *_ in ROUTES]
            _w, referrer_type, source, channels = rng.choices(ROUTES, weights=weights)[0]
            channel = rng.choice(channels)
        substances = [
            rng.choice(
                (
                    Substance.ALCOHOL,
                    Substance.ALCOHOL,
                    Substance.OPIOIDS,
                    Substance.COCAINE,
                    Substance.CANNABIS,
                    Substance.CRACK,
                    Substance.BENZODIAZEPINES,
                    Substance.PRESCRIPTION,
                )
            )
        ]
        if rng.random() < 0.3:
            substances.append(rng.choice([s for s in Substance.values if s not in substances and s != Substance.OTHER]))
        data = {
            **self._subject(plan),
            "is_urgent": plan.urgent,
            "referrer_type": referrer_type,
            "source": source,
            "substances": substances,
            "reason": rng.choice(REASONS),
            "open_to_childrens_services": YesNoUnknown.YES
            if plan.childrens
            else rng.choice((YesNoUnknown.NO, YesNoUnknown.UNKNOWN)),
            "pregnant": YesNoUnknown.YES if plan.pregnant else YesNoUnknown.UNKNOWN,
            "consent_to_contact": True,
            "contact_methods": rng.choice(
                (
                    [ContactMethod.PHONE],
                    [ContactMethod.PHONE, ContactMethod.TEXT],
                    [ContactMethod.EMAIL, ContactMethod.PHONE],
                )
            ),
            "safe_contact_times": rng.choice(("", "Weekday mornings", "After 5pm", "Any time")),
            "safe_to_leave_message": rng.choice((YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN)),
            "preferred_language": "pl" if rng.random() < 0.05 else "",
        }
        if referrer_type != R.ReferrerType.SELF:
            name = fake.name()
            data["referrer_name"] = name
            data["referrer_phone"] = f"01632 960{rng.randint(0, 999):03d}"  # Ofcom's range for drama
            if referrer_type == R.ReferrerType.FAMILY:
                data["referrer_relationship"] = rng.choice(("Mother", "Partner", "Brother", "Friend", "Daughter"))
            else:
                template = REFERRER_ORGANISATIONS.get(source, "{name} Support Service")
                data["referrer_organisation"] = template.format(name=fake.last_name())
                data["referrer_role"] = rng.choice(("Support worker", "Nurse", "Case manager", "Social worker"))
                data["referrer_email"] = f"referrals{rng.randint(1, 99)}@example.org"
        # The public form is anonymous (by=None); a professional's e-mail is keyed in by the SPOC.
        online = channel == R.Channel.ONLINE and referrer_type in (R.ReferrerType.SELF, R.ReferrerType.FAMILY)
        data["_online"] = online
        data["_channel"] = channel
        return data

    # --- What happened next --------------------------------------------------------------

    def _advance(self, referral: Referral, plan: Plan) -> None:
        rng = self.rng
        by = self._actor()
        if plan.stage == "received":
            # Some new referrals are already picked up ("Assigned to me" in the queue).
            if rng.random() < 0.3:
                with clock_at(referral.received_at + (self.now - referral.received_at) / 2):
                    services.referral_assign(referral=referral, to=by, by=by)
            return
        failed = {"contacting": rng.randint(1, 3), "declined": 1}.get(plan.stage, rng.choice((0, 0, 1, 2)))
        if plan.outcome == OUT.UNABLE_TO_CONTACT:
            failed = 3
        when = Timeline(rng, start=referral.received_at, end=self.now, longest=self._longest(plan, failed))
        # Whoever takes the referral on is its assigned SPOC practitioner from then on.
        picked_up = min((self.now - referral.received_at) * 0.0005, dt.timedelta(minutes=20))  # before any step
        with clock_at(referral.received_at + picked_up):
            services.referral_assign(referral=referral, to=by, by=by)

        for n in range(failed):
            self._attempt(
                referral,
                by,
                when.after(0.5, 20) if n == 0 else when.after(4, 30),
                rng.choice((ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.LEFT_MESSAGE)),
            )
        if plan.stage == "contacting":
            return
        if plan.stage == "declined":
            self._attempt(referral, by, when.after(4, 30), ContactAttempt.Outcome.DECLINED)
            with clock_at(when.after(0.1, 1)):
                services.referral_close(referral=referral, by=by, reason="Person did not want support")
            return
        if plan.outcome == OUT.UNABLE_TO_CONTACT:
            with clock_at(when.after(24, 72)):
                if plan.make_person:
                    services.person_create_from_referral(referral=referral, by=by)
                services.triage_complete(referral=referral, by=by, outcome=OUT.UNABLE_TO_CONTACT)
            return

        self._attempt(
            referral, by, when.after(0.5, 20) if failed == 0 else when.after(4, 30), ContactAttempt.Outcome.MADE_CONTACT
        )
        screened_at = when.after(0.1, 0.5)
        with clock_at(screened_at):
            self._person(referral, plan, by)
            services.triage_save_screening(referral=referral, by=by, **self._screening(referral, plan))
            if plan.urgent:
                services.escalation_record(
                    referral=referral,
                    by=by,
                    action=rng.choice((Escalation.Action.CRISIS_TEAM, Escalation.Action.MANAGER_INFORMED)),
                    done_at=screened_at,
                    done_by_name=by.get_full_name(),
                    notes="Escalated under the urgent protocol; agreed next steps with the person.",
                )
        if plan.stage == "in_triage":
            return
        triaged_at = when.after(2, 72)
        with clock_at(triaged_at):
            services.triage_complete(referral=referral, by=by, **self._outcome(plan))
            if plan.outcome in Triage.TREATMENT_OUTCOMES:
                services.warm_introduction_record(
                    referral=referral,
                    by=by,
                    introduced_to="Duty worker",
                    organisation="Cumbria Treatment Service (demo)",
                    introduced_at=triaged_at,
                    notes="Three-way call with the person to introduce the Treatment Service.",
                )
        if plan.stage in ("triaged", "closed"):
            return
        hub = self.hubs[plan.hub]
        workers = self.workers_by_hub[plan.hub]
        # The named demo hub worker gets the biggest share, so their caseload is not empty.
        worker = workers[0] if rng.random() < 0.6 else rng.choice(workers)
        with clock_at(when.after(4, 96)):
            services.referral_allocate(referral=referral, hub=hub, worker=worker, by=by)
        if plan.stage == "support_ended":
            with clock_at(when.after(240, 480)):
                services.referral_close(referral=referral, by=by, reason=rng.choice(CLOSE_AFTER_SUPPORT))

    @staticmethod
    def _longest(plan: Plan, failed: int) -> float:
        """The most hours the steps ``_advance`` takes for this plan could add up to."""
        hours = 20.0 + 30 * (failed - 1) if failed else 0.0
        if plan.stage == "declined":
            return hours + 31
        if plan.outcome == OUT.UNABLE_TO_CONTACT:
            return hours + 72
        if plan.stage == "contacting":
            return max(hours, 1.0)
        hours += 30 + 0.5
        if plan.stage != "in_triage":
            hours += 72
        if plan.stage in ("allocated", "support_ended"):
            hours += 96
        if plan.stage == "support_ended":
            hours += 480
        return hours

    def _attempt(self, referral: Referral, by, when: dt.datetime, outcome: str) -> None:
        notes = {
            ContactAttempt.Outcome.NO_ANSWER: NOTES_NO_ANSWER,
            ContactAttempt.Outcome.LEFT_MESSAGE: NOTES_MESSAGE,
            ContactAttempt.Outcome.MADE_CONTACT: NOTES_MADE,
            ContactAttempt.Outcome.DECLINED: ("Thanked us; does not want support at the moment.",),
        }[outcome]
        method = (
            ContactAttempt.Method.TEXT
            if outcome == ContactAttempt.Outcome.LEFT_MESSAGE and self.rng.random() < 0.5
            else ContactAttempt.Method.PHONE
        )
        with clock_at(when):
            services.contact_attempt_record(
                referral=referral,
                by=by,
                attempted_at=when,
                method=method,
                outcome=outcome,
                notes=self.rng.choice(notes),
            )

    def _person(self, referral: Referral, plan: Plan, by) -> None:
        if plan.returning_of:
            earlier = self.referrals[plan.returning_of]
            person = Person.objects.get(pk=earlier.person_id)
            services.referral_link_person(referral=referral, person=person, by=by)
        elif plan.stage != "in_triage" or self.rng.random() < 0.5:
            services.person_create_from_referral(referral=referral, by=by)

    def _screening(self, referral: Referral, plan: Plan) -> dict:
        rng = self.rng
        if plan.urgent:
            risk, reasons = Triage.Risk.RED, [rng.choice((Triage.RiskReason.OVERDOSE, Triage.RiskReason.SUICIDE))]
        else:
            risk = rng.choices((Triage.Risk.GREEN, Triage.Risk.AMBER, Triage.Risk.RED), weights=(50, 38, 12))[0]
            reasons = (
                []
                if risk == Triage.Risk.GREEN
                else [
                    rng.choice(
                        (
                            Triage.RiskReason.INJECTING,
                            Triage.RiskReason.HOMELESSNESS,
                            Triage.RiskReason.WITHDRAWAL,
                            Triage.RiskReason.DOMESTIC_ABUSE,
                            Triage.RiskReason.PHYSICAL_HEALTH,
                        )
                    )
                ]
            )
        if plan.childrens:
            reasons.append(Triage.RiskReason.CHILDREN)
            risk = risk if risk == Triage.Risk.RED else Triage.Risk.AMBER
        if plan.pregnant:
            reasons.append(Triage.RiskReason.PREGNANCY)
            risk = risk if risk == Triage.Risk.RED else Triage.Risk.AMBER
        return {
            "substances": list(referral.substances),
            "lives_in_area": YesNoUnknown.NO if plan.out_of_area else YesNoUnknown.YES,
            "pregnant": YesNoUnknown.YES if plan.pregnant else YesNoUnknown.NO,
            "open_to_childrens_services": YesNoUnknown.YES if plan.childrens else YesNoUnknown.NO,
            "mental_health_concern": rng.choice((YesNoUnknown.YES, YesNoUnknown.NO, YesNoUnknown.UNKNOWN)),
            "homeless": YesNoUnknown.YES if Triage.RiskReason.HOMELESSNESS in reasons else YesNoUnknown.NO,
            "screening_notes": "Talked through current use, support network and what they would like to change.",
            "risk": risk,
            "risk_reasons": reasons,
            "risk_notes": "" if risk == Triage.Risk.GREEN else "Discussed with the person; safety advice given.",
        }

    def _outcome(self, plan: Plan) -> dict:
        if plan.outcome == OUT.SIGNPOST:
            return {
                "outcome": OUT.SIGNPOST,
                "signposted_to": self.rng.choice(SIGNPOSTS),
                "outcome_reason": "Would prefer mutual aid and support nearer home for now.",
            }
        if plan.outcome == OUT.NOT_ELIGIBLE:
            reason = (
                "Under 18; passed to the young people's service."
                if plan.under_18
                else "Lives outside Cumbria; given details of their local service."
            )
            return {"outcome": OUT.NOT_ELIGIBLE, "outcome_reason": reason}
        return {"outcome": plan.outcome}
