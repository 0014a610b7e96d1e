"""The people whose chronology ``manage.py benchmark_chronology`` turns into a PDF (issue 11,
"Speed"): one with **1 year** and one with **10 years** of history, in one benchmark database
(``ers_bench_chronology``), a year of history being the issue's 200 contacts, 4 assessment
versions, 3 plan reviews and 2 safeguarding concerns (``--scale`` shrinks them alike).

Each person is referred, triaged and allocated through the services
(``demo.benchmark_person.allocated_person``), so the hub worker who produces the chronology
reaches them through real grants. The contacts and the plan reviews are bulk-written (thousands
of rows in a second); the assessment versions and the concerns go through their services
(``assessment_section_save``, ``concern_raise``), each at its own moment in the past
(``clock_at``), since they write versions, alerts, review prompts and notifications beside them.

The database keeps a marker (``demo.benchmark_databases``) saying what it was seeded with; a
later run asking for the same reuses it.
"""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from assessments.services import assessment_section_save
from demo import benchmark_databases as databases
from demo.benchmark_data import BENCHMARK_REASON
from demo.benchmark_person import SECTIONS, SETTINGS, TYPES, allocated_person
from demo.people import HUB_COUNCILS, HUBS
from demo.scenarios import clock_at
from partnership.models import Hub, Organisation, Role
from partnership.services import membership_create
from recovery_plans.models import Contact, PlanReview
from recovery_plans.services import plans as plan_services
from safeguarding.models import Concern
from safeguarding.services_concerns import concern_raise

ALIAS = "bench_chronology"
SIZES = ("1y", "10y")
YEARS = {"1y": 1, "10y": 10}
PER_YEAR = {"contacts": 200, "assessment_versions": 4, "plan_reviews": 3, "concerns": 2}
DATA_VERSION = 1
CATEGORIES = (Concern.Category.NEGLECT, Concern.Category.DOMESTIC_ABUSE, Concern.Category.EMOTIONAL)


def volumes(years: int, scale: float) -> dict[str, int]:
    """How many of each record a person with ``years`` of history is given (at least one each)."""
    return {name: max(1, round(per_year * years * scale)) for name, per_year in PER_YEAR.items()}


def dataset(name: str, *, scale: float, reseed: bool, stdout) -> dict:
    """The seeded database's marker: who produces the chronologies and whose they are."""
    databases.prepare(ALIAS, stdout)
    wanted = {"version": DATA_VERSION, "scale": scale}
    marker = databases.read_marker(ALIAS)
    if marker and marker.get("wanted") == wanted and not reseed:
        stdout.write(f"Reusing the people in {name} (seeded {marker['seeded_at'][:16]}).")
        return {**marker, "reused": True}
    databases.write_marker(ALIAS, None)  # a half-seeded database is seeded again next time
    with databases.serving(ALIAS):
        if Organisation.objects.exists():
            stdout.write(f"Emptying {name} for a fresh dataset...")
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        stdout.write(f"Seeding {name}: a person with 1 year and a person with 10 years of history...")
        seeded = _seed(scale)
        seconds = time.perf_counter() - started
    stdout.write(f"  done in {seconds:.0f} s")
    marker = {"wanted": wanted, "seeded_at": timezone.now().isoformat(), "seconds": seconds, **seeded}
    databases.write_marker(ALIAS, marker)
    return {**marker, "reused": False}


def _seed(scale: float) -> dict:
    now = timezone.now()
    with transaction.atomic():
        service = Organisation.objects.create(name="Benchmark ERS service", kind=Organisation.Kind.ERS)
        hub = Hub.objects.create(organisation=service, name=HUBS[0], council=HUB_COUNCILS[HUBS[0]])
        User = get_user_model()
        spoc = User.objects.create(username="bench-chronology-spoc", first_name="Bench", last_name="Practitioner")
        membership_create(
            user=spoc, organisation=service, role=Role.SPOC_PRACTITIONER, by=None, reason=BENCHMARK_REASON
        )
        worker = User.objects.create(username="bench-chronology-worker", first_name="Bench", last_name="Worker")
        membership_create(
            user=worker, organisation=service, hub=hub, role=Role.HUB_WORKER, by=None, reason=BENCHMARK_REASON
        )
    people = {}
    for size in SIZES:
        with transaction.atomic():
            person, made = _person_with_history(spoc=spoc, worker=worker, years=YEARS[size], scale=scale, now=now)
        people[size] = {"person": person.reference, "records": made}
    return {"user": worker.username, "people": people}


def _person_with_history(*, spoc, worker, years: int, scale: float, now: dt.datetime) -> tuple[object, dict]:
    person, allocated = allocated_person(
        spoc=spoc, worker=worker, years=years, now=now, family_name=f"Chronology{years}"
    )
    first = allocated + dt.timedelta(hours=1)
    span = now - dt.timedelta(hours=2) - first
    made = volumes(years, scale)

    def moment(i: int, n: int) -> dt.datetime:
        return first + span * (i + 1) / (n + 1)

    Contact.objects.bulk_create(
        Contact(
            person=person,
            occurred_at=moment(i, made["contacts"]),
            type=TYPES[i % len(TYPES)],
            setting=SETTINGS[i % len(SETTINGS)],
            duration_minutes=30,
            note="Talked about housing and the children's school",
            recorded_by=worker,
        )
        for i in range(made["contacts"])
    )
    started = (allocated + dt.timedelta(days=7)).date()
    with clock_at(allocated + dt.timedelta(days=7)):
        plan = plan_services.plan_create(
            person=person, by=worker, review_due=started + dt.timedelta(days=84), started_on=started
        )
    PlanReview.objects.bulk_create(
        PlanReview(
            plan=plan,
            reviewed_on=moment(i, made["plan_reviews"]).date(),
            what_changed=f"Review {i + 1}: settled in the new flat.",
            goals_progress="Going to the café every week.",
            next_review=moment(i, made["plan_reviews"]).date() + dt.timedelta(days=120),
            reviewed_by=worker,
        )
        for i in range(made["plan_reviews"])
    )
    for i in range(made["assessment_versions"]):
        key, values = SECTIONS[i % len(SECTIONS)]
        with clock_at(moment(i, made["assessment_versions"])):
            assessment_section_save(person=person, key=key, values=values(i), by=worker)
    for i in range(made["concerns"]):
        with clock_at(moment(i, made["concerns"])):
            concern_raise(
                person=person,
                by=worker,
                category=CATEGORIES[i % len(CATEGORIES)],
                at_risk=Concern.AtRisk.PERSON,
                risk_level=Concern.RiskLevel.MEDIUM,
                summary=f"Concern {i + 1}: found without food or heating on a home visit.",
            )
    return person, made
