"""Timing and the Markdown report for ``benchmark_front_door``."""

from __future__ import annotations

import math
import os
import platform
import time
from dataclasses import dataclass

import django
from django.db import connection
from django.utils import timezone


@dataclass
class Measurement:
    page: str
    size: str
    referrals: int
    median_ms: float
    p95_ms: float
    queries: int
    sql_ms: float = 0.0


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
    """Nearest-rank percentile: with 30 runs, p95 is the second slowest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def database_description() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version}"
    return f"{connection.display_name} {connection.Database.sqlite_version}"


def report_markdown(
    results: list[Measurement], sizes: list[dict], *, runs: int, warm_up: int, load_averages: list[float]
) -> str:
    """The Markdown the command prints and writes to ``benchmarks/results/``."""
    lines = [
        f"# Front-door benchmark, {timezone.localdate():%Y-%m-%d}",
        "",
        f"{database_description()}, Python {platform.python_version()}, Django {django.get_version()}; "
        f"{runs} timed requests per page and size (after {warm_up} warm-up requests), "
        "in-process test client signed in as a SPOC practitioner (queue, referral and person pages) or as a "
        "hub worker (caseload pages); server time only (no network, no browser).",
        "",
        f"Machine: {os.cpu_count()} CPUs; 1-minute load average when measuring: "
        + ", ".join(f"{load:.1f}" for load in load_averages)
        + " (a busy machine gives slower, noisier figures).",
        "",
        "| Dataset | Referrals | People | Open queue items | Contact attempts | Status transitions | Staff "
        "| Object grants | Hub worker's caseload | Hub caseload | Seeded in |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in sizes:
        lines.append(
            f"| {s['size']} | {s['referrals']:,} | {s['people']:,} | {s['queue']:,} | {s['attempts']:,} | "
            f"{s['transitions']:,} | {s['staff']:,} | {s['grants']:,} | {s['caseload']:,} | "
            f"{s['hub_caseload']:,} | {s['seconds']:.0f} s |"
        )
    lines += [
        "",
        "| Page | Size | Median ms | p95 ms | Queries | SQL ms (median) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.page} | {r.size} ({r.referrals:,}) | {r.median_ms:.1f} | {r.p95_ms:.1f} | {r.queries} "
            f"| {r.sql_ms:.1f} |"
        )
    lines += [
        "",
        "| Page | Median full/small | p95 full/small | SQL full/small | Queries small → full |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    small = {r.page: r for r in results if r.size == "small"}
    for r in results:
        if r.size != "full" or r.page not in small:
            continue
        s = small[r.page]
        lines.append(
            f"| {r.page} | {r.median_ms / s.median_ms:.2f} | {r.p95_ms / s.p95_ms:.2f} "
            f"| {r.sql_ms / s.sql_ms if s.sql_ms else float('nan'):.2f} | {s.queries} → {r.queries} |"
        )
    return "\n".join(lines)
