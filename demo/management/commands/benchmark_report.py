"""``manage.py benchmark_report``: does building a quarter's report stay quick, with memory flat,
as history grows? (issue 10, "Speed and scale").

The same county at the same rate of activity with 1 year and with 10 years of history
(``demo.benchmark_county``: at full size the 10-year one has 100,000 people, 250,000 referrals
and about 2,000,000 contacts). One quarter's report is built on each, **each build in a fresh
child process** (``--measure-once``), alternating 1 year and 10 years, ``--runs`` times: the
report's data (``reporting.build.report_data``) and its PDF (``reporting.pdf.report_pdf``),
timed separately, with the child's resident memory before and its peak after (``demo.benchmark_memory``:
``VmRSS`` and ``VmHWM``, the peak started again in the child; ``ru_maxrss`` would carry the
parent's). A
fresh process per build means every measurement starts from the same empty process (no cache,
no memory kept from the previous build), so peak memory at 1 and 10 years is comparable.
Medians are reported. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import override_settings
from django.utils import timezone

from demo import benchmark_county as county
from demo.benchmark_memory import reset_peak, status_kib
from demo.benchmark_report import print_and_write
from demo.logging import quiet_task_log
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE

BUILDERS_MISSING = (
    "benchmark_report measures the report build, which is not in this code yet: %(missing)s. It needs "
    "reporting.build.report_data(quarter=..., council=...) and reporting.pdf.report_pdf(data) -> bytes "
    "(issue 10). Pass --seed-only to seed the county databases now and measure later."
)
CHILD_FAILED = "Building the report in a child process failed (%(size)s, exit %(code)s):\n%(stderr)s"


def builders():
    """The report's build and PDF render, imported only when measuring (they are another part
    of issue 10): raises ImportError or AttributeError naming what is missing."""
    from reporting import build, pdf  # noqa: PLC0415

    return build.report_data, pdf.report_pdf


def missing_builders() -> str:
    try:
        builders()
    except (ImportError, AttributeError) as error:
        return str(error)
    return ""


def _mb(kib: int) -> float:
    return kib / 1024


def database_url(name: str) -> str:
    """DATABASE_URL for a child process: the default server, database ``name``."""
    s = connections.settings[DEFAULT_DB_ALIAS]
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(name).resolve()}"
    auth = quote(s.get("USER") or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{name}"


class Command(BaseCommand):
    help = "Time one quarter's report (data and PDF) at 1 and 10 years of history, a fresh process per build."

    def add_arguments(self, parser):
        county.add_county_arguments(parser)
        parser.add_argument("--runs", type=int, default=5, help="Builds per size (default 5).")
        parser.add_argument("--quarter", help="Quarter code, e.g. 2026-27-Q2 (default: the last finished).")
        parser.add_argument("--council", default=WHOLE_SERVICE, help="A council, or the whole service (default).")
        parser.add_argument("--seed-only", action="store_true", help="Seed the databases and stop.")
        parser.add_argument("--output", help="Markdown report (default benchmarks/results/report-<date>.md).")
        parser.add_argument("--measure-once", action="store_true", help="(internal) build once, print JSON.")

    def handle(self, *args, **options):
        quarter = Quarter.parse(options["quarter"]) if options["quarter"] else Quarter.last_finished()
        if options["measure_once"]:
            return self._measure_once(quarter, options["council"])
        names = county.database_names(options, "benchmark_report")
        missing = missing_builders()
        if missing and not options["seed_only"]:
            raise CommandError(BUILDERS_MISSING % {"missing": missing})
        try:
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False),
                quiet_task_log(),
            ):
                datasets = county.counties(options, names, self.stdout)
        finally:
            county.unregister_all()
        if options["seed_only"]:
            self.stdout.write(self.style.SUCCESS("Seeded; measure with the same options without --seed-only."))
            return None
        results = self._measure(names, quarter, options)
        report = self._report(results, datasets, names, quarter, options)
        print_and_write(self, report, options["output"], "report")
        return None

    # --- The child: one build, in a fresh process -----------------------------------------------

    def _measure_once(self, quarter: Quarter, council: str) -> None:
        report_data, render_report_pdf = builders()
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        with override_settings(DEBUG=False), connection.execute_wrapper(count):
            connection.ensure_connection()
            reset_peak()  # the peak from here on, not the parent's (see demo.benchmark_memory)
            before = _mb(status_kib("VmRSS"))
            started = time.perf_counter()
            data = report_data(quarter=quarter, council=council)
            built = time.perf_counter()
            after_data = _mb(status_kib("VmHWM"))
            pdf = render_report_pdf(data)
            done = time.perf_counter()
        result = {
            "data_s": built - started,
            "pdf_s": done - built,
            "total_s": done - started,
            "rss_before_mb": before,
            "rss_after_data_mb": after_data,
            "peak_rss_mb": _mb(status_kib("VmHWM")),
            "queries": queries[0],
            "pdf_bytes": len(pdf),
            "tables": len(data.kpi_tables) + len(data.equality_tables),
        }
        self.stdout.write(json.dumps(result))

    # --- The parent: interleaved children --------------------------------------------------------

    def _child(self, name: str, quarter: Quarter, council: str, size: str) -> dict:
        env = {**os.environ, "DATABASE_URL": database_url(name)}
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "benchmark_report", "--measure-once"]
        command += ["--quarter", quarter.code, "--council", council]
        done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise CommandError(CHILD_FAILED % {"size": size, "code": done.returncode, "stderr": done.stderr[-3000:]})
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _measure(self, names: dict, quarter: Quarter, options) -> dict[str, list[dict]]:
        self.load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        results: dict[str, list[dict]] = {size: [] for size in county.SIZES}
        for run in range(options["runs"]):
            for size in county.SIZES:  # alternating: 1 year, 10 years, 1 year, ...
                measured = self._child(names[size], quarter, options["council"], size)
                results[size].append(measured)
                self.stdout.write(
                    f"  run {run + 1}, {size}: data {measured['data_s']:.2f} s, PDF {measured['pdf_s']:.2f} s, "
                    f"peak {measured['peak_rss_mb']:.0f} MB, {measured['queries']} queries"
                )
        return results

    def _report(self, results: dict, datasets: dict, names: dict, quarter: Quarter, options) -> str:
        council = options["council"] or "whole service"
        lines = [
            f"## Quarterly report build at 1 and 10 years of history ({timezone.localdate():%Y-%m-%d})",
            "",
            f"Quarter {quarter.code} ({council}); scale {options['scale']:g} of the full county; "
            f"{options['runs']} builds per size, each in a fresh process, alternating 1 year and 10 years; "
            f"load average {self.load:.1f} when measuring began.",
            "",
            "| County | Database | People | Referrals | Contacts | Treatment referrals | Readings | Outreach contacts |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size in county.SIZES:
            c = datasets[size]["counts"]
            lines.append(
                f"| {size} | {names[size]} | {c['people']:,} | {c['referrals']:,} | {c.get('contacts', 0):,} | "
                f"{c.get('treatment_referrals', 0):,} | {c.get('readings', 0):,} | {c.get('outreach_contacts', 0):,} |"
            )
        lines += [
            "",
            "| Measure (median) | 1 year | 10 years | 10y/1y |",
            "| --- | ---: | ---: | ---: |",
        ]
        measures = (
            ("Report data, s", "data_s", "{:.2f}"),
            ("PDF, s", "pdf_s", "{:.2f}"),
            ("Data and PDF, s", "total_s", "{:.2f}"),
            ("Peak resident memory, MB", "peak_rss_mb", "{:.0f}"),
            ("Resident memory before the build, MB", "rss_before_mb", "{:.0f}"),
            ("Queries", "queries", "{:.0f}"),
            ("PDF size, bytes", "pdf_bytes", "{:.0f}"),
        )
        for label, key, fmt in measures:
            a = statistics.median(r[key] for r in results["1y"])
            b = statistics.median(r[key] for r in results["10y"])
            ratio = f"{b / a:.2f}" if a else "-"
            lines.append(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {ratio} |")
        slowest = max(r["total_s"] for r in results["10y"])
        lines += ["", f"Slowest build at 10 years: {slowest:.2f} s (target: under 30 s)."]
        return "\n".join(lines)
