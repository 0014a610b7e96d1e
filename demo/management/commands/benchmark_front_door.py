"""``manage.py benchmark_front_door``: do the front-door pages stay fast at county scale?

Seeds a small dataset (1,000 referrals), measures the SPOC queue, a referral page, a person
page and a hub worker's caseload pages ("My caseload" and the hub caseload, which read through
django-guardian object grants) in-process with Django's test client, tops the data up to
county size (100,000 referrals, 50,000 people over five years) and measures again. Prints a
Markdown table (median and p95 server time, query count, full/small ratio) and writes it to
``benchmarks/results/front_door-<date>.md``. See ``benchmarks/README.md``.

It empties the database it runs on, so it only runs on one whose name says it is for
benchmarks (``ers_bench``), and on SQLite only when asked (``--allow-sqlite``): the figures
that matter are PostgreSQL's.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.benchmark_data import FrontDoorData
from demo.benchmark_report import Measurement, SqlTimer, percentile, report_markdown
from demo.logging import quiet_task_log
from partnership.models import Membership, Organisation
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
    "benchmark_front_door measures PostgreSQL, which production uses: set DATABASE_URL, for example "
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ers_bench. Pass --allow-sqlite to run it on SQLite anyway."
)
NOT_A_BENCH_DATABASE = (
    "benchmark_front_door empties the database it runs on. Its name must contain 'bench' "
    "(for example ers_bench); this one is %(name)s."
)
DEFAULT_QUEUE_FILTER = "priority=1&priority=2"  # urgent and Children's Services: the SPOC's first look
WARM_UP_REQUESTS = 3
GRANT_MODELS = (
    ReferralUserObjectPermission,
    ReferralGroupObjectPermission,
    PersonUserObjectPermission,
    PersonGroupObjectPermission,
)


class Command(BaseCommand):
    help = "Seed county-scale synthetic referrals (small, then full size) and time the front-door pages."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=50_000, help="People at full size (default 50,000).")
        parser.add_argument("--referrals", type=int, default=100_000, help="Referrals at full size (default 100,000).")
        parser.add_argument("--small", type=int, default=1_000, help="Referrals in the small dataset (default 1,000).")
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page and size (default 30).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the synthetic data.")
        parser.add_argument("--queue-filter", default=DEFAULT_QUEUE_FILTER, help="Query string for the filtered queue.")
        parser.add_argument(
            "--output", help="Where to write the Markdown (default benchmarks/results/front_door-<date>.md)."
        )
        parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite (the figures mean little).")

    def handle(self, *args, **options):
        self._check_options(options)
        self.load_averages: list[float] = []
        self._prepare_database(options)
        now = timezone.now()
        small_people = max(1, round(options["people"] * options["small"] / options["referrals"]))
        data = FrontDoorData(seed=options["seed"], now=now)
        results: list[Measurement] = []
        sizes = []

        # Benchmark referrals are not news: keep the SPOC notification e-mails out of the way.
        # DEBUG off, as in production: no query log filling up with bulk inserts, no debug templates.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False),
            quiet_task_log(),
        ):
            seconds = self._seed(data, people=small_people, referrals=options["small"], label="small")
            target = self._measured_records(data, now=now)
            sizes.append(self._describe("small", seconds, target))
            results += self._measure_all("small", target, options)

            seconds = self._seed(
                data,
                people=options["people"] - small_people,
                referrals=options["referrals"] - options["small"],
                label="full",
            )
            sizes.append(self._describe("full", seconds, target))
            results += self._measure_all("full", target, options)

        report = report_markdown(
            results, sizes, runs=options["runs"], warm_up=WARM_UP_REQUESTS, load_averages=self.load_averages
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

    # --- Checks and the database -------------------------------------------------------------

    def _check_options(self, options) -> None:
        if options["small"] < 1 or options["referrals"] <= options["small"]:
            raise CommandError("--referrals must be larger than --small, and --small at least 1.")
        if options["people"] < 2:
            raise CommandError("--people must be at least 2.")
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        if connection.vendor == "sqlite" and not options["allow_sqlite"]:
            raise CommandError(SQLITE_REFUSED)
        name = str(connection.settings_dict["NAME"])
        in_memory = connection.vendor == "sqlite" and "memory" in name
        # A test run's throwaway database (Django names it test_<name>) is fair game too.
        disposable = in_memory or name.startswith("test_")
        if "bench" not in name.lower() and not disposable:
            raise CommandError(NOT_A_BENCH_DATABASE % {"name": name})

    def _prepare_database(self, options) -> None:
        try:
            connection.ensure_connection()
        except OperationalError as error:
            if connection.vendor != "postgresql" or "does not exist" not in str(error):
                raise CommandError(f"Cannot connect to the database: {error}") from error
            name = connection.settings_dict["NAME"]
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
            self.stdout.write(f"Created the database {name}.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Applying migrations...")
            call_command("migrate", interactive=False, verbosity=0)
        # (Not "any user": django-guardian makes its AnonymousUser on every migrate.)
        if (
            Referral.objects.exists()
            or Person.objects.exists()
            or Organisation.objects.exists()
            or get_user_model().objects.filter(username__startswith="bench-").exists()
        ):
            self.stdout.write("Emptying the benchmark database for a fresh run...")
            call_command("flush", interactive=False, verbosity=0)

    def _analyze(self) -> None:
        # Fresh statistics after a bulk load, as autovacuum would give a long-running database.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- Seeding ------------------------------------------------------------------------------

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
        both sizes. It is allocated to the hub worker whose caseload pages are measured."""
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
        return {"spoc": spoc, "hub_worker": worker, "reference": referral.reference, "person": person.pk}

    def _describe(self, size: str, seconds: float, target: dict) -> dict:
        worker = target["hub_worker"]
        allocated = Referral.objects.filter(status=Referral.Status.ALLOCATED)
        return {
            "size": size,
            "seconds": seconds,
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

    def _pages(self, target: dict, options) -> list[tuple[str, str | None, str]]:
        """(page, URL or None when the page does not exist yet, who is signed in)."""

        def url(name: str, *args) -> str | None:
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                return None

        queue = url("referrals:queue")
        return [
            ("SPOC queue, first page", queue, "spoc"),
            (
                f"SPOC queue, filtered ({options['queue_filter']})",
                f"{queue}?{options['queue_filter']}" if queue else None,
                "spoc",
            ),
            ("Referral page (allocated, with history)", url("referrals:detail", target["reference"]), "spoc"),
            ("Person page (returning person)", url("referrals:person", target["person"]), "spoc"),
            ("My caseload (hub worker)", url("referrals:caseload"), "hub_worker"),
            ("Hub caseload, first page (hub worker)", url("referrals:hub_caseload"), "hub_worker"),
        ]

    def _measure_all(self, size: str, target: dict, options) -> list[Measurement]:
        referrals = Referral.objects.count()
        self.load_averages.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"))
        clients = {who: self._signed_in(target[who]) for who in ("spoc", "hub_worker")}
        results = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts):
            for page, url, who in self._pages(target, options):
                if url is None:
                    self.stdout.write(self.style.WARNING(f"  {page}: no such page yet, skipped"))
                    continue
                results.append(self._measure(clients[who], page, url, size, referrals, options["runs"]))
        return results

    @staticmethod
    def _signed_in(user) -> Client:
        client = Client()
        client.force_login(user)
        # Signed in as staff are after both steps (SEC-3): the session is verified with a
        # confirmed authenticator app, so each page costs what it does for a real user.
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Benchmark authenticator app"}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def _measure(self, client: Client, page: str, url: str, size: str, referrals: int, runs: int) -> Measurement:
        for _ in range(WARM_UP_REQUESTS):
            self._get(client, url)
        timings, sql = [], []
        for _ in range(runs):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                self._get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
            sql.append(timer.seconds * 1000)
        # Counted on a separate request, so recording the queries never slows the timed ones.
        with CaptureQueriesContext(connection) as queries:
            self._get(client, url)
        result = Measurement(
            page,
            size,
            referrals,
            statistics.median(timings),
            percentile(timings, 0.95),
            len(queries.captured_queries),
            statistics.median(sql),
        )
        self.stdout.write(
            f"  {size:5} {page}: median {result.median_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
            f"SQL {result.sql_ms:.1f} ms, {result.queries} queries"
        )
        return result

    @staticmethod
    def _get(client: Client, url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}, not 200.")
