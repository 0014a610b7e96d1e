"""``manage.py benchmark_chronology``: how long does the chronology PDF take, and how much memory,
for a person with 1 and with 10 years of history? (issue 11, "Speed").

A year of history is the issue's 200 contacts, 4 assessment versions, 3 plan reviews and 2
safeguarding concerns (``demo.benchmark_chronology``). Both people live in one PostgreSQL
database, ``ers_bench_chronology``, seeded once and reused. The PDFs are made in-process as the
hub worker who supports them, alternating 1 year and 10 years run by run, so a busy machine
slows both alike; each run is timed stage by stage (the rows alone; the HTML, rows included;
WeasyPrint's layout; writing the PDF). Peak memory is measured separately, in a fresh
``manage.py`` process per size (the ``--peak-memory-of`` mode): the growth of its resident set
(``VmRSS`` to ``VmHWM``, which count what Pango and the C libraries take as well as Python)
from just before the PDF is made to its peak. Target: under 10 s at 10 years. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from demo import benchmark_chronology as data
from demo import benchmark_databases as databases
from demo.benchmark_memory import reset_peak, status_kib
from demo.benchmark_report import database_description, print_and_write
from demo.logging import quiet_task_log
from referrals.models import Person
from safeguarding import chronology
from safeguarding.chronology_pdf import WINDOW, chronology_html, chronology_layout, chronology_write

TARGET_SECONDS = 10
STAGES = ("rows", "html", "layout", "write", "total", "cpu")
SQLITE_REFUSED = (
    "benchmark_chronology measures PostgreSQL, which production uses: set DATABASE_URL to a PostgreSQL server, "
    "for example DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (the command makes its own database "
    "there). Pass --allow-sqlite to run it on SQLite anyway."
)
NOT_A_BENCH_DATABASE = (
    "The benchmark empties the database it seeds. Its name must contain 'bench' "
    "(for example ers_bench_chronology); this one is %(name)s."
)


def default_name() -> str:
    """``ers_bench_chronology`` on PostgreSQL; a file beside the default database on SQLite."""
    default = connections.settings[DEFAULT_DB_ALIAS]
    if default["ENGINE"].endswith("sqlite3"):
        name = str(default["NAME"])
        folder = Path(name).parent if "memory" not in name else Path(tempfile.gettempdir())
        return str(folder / "ers_bench_chronology.sqlite3")
    return "ers_bench_chronology"


def _kib_to_mb(kib: int) -> float:
    return kib / 1024


class Command(BaseCommand):
    help = "Time the chronology PDF (and its peak memory) at 1 and 10 years of history, interleaved."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="Timed PDFs per size (default 5).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the issue's yearly volumes (default 1)."
        )
        parser.add_argument("--database", help="Benchmark database (default ers_bench_chronology).")
        parser.add_argument("--reseed", action="store_true", help="Seed the database again even if up to date.")
        parser.add_argument("--no-memory", action="store_true", help="Skip the peak-memory processes.")
        parser.add_argument("--output", help="Markdown report (default benchmarks/results/chronology-<date>.md).")
        parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite (the figures mean little).")
        parser.add_argument("--peak-memory-of", choices=data.SIZES, help="(internal) one PDF, print its memory.")

    def handle(self, *args, **options):
        name = options["database"] or default_name()
        if connection.vendor == "sqlite" and not options["allow_sqlite"]:
            raise CommandError(SQLITE_REFUSED)
        if "bench" not in Path(name).name.lower():
            raise CommandError(NOT_A_BENCH_DATABASE % {"name": name})
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale must be more than 0 and at most 1.")
        databases.register(data.ALIAS, name)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), quiet_task_log():
                if options["peak_memory_of"]:
                    self.stdout.write(json.dumps(self._peak_memory(options["peak_memory_of"])))
                    return
                marker = data.dataset(name, scale=options["scale"], reseed=options["reseed"], stdout=self.stdout)
                with databases.serving(data.ALIAS):
                    self.database = database_description()
                rows = self._measure(marker, options["runs"])
        finally:
            databases.unregister(data.ALIAS)
        if not options["no_memory"]:
            for size in data.SIZES:
                rows[size]["memory"] = self._memory_process(size, name, options)
        report = self._report(rows, marker, name, options)
        print_and_write(self, report, options["output"], "chronology")

    def _subject(self, marker: dict, size: str):
        user = get_user_model().objects.get(username=marker["user"])
        person = Person.objects.get(reference=marker["people"][size]["person"])
        return person, user

    def _one(self, person, user) -> tuple[dict, object, bytes, int]:
        """One PDF, stage by stage (seconds), its document, its bytes and its number of rows."""
        filters = chronology.Filters()
        started = time.perf_counter()
        count = sum(1 for _ in chronology.entries(person=person, user=user, filters=filters, window=WINDOW))
        rows_done, cpu_started = time.perf_counter(), time.process_time()
        html = chronology_html(person=person, user=user, filters=filters)
        html_done = time.perf_counter()
        document = chronology_layout(html)
        layout_done = time.perf_counter()
        pdf = chronology_write(document)
        written, cpu_done = time.perf_counter(), time.process_time()
        stages = {
            "rows": rows_done - started,
            "html": html_done - rows_done,
            "layout": layout_done - html_done,
            "write": written - layout_done,
            "total": written - rows_done,  # what producing the PDF costs (the HTML walks the rows itself)
            "cpu": cpu_done - cpu_started,  # the same in this process's CPU time: what a busy machine adds is not in it
        }
        return stages, document, pdf, count

    def _measure(self, marker: dict, runs: int) -> dict:
        subjects = {}
        for size in data.SIZES:
            with databases.serving(data.ALIAS):
                subjects[size] = self._subject(marker, size)
                self._one(*subjects[size])  # warm-up: fonts, templates, the database's cache
        self.load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        times = {size: {stage: [] for stage in STAGES} for size in data.SIZES}
        for run in range(runs):
            for size in data.SIZES:  # alternating: 1 year, 10 years, 1 year, ...
                with databases.serving(data.ALIAS):
                    stages, _document, _pdf, _count = self._one(*subjects[size])
                for stage, seconds in stages.items():
                    times[size][stage].append(seconds)
                self.stdout.write(f"  run {run + 1}, {size}: {stages['total']:.2f} s")
        rows = {}
        for size in data.SIZES:
            # Counted on a separate PDF, so recording the queries never slows the timed ones.
            with databases.serving(data.ALIAS) as db, CaptureQueriesContext(db) as queries:
                _stages, document, pdf, count = self._one(*subjects[size])
            rows[size] = {
                **{stage: statistics.median(values) for stage, values in times[size].items()},
                "entries": count,
                "pages": len(document.pages),
                "bytes": len(pdf),
                "queries": len(queries.captured_queries),
            }
        return rows

    def _memory_process(self, size: str, name: str, options) -> dict:
        """The peak memory of one PDF, in a fresh process (nothing left over from the timed runs)."""
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "benchmark_chronology"]
        command += ["--peak-memory-of", size, "--database", name]
        if options["allow_sqlite"]:
            command.append("--allow-sqlite")
        done = subprocess.run(command, check=False, capture_output=True, text=True, env=os.environ.copy())  # noqa: S603 (our own command)
        if done.returncode != 0:
            raise CommandError(f"The peak-memory process for {size} failed:\n{done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _peak_memory(self, size: str) -> dict:
        import weasyprint  # noqa: F401 (loaded before the baseline, as a running server has it)

        with databases.serving(data.ALIAS):
            marker = databases.read_marker(data.ALIAS)
            if marker is None:
                raise CommandError("The benchmark database is not seeded: run the benchmark without --peak-memory-of.")
            person, user = self._subject(marker, size)
            reset_peak()
            baseline = status_kib("VmRSS")
            filters = chronology.Filters()
            chronology_write(chronology_layout(chronology_html(person=person, user=user, filters=filters)))
            peak = status_kib("VmHWM")
        return {
            "baseline_mb": _kib_to_mb(baseline),
            "peak_mb": _kib_to_mb(peak),
            "growth_mb": _kib_to_mb(max(0, peak - baseline)),
        }

    def _report(self, rows: dict, marker: dict, name: str, options) -> str:
        one, ten = rows["1y"], rows["10y"]
        lines = [
            f"## The chronology PDF at 1 and 10 years of history ({timezone.localdate():%Y-%m-%d})",
            "",
            f"{self.database}, database {name}; scale {options['scale']:g} of the issue's yearly volumes; "
            f"{options['runs']} timed PDFs per size, alternating 1 year and 10 years, after one warm-up each; "
            f"load average {self.load:.1f} when measuring began; {os.cpu_count()} CPUs. "
            f"Target: under {TARGET_SECONDS} s at 10 years.",
            "",
            "| Person | Their records | Entries | Pages | PDF KB | Queries |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for size in data.SIZES:
            row = rows[size]
            mine = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in marker["people"][size]["records"].items())
            lines.append(
                f"| {size} | {mine} | {row['entries']:,} | {row['pages']} | {row['bytes'] // 1024:,} | "
                f"{row['queries']} |"
            )
        lines += [
            "",
            "| Stage (median s) | 1y | 10y | 10y/1y |",
            "| --- | ---: | ---: | ---: |",
        ]
        labels = {
            "rows": "Rows alone (the entries, streamed)",
            "html": "HTML (rows and templates)",
            "layout": "WeasyPrint layout",
            "write": "Writing the PDF",
            "total": "**The PDF (HTML + layout + writing)**",
            "cpu": "The PDF in CPU time (this process)",
        }
        for stage in STAGES:
            lines.append(f"| {labels[stage]} | {one[stage]:.2f} | {ten[stage]:.2f} | {ten[stage] / one[stage]:.1f} |")
        met = ten["total"] < TARGET_SECONDS
        lines += ["", f"Under {TARGET_SECONDS} s at 10 years: {'yes' if met else 'no'} ({ten['total']:.2f} s)."]
        if "memory" in one:
            lines += [
                "",
                "Peak memory of one PDF, each size in a fresh process (resident set, `VmRSS` to `VmHWM`, from just "
                "before the PDF is made to its peak; Python and the C libraries alike):",
                "",
                "| Person | Resident before MB | Peak MB | Growth MB | Growth per page KB |",
                "| --- | ---: | ---: | ---: | ---: |",
            ]
            for size in data.SIZES:
                memory, pages = rows[size]["memory"], rows[size]["pages"]
                lines.append(
                    f"| {size} | {memory['baseline_mb']:.0f} | {memory['peak_mb']:.0f} | {memory['growth_mb']:.0f} | "
                    f"{memory['growth_mb'] * 1024 / pages:.0f} |"
                )
        return "\n".join(lines)
