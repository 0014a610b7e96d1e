"""``manage.py benchmark_casework``: do a person's pages stay fast with ten years of history?
(issue 9, "Speed").

The person page, the timeline (first page), the assessment overview, the BARC-10 readings page
(chart and table) and the versions of one assessment section, for a person with **1 year** of
their own history in a county of 1 year, against a person with **10 years** (2,000 contacts,
40 assessment versions, 30 plan reviews, 60 readings) in a county of 10 years
(``demo.benchmark_county``). The two databases are swapped in behind the default connection
request by request (``demo.benchmark_databases.serving``), alternating 1 year and 10 years, so a
busy machine slows both alike. Signed in as the person's hub worker after both sign-in steps,
with ``DEBUG`` off. Targets: 10y/1y ratio of medians <= 1.2 and median < 250 ms.
See ``benchmarks/README.md``.
"""

from __future__ import annotations

import os
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from demo import benchmark_county as county
from demo import benchmark_databases as databases
from demo.benchmark_measure import signed_in
from demo.benchmark_report import SqlTimer, percentile, print_and_write
from demo.logging import quiet_task_log

WARM_UP = 3
RATIO_TARGET = 1.2
MEDIAN_TARGET_MS = 250


def pages(person: str) -> list[tuple[str, str]]:
    return [
        ("Person page", reverse("referrals:person", args=[person])),
        ("Timeline, first page", reverse("referrals:person_timeline", args=[person])),
        ("Assessment overview", reverse("assessments:overview", args=[person])),
        ("BARC-10 readings (chart and table)", reverse("assessments:readings", args=[person, "barc-10"])),
        ("Needs section versions", reverse("assessments:versions", args=[person, "needs"])),
    ]


class Command(BaseCommand):
    help = "Time a person's casework pages at 1 and 10 years of history, interleaved."

    def add_arguments(self, parser):
        county.add_county_arguments(parser)
        parser.add_argument("--runs", type=int, default=30, help="Timed requests per page and size (default 30).")
        parser.add_argument("--output", help="Markdown report (default benchmarks/results/casework-<date>.md).")

    def handle(self, *args, **options):
        names = county.database_names(options, "benchmark_casework")
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        try:
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False),
                quiet_task_log(),
            ):
                datasets = county.counties(options, names, self.stdout)
                rows = self._measure(datasets, options["runs"])
        finally:
            county.unregister_all()
        report = self._report(rows, datasets, names, options)
        print_and_write(self, report, options["output"], "casework")

    def _measure(self, datasets: dict, runs: int) -> list[dict]:
        clients, urls = {}, {}
        for size in county.SIZES:
            with databases.serving(county.ALIASES[size]):
                worker = get_user_model().objects.get(username=datasets[size]["hub_worker"])
                clients[size] = signed_in(worker)
                urls[size] = pages(datasets[size]["person"])
        self.load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        rows = []
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for index, (page, _url) in enumerate(urls["1y"]):
                rows.append(self._page(page, clients, {size: urls[size][index][1] for size in county.SIZES}, runs))
        return rows

    def _page(self, page: str, clients: dict, urls: dict, runs: int) -> dict:
        def get(size: str) -> str:
            response = clients[size].get(urls[size])
            if response.status_code != 200:
                raise CommandError(f"{page} ({size}) answered {response.status_code}, not 200.")
            return response.content.decode()

        for _ in range(WARM_UP):
            for size in county.SIZES:
                with databases.serving(county.ALIASES[size]):
                    get(size)
        times = {size: [] for size in county.SIZES}
        sql = {size: [] for size in county.SIZES}
        for _ in range(runs):
            for size in county.SIZES:  # alternating: 1 year, 10 years, 1 year, ...
                with databases.serving(county.ALIASES[size]) as db:
                    timer = SqlTimer()
                    with db.execute_wrapper(timer):
                        started = time.perf_counter()
                        get(size)
                        times[size].append((time.perf_counter() - started) * 1000)
                    sql[size].append(timer.seconds * 1000)
        row = {"page": page}
        for size in county.SIZES:
            with databases.serving(county.ALIASES[size]) as db, CaptureQueriesContext(db) as queries:
                html = get(size)
            row[size] = {
                "median": statistics.median(times[size]),
                "p90": percentile(times[size], 0.90),
                "sql": statistics.median(sql[size]),
                "queries": len(queries.captured_queries),
                "bytes": len(html),
            }
        row["ratio"] = row["10y"]["median"] / row["1y"]["median"]
        self.stdout.write(
            f"  {page}: median {row['1y']['median']:.1f} -> {row['10y']['median']:.1f} ms (x{row['ratio']:.2f}), "
            f"queries {row['1y']['queries']} -> {row['10y']['queries']}"
        )
        return row

    def _report(self, rows: list[dict], datasets: dict, names: dict, options) -> str:
        lines = [
            f"## Casework pages at 1 and 10 years of history ({timezone.localdate():%Y-%m-%d})",
            "",
            f"Scale {options['scale']:g} of the full county; {options['runs']} timed requests per page and size, "
            f"alternating 1 year and 10 years, after {WARM_UP} warm-up requests each; DEBUG off; "
            f"load average {self.load:.1f} when measuring began. Targets: ratio <= {RATIO_TARGET}, "
            f"median < {MEDIAN_TARGET_MS} ms.",
            "",
            "| County | Database | People | Referrals | Contacts | Readings | Plan reviews | The person's records | Seeded |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for size in county.SIZES:
            d, c = datasets[size], datasets[size]["counts"]
            mine = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in d["person_records"].items())
            seeded = f"{d['seeded_at'][:10]}, in {d['seconds']:.0f} s" + (" (reused)" if d["reused"] else "")
            lines.append(
                f"| {size} | {names[size]} | {c['people']:,} | {c['referrals']:,} | {c.get('contacts', 0):,} | "
                f"{c.get('readings', 0):,} | {c.get('plan_reviews', 0):,} | {mine} | {seeded} |"
            )
        lines += [
            "",
            "| Page | Median ms 1y → 10y | 10y/1y | p90 ms 1y → 10y | Queries 1y → 10y | SQL ms 1y → 10y | Target met |",
            "| --- | --- | ---: | --- | --- | --- | --- |",
        ]
        for row in rows:
            a, b = row["1y"], row["10y"]
            met = row["ratio"] <= RATIO_TARGET and b["median"] < MEDIAN_TARGET_MS
            lines.append(
                f"| {row['page']} | {a['median']:.1f} → {b['median']:.1f} | {row['ratio']:.2f} | "
                f"{a['p90']:.1f} → {b['p90']:.1f} | {a['queries']} → {b['queries']} | "
                f"{a['sql']:.1f} → {b['sql']:.1f} | {'yes' if met else 'no'} |"
            )
        return "\n".join(lines)
