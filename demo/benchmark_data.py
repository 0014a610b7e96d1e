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
memberships are saved one by one, so ``Membership.save()`` puts everyone in their role, hub
and organisation groups as in production.

One hub worker, the one the caseload pages are measured for, has a realistic caseload
(``CASELOAD`` referrals, all allocated in the last six months). Their caseload does not grow
with the county's history: they are given it in the first phase (or in later ones, if the
first had too few allocated referrals) and keep it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from demo.benchmark_grants import ObjectGrants
from demo.benchmark_shape import (
    BAND_CHOICES,
    REASONS,
    RECENT_DAYS,
    ROUTE_WEIGHTS,
    ROUTES,
    SCREENED,
    SUBSTANCES,
    YEARS,
    referral_timeline,
)
from demo.people import DISTRICTS, FAMILY_NAMES, GIVEN_NAMES, HUB_COUNCILS, HUBS
from partnership.grants import hub_group
from partnership.models import Hub, Organisation, Role
from partnership.services import membership_create
from referrals import rules
from referrals.matching import normalise_name
from referrals.models import (
    ContactAttempt,
    Person,
    Referral,
    StatusTransition,
    TreatmentReferral,
    Triage,
    YesNoUnknown,
)
from referrals.places import council_for_postcode

R = Referral
S = Referral.Status
OUT = Triage.Outcome
BATCH = 1000
# Every phase puts at least this many referrals in the last six weeks, so that even the small
# dataset has a full first page of queue (QUEUE_PAGE_SIZE is 50) to render.
RECENT_MINIMUM = 250
# The measured hub worker's caseload: referrals allocated to them and still open. ERS workers
# carry about 40; the benchmark makes one more through the services (the measured referral).
CASELOAD = 39
CASELOAD_DAYS = 183  # their caseload was allocated over the last six months


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


BENCHMARK_REASON = "Benchmark data"


class FrontDoorData:
    """Adds people and referrals in phases (small first, then topped up to full size)."""

    def __init__(self, *, seed: int, now: dt.datetime, years: float = YEARS, casework=None):
        self.rng = random.Random(seed)
        self.now = now
        # How far back referrals go; ``casework`` (a ``demo.casework_data.CaseworkData``) adds
        # what follows a referral (contacts, assessments, plans...) batch by batch, if given.
        self.years = years
        self.casework = casework
        self.pronouns_rng = random.Random(seed + 1)  # its own, so the other draws never shift
        self.references: set[str] = set()
        self.person_ids: list[int] = []
        self.people: dict[int, Person] = {}
        self.totals = Totals()
        self.staff: Staff | None = None
        self.caseload_to_give = CASELOAD
        self.caseload_candidates = 0
        self.grants = ObjectGrants()

    # --- Organisation, hubs and ~60 staff ----------------------------------------------------

    def add_staff(self) -> Staff:
        ers = Organisation.objects.create(name="Benchmark ERS service", kind=Organisation.Kind.ERS)
        hubs = Hub.objects.bulk_create([Hub(organisation=ers, name=name, council=HUB_COUNCILS[name]) for name in HUBS])
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
        self.grants.load_permissions()
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

    def add(self, *, people: int, referrals: int, progress=None, recent: bool = True) -> Totals:
        """``recent=False``: no referral in the last six weeks (the demo's scenarios cover them)."""
        if self.staff is None:
            self.add_staff()
        new_people = self._add_people(people)
        unused = list(reversed(new_people))  # each new person gets a referral before anyone returns
        recent_share = min(1.0, max(RECENT_DAYS / (self.years * 365), RECENT_MINIMUM / max(referrals, 1)))
        recent_share = recent_share if recent else 0.0
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
                        pronouns=self._pronouns(),
                    )
                )
            Person.objects.bulk_create(batch, batch_size=BATCH)
            for person in batch:
                self.people[person.pk] = person
                made.append(person.pk)
        self.person_ids.extend(made)
        self.totals.people += count
        return made

    def _pronouns(self) -> str:
        if self.casework is None:
            return ""
        return self.pronouns_rng.choice(("", "", "", "she/her", "he/him", "they/them"))

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
        age = rng.uniform(0, RECENT_DAYS) if recent else rng.uniform(RECENT_DAYS, self.years * 365)
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
            if self.casework is not None:
                self.casework.shape(referral, plan)
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
            if self.casework is not None:
                treatment.extend(self.casework.treatment_referrals(referral, plan))
            else:
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
        grants = self.grants.add([r for r, _ in rows], hub_groups=self.staff.hub_group_ids)
        if self.casework is not None:
            self.casework.after_batch(rows, treatment)
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
        self.grants.remember_person(person_id)

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

        plan = referral_timeline(
            rng,
            now=self.now,
            received=received_at,
            state=state,
            childrens=childrens,
            pregnant=pregnant == YesNoUnknown.YES,
            by=by,
        )
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
            council_of_residence=council_for_postcode(postcode),
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
