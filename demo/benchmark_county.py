"""The two county databases ``benchmark_report`` and ``benchmark_casework`` measure: the same
county, at the same rate of activity, with **1 year** and with **10 years** of history.

At full size (``--scale 1``) the 10-year county has 100,000 people and 250,000 referrals with
about 2,000,000 contacts and everything that follows a referral (``demo.casework_data``:
Treatment referrals and outcomes, assessments, readings, plans and reviews, engagement changes,
feedback; ``demo.casework_outreach``: outreach and naloxone to partner agencies); the 1-year
county has a tenth of each, over one year. So a quarter holds about as much in both: what
differs is only how much history lies behind it. ``--scale`` shrinks both alike.

Each is seeded once into its own database (``ers_bench_county_1y``, ``ers_bench_county_10y``)
and reused while its marker (``demo.benchmark_databases``) says it was seeded with the same
seed, scale and data version. Each also holds one person made through the services
(``demo.benchmark_person``) with 1 or 10 years of their own history, for the casework pages.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from demo import benchmark_databases as databases
from demo.benchmark_data import BENCHMARK_REASON, FrontDoorData
from demo.benchmark_person import measured_person
from demo.casework_data import CaseworkData
from demo.casework_outreach import naloxone_partner_history, outreach_history
from partnership.models import Organisation, Role
from partnership.services import membership_create
from referrals.models import Person, Referral

SIZES = ("1y", "10y")
YEARS = {"1y": 1, "10y": 10}
ALIASES = {"1y": "bench_county_1y", "10y": "bench_county_10y"}
# At --scale 1, for ten years; the one-year county has a tenth of each.
FULL_PEOPLE = 100_000
FULL_REFERRALS = 250_000
CONTACT_GAP_DAYS = 10  # about 2,000,000 contacts for 250,000 referrals
COUNTY_DATA_VERSION = 1
SQLITE_REFUSED = (
    "%(command)s measures PostgreSQL, which production uses: set DATABASE_URL to a PostgreSQL server, for "
    "example DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the command makes its own databases "
    "there). Pass --allow-sqlite to run it on SQLite anyway."
)
NOT_A_BENCH_DATABASE = (
    "The benchmark empties the databases it seeds. Their names must contain 'bench' "
    "(for example ers_bench_county_10y); this one is %(name)s."
)
DIFFERENT_CATALOGUES = (
    "The two county databases number their content types or permissions differently, so they cannot be "
    "measured side by side in one process. Run again with --reseed."
)


def add_county_arguments(parser) -> None:
    parser.add_argument(
        "--scale", type=float, default=1.0, help="Fraction of the full county (default 1: 250,000 referrals)."
    )
    parser.add_argument("--seed", type=int, default=2026, help="Random seed for the synthetic data.")
    parser.add_argument("--one-year-database", help="Database of the 1-year county (default ers_bench_county_1y).")
    parser.add_argument("--ten-year-database", help="Database of the 10-year county (default ers_bench_county_10y).")
    parser.add_argument("--reseed", action="store_true", help="Seed both databases again even if up to date.")
    parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite (the figures mean little).")


def default_names() -> dict[str, str]:
    default = connections.settings[DEFAULT_DB_ALIAS]
    if default["ENGINE"].endswith("sqlite3"):
        folder = (
            Path(str(default["NAME"])).parent if "memory" not in str(default["NAME"]) else Path(tempfile.gettempdir())
        )
        return {size: str(folder / f"ers_bench_county_{size}.sqlite3") for size in SIZES}
    return {size: f"ers_bench_county_{size}" for size in SIZES}


def database_names(options, command: str) -> dict[str, str]:
    names = default_names()
    names["1y"] = options["one_year_database"] or names["1y"]
    names["10y"] = options["ten_year_database"] or names["10y"]
    if connection.vendor == "sqlite" and not options["allow_sqlite"]:
        raise CommandError(SQLITE_REFUSED % {"command": command})
    for name in names.values():
        if "bench" not in Path(name).name.lower():
            raise CommandError(NOT_A_BENCH_DATABASE % {"name": name})
    if names["1y"] == names["10y"]:
        raise CommandError("The 1-year and the 10-year county need two different databases.")
    if not 0 < options["scale"] <= 1:
        raise CommandError("--scale must be more than 0 and at most 1.")
    return names


def sizes_for(size: str, scale: float) -> dict:
    share = YEARS[size] / 10
    return {
        "years": YEARS[size],
        "people": max(20, round(FULL_PEOPLE * scale * share)),
        "referrals": max(40, round(FULL_REFERRALS * scale * share)),
    }


def counties(options, names: dict, stdout) -> dict[str, dict]:
    """Both datasets, registered under ``ALIASES`` (the caller unregisters them)."""
    for size in SIZES:
        databases.register(ALIASES[size], names[size])
    datasets = {size: county(size, names[size], options, stdout) for size in SIZES}
    if not databases.same_catalogue(ALIASES["1y"], ALIASES["10y"]):
        raise CommandError(DIFFERENT_CATALOGUES)
    return datasets


def unregister_all() -> None:
    for size in SIZES:
        databases.unregister(ALIASES[size])


def county(size: str, name: str, options, stdout) -> dict:
    alias = ALIASES[size]
    databases.prepare(alias, stdout)
    wanted = {"version": COUNTY_DATA_VERSION, "seed": options["seed"], **sizes_for(size, options["scale"])}
    marker = databases.read_marker(alias)
    if marker and marker.get("wanted") == wanted and not options["reseed"]:
        stdout.write(f"Reusing the {size} county in {name} (seeded {marker['seeded_at'][:16]}).")
        return {**marker, "reused": True}
    databases.write_marker(alias, None)  # a half-seeded database is seeded again next time
    with databases.serving(alias):
        if Referral.objects.exists() or Person.objects.exists() or Organisation.objects.exists():
            stdout.write(f"Emptying {name} for a fresh dataset...")
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        now = timezone.now()
        stdout.write(
            f"Seeding the {size} county in {name}: {wanted['referrals']:,} referrals, {wanted['people']:,} people..."
        )
        counts = _seed(wanted, options["seed"], now, stdout)
        seconds = time.perf_counter() - started
        stdout.write(f"  done in {seconds:.0f} s")
    marker = {"wanted": wanted, "seeded_at": now.isoformat(), "seconds": seconds, **counts}
    databases.write_marker(alias, marker)
    return {**marker, "reused": False}


def _seed(wanted: dict, seed: int, now, stdout) -> dict:
    User = get_user_model()
    with transaction.atomic():
        treatment = Organisation.objects.create(name="Benchmark Treatment Service", kind=Organisation.Kind.TREATMENT)
        treatment_user = User.objects.create(username="bench-treatment", first_name="Bench", last_name="Treatment")
        membership_create(
            user=treatment_user,
            organisation=treatment,
            role=Role.TREATMENT_PRACTITIONER,
            by=None,
            reason=BENCHMARK_REASON,
        )
        casework = CaseworkData(
            seed=seed,
            now=now,
            treatment_org=treatment,
            treatment_user=treatment_user,
            contact_gap_days=CONTACT_GAP_DAYS,
        )
        data = FrontDoorData(seed=seed, now=now, years=wanted["years"], casework=casework)
        step = max(1, wanted["referrals"] // 10)
        shown = [0]

        def progress(done: int, total: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                stdout.write(f"  {done:,} / {total:,} referrals ({casework.counts.get('contacts', 0):,} contacts)")

        data.add(people=wanted["people"], referrals=wanted["referrals"], progress=progress)
        casework.finish()
        hubs = {hub.pk: hub.name for hub in data.staff.hubs}
        workers = {hub: [u.pk for u in users] for hub, users in data.staff.workers_by_hub.items()}
        start = (now - dt.timedelta(days=365 * wanted["years"])).date()
        outreach = outreach_history(
            data.rng, start=start, end=now.date(), hubs=hubs, workers=workers, person_ids=data.person_ids
        )
        kits = naloxone_partner_history(data.rng, start=start, end=now.date(), hubs=hubs, workers=workers)
    stdout.write("  the measured person, through the services...")
    with transaction.atomic():
        person, made = measured_person(
            spoc=data.staff.spoc, worker=data.staff.hub_worker, years=wanted["years"], now=now
        )
        data.remember_person_grants(person.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "hub_worker": data.staff.hub_worker.username,
        "person": person.reference,
        "person_records": made,
        "counts": {
            "people": data.totals.people + 1,
            "referrals": data.totals.referrals + 1,
            **casework.counts,
            **outreach,
            "naloxone_supplies": kits,
        },
    }
