"""Measuring one page at both sizes, request by request alternating small and full
(``manage.py benchmark_front_door``)."""

from __future__ import annotations

import re
import statistics
import time

from django.core.management.base import CommandError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import benchmark_databases as databases
from demo.benchmark_report import Measurement, SqlTimer, percentile
from referrals.models import Referral

SIZES = ("small", "full")
ALIASES = {"small": "bench_small", "full": "bench_full"}
WARM_UP_REQUESTS = 3

TABLE_BODY = re.compile(r"<tbody[^>]*>(.*?)</tbody>", re.S)


def rows_rendered(html: str) -> int:
    """Table rows in the page's table bodies (the queue's and the admin's lists)."""
    return sum(body.count("<tr") for body in TABLE_BODY.findall(html))


def signed_in(user) -> Client:
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


def measure_page(clients: dict, page: str, urls: dict, runs: int, *, out) -> dict[str, Measurement]:
    """One page at both sizes, the requests alternating small, full, small, full..."""
    for _ in range(WARM_UP_REQUESTS):
        for size in SIZES:
            with databases.serving(ALIASES[size]):
                get_page(clients[size], urls[size])
    timings = {size: [] for size in SIZES}
    sql = {size: [] for size in SIZES}
    for _ in range(runs):
        for size in SIZES:
            with databases.serving(ALIASES[size]) as db:
                timer = SqlTimer()
                with db.execute_wrapper(timer):
                    started = time.perf_counter()
                    get_page(clients[size], urls[size])
                    timings[size].append((time.perf_counter() - started) * 1000)
                sql[size].append(timer.seconds * 1000)
    results = {}
    for size in SIZES:
        # Counted on a separate request, so recording the queries never slows the timed ones.
        with databases.serving(ALIASES[size]) as db, CaptureQueriesContext(db) as queries:
            html = get_page(clients[size], urls[size])
        results[size] = Measurement(
            page,
            size,
            Referral.objects.using(ALIASES[size]).count(),
            statistics.median(timings[size]),
            percentile(timings[size], 0.90),
            len(queries.captured_queries),
            statistics.median(sql[size]),
            rows_rendered(html),
        )
    small, full = results["small"], results["full"]
    out.write(
        f"  {page}: median {small.median_ms:.1f} -> {full.median_ms:.1f} ms "
        f"(x{full.median_ms / small.median_ms:.2f}), p90 {small.p90_ms:.1f} -> {full.p90_ms:.1f} ms, "
        f"queries {small.queries} -> {full.queries}, rows {small.rows} -> {full.rows}"
    )
    return results


def get_page(client: Client, url: str) -> str:
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}, not 200.")
    return response.content.decode()
