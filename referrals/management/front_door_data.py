"""Synthetic front-door data at county scale, for ``benchmark_front_door``.

Fast on purpose: rows are generated with one ``random.Random(seed)`` (Faker per row would
take an hour at this size) and written with ``bulk_create`` in batches. ``bulk_create`` skips
django-simple-history, signals and the services' checks: that is fine for throwaway benchmark
data, which needs realistic volumes and shapes in the tables the pages read, not an audit
trail. (The demo data in ``seed_demo`` goes through the services instead.) ``auto_now_add``
columns (``Person.created_at``, ``Triage.started_at``, ``TreatmentReferral.created_at``) take
the time of the run, as ``bulk_create`` always sets them.

The shape follows a county service over five years: most older referrals are closed or
allocated, the last few weeks are mostly still at the front door (a few hundred open queue
items at full size), about half of the people have been referred more than once, and each
referral has the contact attempts, triage and status transitions its state implies.

Object permissions are written the same way: every referral with an allocation gets the
django-guardian rows ``referrals.services.grants.sync_referral_grants`` would give it
(``view_referral`` for the allocated worker and the hub's group ``hub:<pk>``, ``view_person``
on its person likewise), so the caseload pages filter through real grants at full size. Staff
memberships are made one by one through ``partnership.services.membership_create``, which puts
everyone in their role, hub and organisation groups as in production.

One hub worker, the one the caseload pages are measured for, has a realistic caseload
(``CASELOAD`` referrals, all allocated in the last six months). Their caseload does not grow
with the county's history: they are given it in the first phase (or in later ones, if the
first had too few allocated referrals) and keep it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission

from partnership.grants import hub_group
from partnership.models import Hub, Organisation, Role
from partnership.services import membership_create
from referrals import rules
from referrals.matching import normalise_name
from referrals.models import (
    ContactAttempt,
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    StatusTransition,
    Substance,
    TreatmentReferral,
    Triage,
    YesNoUnknown,
)
from referrals.services.grants import VIEW_PERSON, VIEW_REFERRAL

R = Referral
S = Referral.Status
OUT = Triage.Outcome
BATCH = 1000
YEARS = 5
RECENT_DAYS = 42
# Every phase puts at least this many referrals in the last six weeks, so that even the small
# dataset has a full first page of queue (QUEUE_PAGE_SIZE is 50) to render.
RECENT_MINIMUM = 250
# The measured hub worker's caseload: referrals allocated to them and still open. ERS workers
# carry about 40; the benchmark makes one more through the services (the measured referral).
CASELOAD = 39
CASELOAD_DAYS = 183  # their caseload was allocated over the last six months

HUBS = ("Carlisle", "West Cumbria", "Barrow-in-Furness", "Penrith", "Kendal")
DISTRICTS = {
    "Carlisle": ("CA1", "CA2", "CA3", "CA4", "CA6", "CA8"),
    "West Cumbria": ("CA13", "CA14", "CA15", "CA25", "CA28"),
    "Barrow-in-Furness": ("LA12", "LA13", "LA14", "LA15"),
    "Penrith": ("CA10", "CA11", "CA12", "CA16"),
    "Kendal": ("LA8", "LA9", "LA10", "LA23"),
}
_GIVEN_NAMES = (
    "Aaron Abigail Adam Aisha Alex Alice Amelia Amir Ava Ben Beth Callum Cara Charlie Chloe Connor Daisy Daniel "
    "Declan Eilidh Ella Ellie Emma Erin Ethan Evie Finley Freya George Grace Hannah Harry Holly Isaac Isla Jack "
    "Jade Jake James Jasmine Jay Jessica Joe Josh Kai Katie Kieran Lauren Leah Leo Liam Lily Logan Lucy Luke "
    "Maisie Mason Megan Mia Millie Mohammed Molly Nathan Niamh Noah Olivia Oscar Owen Paige Priya Rhys Rosie Ryan "
    "Sam Sarah Scarlett Sean Sian Sophie Stacey Thomas Toby Tom Tyler Zara"
)
_FAMILY_NAMES = (
    "Armstrong Atkinson Bailey Baker Bell Bennett Brown Burns Campbell Carr Clarke Collins Cook Cooper Cox Davies "
    "Dixon Edwards Ellis Evans Fisher Fletcher Foster Graham Gray Green Hall Harris Harrison Hill Holmes Hughes "
    "Hunter Jackson James Johnson Jones Kelly Kennedy Khan King Knight Lee Lewis Marshall Martin Mason Miller "
    "Mitchell Moore Morgan Morris Murphy Murray Nelson Owen Palmer Parker Patel Pearson Phillips Price Reid "
    "Richardson Roberts Robinson Rogers Ross Russell Scott Shaw Simpson Smith Stewart Taylor Thomson Turner Walker "
    "Walsh Ward Watson White Williams Wilson Wood Wright Young"
)
BENCHMARK_REASON = "Benchmark data"
GIVEN_NAMES = tuple(_GIVEN_NAMES.split())
FAMILY_NAMES = tuple(_FAMILY_NAMES.split())
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


@dataclass
class Staff:
    spoc: object  # the user the benchmark signs in as for the front-door pages
    hub_worker: object  # ... and for the caseload pages (a hub worker in the first hub)
    front_door: list
    workers_by_hub: dict[int, list]  # whom generated allocations go to (not ``hub_worker``)
    hubs: list
    hub_group_ids: dict[int, int]  # hub pk -> pk of its group ``hub:<pk>``


@dataclass
class Totals:
    people: int = 0
    referrals: int = 0
    contact_attempts: int = 0
    triages: int = 0
    transitions: int = 0
    treatment_referrals: int = 0
    object_grants: int = 0
    by_status: dict = field(default_factory=dict)


class FrontDoorData:
    """Adds people and referrals in phases (small first, then topped up to full size)."""

    def __init__(self, *, seed: int, now: dt.datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.references: set[str] = set()
        self.person_ids: list[int] = []
        self.people: dict[int, Person] = {}
        self.totals = Totals()
        self.staff: Staff | None = None
        self.caseload_to_give = CASELOAD
        self.caseload_candidates = 0
        # (person pk, user or group pk) pairs already holding view_person: a returning person
        # allocated twice to the same worker or hub has one row each, as sync_person_grants writes.
        self.person_user_grants: set[tuple[int, int]] = set()
        self.person_group_grants: set[tuple[int, int]] = set()
        self.permission_ids: dict[str, int] = {}

    # --- Organisation, hubs and ~60 staff ----------------------------------------------------

    def add_staff(self) -> Staff:
        ers = Organisation.objects.create(name="Benchmark ERS service", kind=Organisation.Kind.ERS)
        hubs = Hub.objects.bulk_create([Hub(organisation=ers, name=name) for name in HUBS])
        User = get_user_model()
        password = make_password(None)  # unusable: nobody signs in to benchmark data
        plan = [("spoc", Role.SPOC_PRACTITIONER, None)] * 8 + [("manager", Role.MANAGER, hub) for hub in hubs]
        plan += [("worker", Role.HUB_WORKER, hub) for hub in hubs for _ in range(8)]
        plan += [("peer", Role.PEER_WORKER, hubs[i % len(hubs)]) for i in range(7)]
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-{kind}-{i}",
                    first_name=self.rng.choice(GIVEN_NAMES),
                    last_name=self.rng.choice(FAMILY_NAMES),
                    password=password,
                )
                for i, (kind, _role, _hub) in enumerate(plan)
            ]
        )
        # One service call each, not bulk_create: membership_create puts each user in their role,
        # hub and organisation groups (partnership.grants.sync_membership), which the caseload
        # pages read through. Sixty take well under a second.
        for user, (_kind, role, hub) in zip(users, plan, strict=True):
            membership_create(user=user, organisation=ers, hub=hub, role=role, by=None, reason=BENCHMARK_REASON)
        workers_by_hub: dict[int, list] = {hub.pk: [] for hub in hubs}
        front_door = []
        for user, (_kind, role, hub) in zip(users, plan, strict=True):
            if role in (Role.HUB_WORKER, Role.PEER_WORKER):
                workers_by_hub[hub.pk].append(user)
            elif role == Role.SPOC_PRACTITIONER:
                front_door.append(user)
        # The users the benchmark signs in as are made the ordinary way, groups and all.
        spoc = User.objects.create(username="bench-spoc", first_name="Bench", last_name="Practitioner")
        membership_create(user=spoc, organisation=ers, role=Role.SPOC_PRACTITIONER, by=None, reason=BENCHMARK_REASON)
        hub_worker = User.objects.create(username="bench-hub-worker", first_name="Bench", last_name="Worker")
        membership_create(
            user=hub_worker, organisation=ers, hub=hubs[0], role=Role.HUB_WORKER, by=None, reason=BENCHMARK_REASON
        )
        self.permission_ids = {
            perm: Permission.objects.get(content_type__app_label=perm.split(".")[0], codename=perm.split(".")[1]).pk
            for perm in (VIEW_REFERRAL, VIEW_PERSON)
        }
        self.staff = Staff(
            spoc=spoc,
            hub_worker=hub_worker,
            front_door=[*front_door, spoc],
            workers_by_hub=workers_by_hub,
            hubs=hubs,
            hub_group_ids={hub.pk: hub_group(hub.pk).pk for hub in hubs},
        )
        return self.staff

    # --- A phase of people and referrals -----------------------------------------------------

    def add(self, *, people: int, referrals: int, progress=None) -> Totals:
        if self.staff is None:
            self.add_staff()
        new_people = self._add_people(people)
        unused = list(reversed(new_people))  # each new person gets a referral before anyone returns
        recent_share = min(1.0, max(RECENT_DAYS / (YEARS * 365), RECENT_MINIMUM / max(referrals, 1)))
        made = 0
        while made < referrals:
            size = min(BATCH, referrals - made)
            self._add_batch(size, recent_share, unused)
            made += size
            if progress:
                progress(made, referrals)
        return self.totals

    def _add_people(self, count: int) -> list[int]:
        rng = self.rng
        made: list[int] = []
        for start in range(0, count, BATCH * 5):
            batch = []
            for _ in range(min(BATCH * 5, count - start)):
                given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
                batch.append(
                    Person(
                        given_name=given,
                        family_name=family,
                        date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55)),
                        nhs_number="" if rng.random() < 0.5 else f"999{rng.randint(0, 9_999_999):07d}",
                        postcode=self._postcode(rng.choice(HUBS)),
                        phone=f"07700 900{rng.randint(0, 999):03d}",
                        search_name=normalise_name(f"{given} {family}"),
                    )
                )
            Person.objects.bulk_create(batch, batch_size=BATCH)
            for person in batch:
                self.people[person.pk] = person
                made.append(person.pk)
        self.person_ids.extend(made)
        self.totals.people += count
        return made

    def _postcode(self, hub: str) -> str:
        rng = self.rng
        return (
            f"{rng.choice(DISTRICTS[hub])} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )

    def _reference(self) -> str:
        alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
        while True:
            reference = "R-" + "".join(self.rng.choices(alphabet, k=8))
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _received_at(self, recent_share: float) -> dt.datetime:
        rng = self.rng
        recent = rng.random() < recent_share
        age = rng.uniform(0, RECENT_DAYS) if recent else rng.uniform(RECENT_DAYS, YEARS * 365)
        received = self.now - dt.timedelta(days=age)
        # Mostly in working hours: people and professionals refer in the daytime.
        if rng.random() < 0.8 and age > 1:
            received = received.replace(hour=rng.randint(8, 17))
        return min(received, self.now - dt.timedelta(minutes=1))

    def _add_batch(self, size: int, recent_share: float, unused: list[int]) -> None:
        rows: list[tuple[Referral, dict]] = []
        for _ in range(size):
            received_at = self._received_at(recent_share)
            age_days = (self.now - received_at).total_seconds() / 86400
            state = self._state(age_days)
            referral, plan = self._referral(received_at, state, unused)
            rows.append((referral, plan))
        Referral.objects.bulk_create([r for r, _ in rows], batch_size=BATCH)

        attempts, triages, transitions, treatment = [], [], [], []
        for referral, plan in rows:
            by = plan["by"]
            attempts.extend(
                ContactAttempt(referral_id=referral.pk, attempted_at=at, method=method, outcome=outcome, by=by)
                for at, method, outcome in plan["attempts"]
            )
            transitions.extend(
                StatusTransition(referral_id=referral.pk, from_status=a, to_status=b, at=at, by=by, reason=reason)
                for a, b, at, reason in plan["transitions"]
            )
            if plan["triage"] is not None:
                triages.append(Triage(referral_id=referral.pk, started_by=by, **plan["triage"]))
            treatment.extend(
                TreatmentReferral(
                    referral_id=referral.pk,
                    reason=reason,
                    automatic=automatic,
                    status=TreatmentReferral.Status.SENT,
                    created_by=by,
                )
                for reason, automatic in plan["treatment"]
            )
            self.totals.by_status[referral.status] = self.totals.by_status.get(referral.status, 0) + 1
        ContactAttempt.objects.bulk_create(attempts, batch_size=BATCH * 2)
        Triage.objects.bulk_create(triages, batch_size=BATCH)
        StatusTransition.objects.bulk_create(transitions, batch_size=BATCH * 2)
        TreatmentReferral.objects.bulk_create(treatment, batch_size=BATCH)
        grants = self._add_grants([r for r, _ in rows])
        t = self.totals
        t.referrals += size
        t.contact_attempts += len(attempts)
        t.triages += len(triages)
        t.transitions += len(transitions)
        t.treatment_referrals += len(treatment)
        t.object_grants += grants

    def remember_person_grants(self, person_id: int) -> None:
        """Note the ``view_person`` rows the services wrote for this person (the measured
        referral is allocated through them), so a later phase never writes them twice."""
        view_person = self.permission_ids[VIEW_PERSON]
        self.person_user_grants.update(
            (person_id, user_id)
            for user_id in PersonUserObjectPermission.objects.filter(
                content_object_id=person_id, permission_id=view_person
            ).values_list("user_id", flat=True)
        )
        self.person_group_grants.update(
            (person_id, group_id)
            for group_id in PersonGroupObjectPermission.objects.filter(
                content_object_id=person_id, permission_id=view_person
            ).values_list("group_id", flat=True)
        )

    def _add_grants(self, referrals: list[Referral]) -> int:
        """The guardian rows ``sync_referral_grants`` would write for these referrals: the
        grants follow the allocation fields alone, so closed referrals that were allocated keep
        theirs (their worker can still read them; they are just off the caseload lists)."""
        view_referral, view_person = self.permission_ids[VIEW_REFERRAL], self.permission_ids[VIEW_PERSON]
        hub_groups = self.staff.hub_group_ids
        referral_users, referral_groups, person_users, person_groups = [], [], [], []
        for referral in referrals:
            if referral.hub_id is None:
                continue
            worker_id, group_id = referral.allocated_worker_id, hub_groups[referral.hub_id]
            referral_users.append(
                ReferralUserObjectPermission(
                    content_object_id=referral.pk, user_id=worker_id, permission_id=view_referral
                )
            )
            referral_groups.append(
                ReferralGroupObjectPermission(
                    content_object_id=referral.pk, group_id=group_id, permission_id=view_referral
                )
            )
            if referral.person_id is None:
                continue
            if (referral.person_id, worker_id) not in self.person_user_grants:
                self.person_user_grants.add((referral.person_id, worker_id))
                person_users.append(
                    PersonUserObjectPermission(
                        content_object_id=referral.person_id, user_id=worker_id, permission_id=view_person
                    )
                )
            if (referral.person_id, group_id) not in self.person_group_grants:
                self.person_group_grants.add((referral.person_id, group_id))
                person_groups.append(
                    PersonGroupObjectPermission(
                        content_object_id=referral.person_id, group_id=group_id, permission_id=view_person
                    )
                )
        for model, rows in (
            (ReferralUserObjectPermission, referral_users),
            (ReferralGroupObjectPermission, referral_groups),
            (PersonUserObjectPermission, person_users),
            (PersonGroupObjectPermission, person_groups),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH * 2)
        return len(referral_users) + len(referral_groups) + len(person_users) + len(person_groups)

    def _state(self, age_days: float) -> str:
        for limit, states, weights in BAND_CHOICES:
            if age_days < limit:
                return self.rng.choices(states, weights=weights)[0]
        raise AssertionError("unreachable")

    def _referral(self, received_at: dt.datetime, state: str, unused: list[int]) -> tuple[Referral, dict]:
        rng, staff = self.rng, self.staff
        _w, referrer_type, source, channel = rng.choices(ROUTES, weights=ROUTE_WEIGHTS)[0]
        is_urgent = rng.random() < 0.06
        open_to_cs = YesNoUnknown.YES if rng.random() < 0.04 else rng.choice((YesNoUnknown.NO, YesNoUnknown.UNKNOWN))
        pregnant = YesNoUnknown.YES if rng.random() < 0.02 else YesNoUnknown.UNKNOWN
        childrens = source in R.CHILDRENS_SERVICES_SOURCES or open_to_cs == YesNoUnknown.YES
        substances = [rng.choice(SUBSTANCES)]
        if rng.random() < 0.3:
            substances.append(rng.choice(SUBSTANCES))
        by = rng.choice(staff.front_door)
        hub = rng.choice(staff.hubs)

        person_id = None
        if state in SCREENED or (state == "unable" and rng.random() < 0.3):
            person_id = unused.pop() if unused else rng.choice(self.person_ids)
        if person_id is not None:
            person = self.people[person_id]
            given, family, dob, postcode = person.given_name, person.family_name, person.date_of_birth, person.postcode
        else:
            given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
            dob = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55)) if rng.random() < 0.9 else None
            postcode = self._postcode(hub.name)

        plan = self._timeline(received_at, state, childrens, pregnant == YesNoUnknown.YES, by)
        # Drawn in the order they always were, so a seed gives the same data as before.
        phone, reason = f"07700 900{rng.randint(0, 999):03d}", rng.choice(REASONS)
        worker = rng.choice(staff.workers_by_hub[hub.pk]) if plan["allocated"] else None
        if (
            self.caseload_to_give
            and plan["status"] == S.ALLOCATED
            and plan["allocated"] >= self.now - dt.timedelta(days=CASELOAD_DAYS)
        ):
            # Every other one, so that even a tiny dataset leaves some for their colleagues.
            self.caseload_candidates += 1
            if self.caseload_candidates % 2:
                hub, worker = staff.hubs[0], staff.hub_worker
                self.caseload_to_give -= 1
        referral = Referral(
            reference=self._reference(),
            person_id=person_id,
            status=plan["status"],
            priority=rules.priority_for(is_urgent=is_urgent, source=source, open_to_childrens_services=open_to_cs),
            is_urgent=is_urgent,
            referrer_type=referrer_type,
            source=source,
            channel=channel,
            subject_given_name=given,
            subject_family_name=family,
            subject_date_of_birth=dob,
            subject_postcode=postcode,
            subject_phone=phone,
            substances=substances,
            reason=reason,
            open_to_childrens_services=open_to_cs,
            pregnant=pregnant,
            consent_to_contact=True,
            contact_methods=["phone"],
            received_at=received_at,
            first_contact_attempt_at=plan["first_attempt"],
            first_contact_made_at=plan["contact_made"],
            triage_completed_at=plan["triage_completed"],
            allocated_at=plan["allocated"],
            closed_at=plan["closed"],
            assigned_to=by if (plan["status"] != S.RECEIVED or rng.random() < 0.4) else None,
            hub=hub if plan["allocated"] else None,
            allocated_worker=worker,
            created_by=None if channel == R.Channel.ONLINE else by,
        )
        return referral, plan

    def _timeline(self, received: dt.datetime, state: str, childrens: bool, pregnant: bool, by) -> dict:
        """Contact attempts, triage and transitions for a referral in ``state``, in time order."""
        rng = self.rng
        span_hours = (self.now - received).total_seconds() / 3600
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
