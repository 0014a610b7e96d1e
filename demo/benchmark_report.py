"""Timing and the Markdown report for ``benchmark_front_door``."""

from __future__ import annotations

import math
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.utils import timezone


@dataclass
class Measurement:
    page: str
    size: str
    referrals: int
    median_ms: float
    p90_ms: float
    queries: int
    sql_ms: float = 0.0
    rows: int = 0  # table rows the page rendered


class SqlTimer:
    """Adds up the time spent executing SQL (``connection.execute_wrapper``): what is left of
    a page's time is Python (view, template, middleware)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: with 30 runs, p90 is the fourth slowest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def database_description() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version}"
    return f"{connection.display_name} {connection.Database.sqlite_version}"


def per_row_us(many: Measurement, one: Measurement) -> float:
    """What one more rendered row costs: the difference between a page of many rows and the
    same page with one, spread over the extra rows (microseconds)."""
    if many.rows <= one.rows:
        return float("nan")
    return (many.median_ms - one.median_ms) * 1000 / (many.rows - one.rows)


def report_markdown(
    results: list[Measurement],
    sizes: list[dict],
    *,
    runs: int,
    warm_up: int,
    load_averages: list[float],
    per_row_pairs: tuple[tuple[str, str], ...] = (),
) -> str:
    """The Markdown the command prints and writes to ``benchmarks/results/``."""
    loads = [load for load in load_averages if not math.isnan(load)]
    lines = [
        f"# Front-door benchmark, {timezone.localdate():%Y-%m-%d}",
        "",
        f"{database_description()}, Python {platform.python_version()}, Django {django.get_version()}; "
        f"{runs} timed requests per page and size (after {warm_up} warm-up requests each), the requests "
        "alternating between the small and the full database; in-process test client signed in as a SPOC "
        "practitioner (queue, referral and person pages), a hub worker (caseload pages) or a superuser "
        "(admin); server time only (no network, no browser).",
        "",
        f"Machine: {os.cpu_count()} CPUs, {platform.machine()}; 1-minute load average while measuring: "
        + (f"{min(loads):.1f} to {max(loads):.1f}" if loads else "unknown")
        + " (a busy machine gives slower, noisier figures, for both sizes alike).",
        "",
        "| Dataset | Database | Referrals | People | Open queue items | Contact attempts | Status transitions "
        "| Staff | Object grants | Hub worker's caseload | Hub caseload | Seeded |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in sizes:
        seeded = f"{s['seeded_at'][:10]}, in {s['seconds']:.0f} s" + (" (reused)" if s["reused"] else "")
        lines.append(
            f"| {s['size']} | {s['database']} | {s['referrals']:,} | {s['people']:,} | {s['queue']:,} "
            f"| {s['attempts']:,} | {s['transitions']:,} | {s['staff']:,} | {s['grants']:,} | {s['caseload']:,} "
            f"| {s['hub_caseload']:,} | {seeded} |"
        )
    lines += [
        "",
        "| Page | Median ms small → full | Full/small | p90 ms small → full | Queries small → full "
        "| SQL ms small → full | Rows small → full |",
        "| --- | --- | ---: | --- | --- | --- | --- |",
    ]
    small = {r.page: r for r in results if r.size == "small"}
    full = {r.page: r for r in results if r.size == "full"}
    for page, f in full.items():
        if page not in small:
            continue
        s = small[page]
        lines.append(
            f"| {page} | {s.median_ms:.1f} → {f.median_ms:.1f} | {f.median_ms / s.median_ms:.2f} "
            f"| {s.p90_ms:.1f} → {f.p90_ms:.1f} | {s.queries} → {f.queries} | {s.sql_ms:.1f} → {f.sql_ms:.1f} "
            f"| {s.rows} → {f.rows} |"
        )
    pairs = [(many, one) for many, one in per_row_pairs if many in full and one in full]
    if pairs:
        lines += [
            "",
            "Per-row cost, full dataset: (median of the page − median of the same page with one row) ÷ (rows − 1),"
            " and the whole page's median ÷ its rows.",
            "",
            "| Page | Rows | Median ms | One-row median ms | µs per extra row | µs per row (page ÷ rows) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for many, one in pairs:
            m, o = full[many], full[one]
            lines.append(
                f"| {many} | {m.rows} | {m.median_ms:.1f} | {o.median_ms:.1f} | {per_row_us(m, o):.0f} "
                f"| {m.median_ms * 1000 / max(m.rows, 1):.0f} |"
            )
    return "\n".join(lines)


def print_and_write(command, report: str, output: str | None, stem: str) -> Path:
    """Print a benchmark's Markdown report and write it to ``output`` (default
    ``benchmarks/results/<stem>-<date>.md``)."""
    command.stdout.write("")
    command.stdout.write(report)
    path = Path(
        output or Path(settings.BASE_DIR) / "benchmarks" / "results" / f"{stem}-{timezone.localdate():%Y-%m-%d}.md"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report + "\n", encoding="utf-8")
    command.stdout.write(command.style.SUCCESS(f"Written to {path}"))
    return path
