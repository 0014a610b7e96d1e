"""``manage.py benchmark_front_door``: do the front-door pages stay fast at county scale?

Two PostgreSQL databases hold the two sizes: ``ers_bench_small`` (1,000 referrals) and
``ers_bench_full`` (100,000 referrals, 50,000 people over five years; the small dataset topped
up). Each is seeded once and reused while the seed and sizes stay the same. The command then
measures the SPOC queue, a referral page, a person page, a hub worker's caseload pages and,
as a baseline, the Django admin's referral list, in-process with Django's test client,
**alternating the two databases request by request** (``demo/benchmark_databases.py``), so a
busy machine slows both sizes alike and the full/small ratio means something. Prints a
Markdown report (median, p90, queries, SQL time, ratio, per-row costs) and writes it to
``benchmarks/results/front_door-<date>.md``. See ``benchmarks/README.md``.

It empties the databases it seeds, so it only uses ones whose names say they are for
benchmarks, and SQLite only when asked (``--allow-sqlite``): the figures that matter are
PostgreSQL's.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from demo import benchmark_databases as databases
from demo.benchmark_data import BENCHMARK_REASON, FrontDoorData
from demo.benchmark_measure import ALIASES, SIZES, WARM_UP_REQUESTS, measure_page, signed_in
from demo.benchmark_report import Measurement, report_markdown
from demo.logging import quiet_task_log
from partnership.models import Membership, Organisation, Role
from partnership.services import membership_create
from referrals.models import (
    ContactAttempt,
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    StatusTransition,
    Triage,
    YesNoUnknown,
)
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services

SQLITE_REFUSED = (
    "benchmark_front_door measures PostgreSQL, which production uses: set DATABASE_URL to a PostgreSQL "
    "server, for example DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the command makes its "
    "own databases there). Pass --allow-sqlite to run it on SQLite anyway."
)
NOT_A_BENCH_DATABASE = (
    "benchmark_front_door empties the databases it seeds. Their names must contain 'bench' "
    "(for example ers_bench_full); this one is %(name)s."
)
DIFFERENT_CATALOGUES = (
    "The two benchmark databases number their content types or permissions differently, so they cannot "
    "be measured side by side in one process. Run again with --reseed."
)
DEFAULT_QUEUE_FILTER = "priority=1&priority=2"  # urgent and Children's Services: the SPOC's first look
GRANT_MODELS = (
    ReferralUserObjectPermission,
    ReferralGroupObjectPermission,
    PersonUserObjectPermission,
    PersonGroupObjectPermission,
)
# Pages whose per-row cost the report works out: (page with many rows, the same with one row).
QUEUE_PAGE = "SPOC queue, first page"
QUEUE_ONE_ROW = "SPOC queue, one row"
ADMIN_PAGE = "Admin referral list (baseline)"
ADMIN_ONE_ROW = "Admin referral list, one row"
PER_ROW_PAIRS = ((QUEUE_PAGE, QUEUE_ONE_ROW), (ADMIN_PAGE, ADMIN_ONE_ROW))


class Command(BaseCommand):
    help = "Seed a small and a county-scale database once, then time the front-door pages on both, interleaved."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000, help="People at full size (default 50,000).")
        parser.add_argument("--referrals", type=int, default=100_000, help="Referrals at full size (default 100,000).")
        parser.add_argument("--small", type=int, default=1_000, help="Referrals in the small dataset (default 1,000).")
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page and size (default 30).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the synthetic data.")
        parser.add_argument("--queue-filter", default=DEFAULT_QUEUE_FILTER, help="Query string for the filtered queue.")
        parser.add_argument("--small-database", help="Database for the small dataset (default ers_bench_small).")
        parser.add_argument("--full-database", help="Database for the full dataset (default ers_bench_full).")
        parser.add_argument("--reseed", action="store_true", help="Seed both databases again even if up to date.")
        parser.add_argument(
            "--output", help="Where to write the Markdown (default benchmarks/results/front_door-<date>.md)."
        )
        parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite (the figures mean little).")

    def handle(self, *args, **options):
        small_name, full_name = databases.default_names()
        names = {"small": options["small_database"] or small_name, "full": options["full_database"] or full_name}
        self._check_options(options, names)
        self.load_averages: list[float] = []
        try:
            for size in SIZES:
                databases.register(ALIASES[size], names[size])
            self._run(options, names)
        finally:
            for size in SIZES:
                databases.unregister(ALIASES[size])

    def _run(self, options, names: dict) -> None:
        # Benchmark referrals are not news: keep the SPOC notification e-mails out of the way.
        # DEBUG off, as in production: no query log filling up with bulk inserts, no debug templates.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False),
            quiet_task_log(),
        ):
            datasets = {size: self._dataset(size, names[size], options) for size in SIZES}
            if not databases.same_catalogue(ALIASES["small"], ALIASES["full"]):
                raise CommandError(DIFFERENT_CATALOGUES)
            sizes = []
            for size in SIZES:
                with databases.serving(ALIASES[size]):
                    sizes.append(self._describe(size, datasets[size]))
            results = self._measure_all(datasets, options)

        report = report_markdown(
            results,
            sizes,
            runs=options["runs"],
            warm_up=WARM_UP_REQUESTS,
            load_averages=self.load_averages,
            per_row_pairs=PER_ROW_PAIRS,
        )
        self.stdout.write("")
        self.stdout.write(report)
        path = (
            Path(options["output"])
            if options["output"]
            else (Path(settings.BASE_DIR) / "benchmarks" / "results" / f"front_door-{timezone.localdate():%Y-%m-%d}.md")
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Written to {path}"))

    # --- Checks and the databases ------------------------------------------------------------

    def _check_options(self, options, names: dict) -> None:
        if options["small"] < 1 or options["referrals"] <= options["small"]:
            raise CommandError("--referrals must be larger than --small, and --small at least 1.")
        if options["people"] < 2:
            raise CommandError("--people must be at least 2.")
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        if connection.vendor == "sqlite" and not options["allow_sqlite"]:
            raise CommandError(SQLITE_REFUSED)
        for name in names.values():
            if "bench" not in Path(name).name.lower():
                raise CommandError(NOT_A_BENCH_DATABASE % {"name": name})
        if names["small"] == names["full"]:
            raise CommandError("The small and the full dataset need two different databases.")

    def _wanted(self, size: str, options) -> dict:
        """What the database of ``size`` must hold; it is reused when its marker says so."""
        wanted = {"version": databases.DATA_VERSION, "seed": options["seed"], "small": options["small"]}
        wanted["small_people"] = self._small_people(options)
        if size == "full":
            wanted.update(referrals=options["referrals"], people=options["people"])
        return wanted

    @staticmethod
    def _small_people(options) -> int:
        return max(1, round(options["people"] * options["small"] / options["referrals"]))

    def _dataset(self, size: str, name: str, options) -> dict:
        """The dataset of ``size``: reused if its marker matches, otherwise seeded afresh.
        Returns what the measuring needs (the measured records, how seeding went)."""
        alias = ALIASES[size]
        databases.prepare(alias, self.stdout)
        wanted = self._wanted(size, options)
        marker = databases.read_marker(alias)
        if marker and marker["wanted"] == wanted and not options["reseed"]:
            self.stdout.write(f"Reusing the {size} dataset in {name} (seeded {marker['seeded_at'][:16]}).")
            return {**marker, "reused": True}
        databases.write_marker(alias, None)  # a half-seeded database is seeded again next time
        with databases.serving(alias):
            self._empty(name)
            now = timezone.now()
            data = FrontDoorData(seed=options["seed"], now=now)
            seconds = self._seed(data, people=wanted["small_people"], referrals=options["small"], label=size)
            target = self._measured_records(data, now=now)
            if size == "full":
                seconds += self._seed(
                    data,
                    people=options["people"] - wanted["small_people"],
                    referrals=options["referrals"] - options["small"],
                    label="full (topping up)",
                )
        marker = {"wanted": wanted, "seeded_at": now.isoformat(), "seconds": seconds, **target}
        databases.write_marker(alias, marker)
        return {**marker, "reused": False}

    def _empty(self, name: str) -> None:
        # (Not "any user": django-guardian makes its AnonymousUser on every migrate.)
        if (
            Referral.objects.exists()
            or Person.objects.exists()
            or Organisation.objects.exists()
            or get_user_model().objects.filter(username__startswith="bench-").exists()
        ):
            self.stdout.write(f"Emptying {name} for a fresh dataset...")
            call_command("flush", interactive=False, verbosity=0)

    def _analyze(self) -> None:
        # Fresh statistics after a bulk load, as autovacuum would give a long-running database.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _seed(self, data: FrontDoorData, *, people: int, referrals: int, label: str) -> float:
        self.stdout.write(f"Seeding the {label} dataset: {referrals:,} referrals and {people:,} people...")
        step = max(1, referrals // 10)
        shown = [0]

        def progress(done: int, total: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                self.stdout.write(f"  {done:,} / {total:,} referrals")

        started = time.perf_counter()
        with transaction.atomic():
            data.add(people=people, referrals=referrals, progress=progress)
        self._analyze()
        seconds = time.perf_counter() - started
        self.stdout.write(f"  done in {seconds:.1f} s")
        return seconds

    def _measured_records(self, data: FrontDoorData, *, now: dt.datetime) -> dict:
        """An allocated referral of a returning person, made through the services so that it
        has real history, contact attempts and transitions; the same records are measured at
        both sizes. It is allocated to the hub worker whose caseload pages are measured.

        Also: a second SPOC practitioner with exactly one referral assigned in the queue (the
        queue filtered to them renders one row, for the per-row cost) and a superuser for the
        admin baseline. Returns usernames and keys, kept in the dataset's marker."""
        spoc = data.staff.spoc
        person = Person.objects.annotate(n=Count("referrals")).order_by("-n", "pk").first()
        received = now - dt.timedelta(days=3)
        with transaction.atomic():
            referral, _created = services.referral_create(
                data={
                    "referrer_type": Referral.ReferrerType.PROFESSIONAL,
                    "source": Referral.Source.GP,
                    "subject_given_name": person.given_name,
                    "subject_family_name": person.family_name,
                    "subject_date_of_birth": person.date_of_birth,
                    "subject_postcode": person.postcode,
                    "subject_phone": person.phone,
                    "substances": ["alcohol"],
                    "consent_to_contact": True,
                    "reason": "Would like help to cut down drinking.",
                    "referrer_name": "Dr Bench",
                    "referrer_organisation": "Benchmark Medical Practice",
                },
                channel=Referral.Channel.EMAIL,
                by=spoc,
                received_at=received,
            )
            triage_services.contact_attempt_record(
                referral=referral,
                by=spoc,
                attempted_at=received + dt.timedelta(hours=2),
                method=ContactAttempt.Method.PHONE,
                outcome=ContactAttempt.Outcome.NO_ANSWER,
            )
            triage_services.contact_attempt_record(
                referral=referral,
                by=spoc,
                attempted_at=received + dt.timedelta(hours=20),
                method=ContactAttempt.Method.PHONE,
                outcome=ContactAttempt.Outcome.MADE_CONTACT,
            )
            services.referral_link_person(referral=referral, person=person, by=spoc)
            triage_services.triage_save_screening(
                referral=referral,
                by=spoc,
                substances=["alcohol"],
                council_of_residence="cumberland",
                pregnant=YesNoUnknown.NO,
                open_to_childrens_services=YesNoUnknown.NO,
                risk=Triage.Risk.AMBER,
                risk_reasons=[Triage.RiskReason.WITHDRAWAL],
                risk_notes="Drinks daily; advised not to stop suddenly.",
            )
            triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
            worker = data.staff.hub_worker
            allocation_services.referral_allocate(referral=referral, hub=worker.membership.hub, worker=worker, by=spoc)
            data.remember_person_grants(person.pk)  # written by the services, not the bulk seeding
            one_row = self._one_row_referral(spoc, now=now)
            User = get_user_model()
            User.objects.create_superuser(username="bench-admin", email="", password=None)
        return {
            "spoc": spoc.username,
            "hub_worker": worker.username,
            "admin": "bench-admin",
            "reference": referral.reference,
            "person": person.reference,
            "one_row_assignee": one_row.assigned_to_id,
            "one_row_reference": one_row.reference,
        }

    @staticmethod
    def _one_row_referral(spoc, *, now: dt.datetime) -> Referral:
        """A new referral in the queue, assigned to a SPOC practitioner who has no other."""
        User = get_user_model()
        colleague = User.objects.create(username="bench-spoc-one-row", first_name="Bench", last_name="Colleague")
        membership_create(
            user=colleague,
            organisation=spoc.membership.organisation,
            role=Role.SPOC_PRACTITIONER,
            by=None,
            reason=BENCHMARK_REASON,
        )
        referral, _created = services.referral_create(
            data={
                "referrer_type": Referral.ReferrerType.SELF,
                "subject_given_name": "Bench",
                "subject_family_name": "Onerow",
                "subject_date_of_birth": dt.date(1980, 5, 17),
                "subject_postcode": "ZZ99 9ZZ",
                "subject_phone": "07700 900999",
                "substances": ["alcohol"],
                "consent_to_contact": True,
                "reason": "Would like some support.",
            },
            channel=Referral.Channel.PHONE,
            by=spoc,
            received_at=now - dt.timedelta(hours=5),
        )
        return services.referral_assign(referral=referral, to=colleague, by=spoc)

    def _describe(self, size: str, dataset: dict) -> dict:
        worker = get_user_model().objects.get(username=dataset["hub_worker"])
        allocated = Referral.objects.filter(status=Referral.Status.ALLOCATED)
        return {
            "size": size,
            "database": connection.settings_dict["NAME"],
            "seconds": dataset["seconds"],
            "reused": dataset["reused"],
            "seeded_at": dataset["seeded_at"],
            "referrals": Referral.objects.count(),
            "people": Person.objects.count(),
            "queue": Referral.objects.filter(status__in=Referral.QUEUE_STATUSES).count(),
            "attempts": ContactAttempt.objects.count(),
            "transitions": StatusTransition.objects.count(),
            "staff": Membership.objects.count(),
            "caseload": allocated.filter(allocated_worker=worker).count(),
            "hub_caseload": allocated.filter(hub=worker.membership.hub).count(),
            "grants": sum(model.objects.count() for model in GRANT_MODELS),
        }

    # --- Measuring ------------------------------------------------------------------------------

    def _pages(self, dataset: dict, options) -> list[tuple[str, str | None, str]]:
        """(page, URL or None when the page does not exist yet, who is signed in). The URLs
        are the same in both databases: the measured records are made the same way in each."""

        def url(name: str, *args) -> str | None:
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                return None

        queue = url("referrals:queue")
        admin = url("admin:referrals_referral_changelist")
        return [
            (QUEUE_PAGE, queue, "spoc"),
            (
                f"SPOC queue, filtered ({options['queue_filter']})",
                f"{queue}?{options['queue_filter']}" if queue else None,
                "spoc",
            ),
            (QUEUE_ONE_ROW, f"{queue}?assignee={dataset['one_row_assignee']}" if queue else None, "spoc"),
            ("Referral page (allocated, with history)", url("referrals:detail", dataset["reference"]), "spoc"),
            ("Person page (returning person)", url("referrals:person", dataset["person"]), "spoc"),
            ("My caseload (hub worker)", url("referrals:caseload"), "hub_worker"),
            ("Hub caseload, first page (hub worker)", url("referrals:hub_caseload"), "hub_worker"),
            (ADMIN_PAGE, admin, "admin"),
            (ADMIN_ONE_ROW, f"{admin}?reference={dataset['one_row_reference']}" if admin else None, "admin"),
        ]

    def _measure_all(self, datasets: dict, options) -> list[Measurement]:
        clients = {}
        for size in SIZES:
            with databases.serving(ALIASES[size]):
                users = get_user_model().objects
                clients[size] = {
                    who: signed_in(users.get(username=datasets[size][who])) for who in ("spoc", "hub_worker", "admin")
                }
        pages = {size: self._pages(datasets[size], options) for size in SIZES}
        results = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts):
            for index, (page, url, who) in enumerate(pages["small"]):
                if url is None:
                    self.stdout.write(self.style.WARNING(f"  {page}: no such page yet, skipped"))
                    continue
                urls = {size: pages[size][index][1] for size in SIZES}
                self.load_averages.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"))
                measured = measure_page(
                    {size: clients[size][who] for size in SIZES}, page, urls, options["runs"], out=self.stdout
                )
                results += [measured[size] for size in SIZES]
        return results
