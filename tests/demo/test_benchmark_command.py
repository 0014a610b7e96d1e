"""``manage.py benchmark_front_door`` at tiny sizes: it seeds two databases once, measures them
interleaved and reports."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from demo import benchmark_databases as databases
from demo.benchmark_measure import rows_rendered
from demo.benchmark_report import Measurement, per_row_us, percentile
from demo.management.commands.benchmark_front_door import (
    ALIASES,
    GRANT_MODELS,
    NOT_A_BENCH_DATABASE,
    SQLITE_REFUSED,
)
from partnership.grants import hub_group_name
from referrals.models import ContactAttempt, Person, Referral, StatusTransition, Triage
from referrals.selectors import referrals as selectors
from referrals.services.grants import sync_referral_grants

pytestmark = pytest.mark.django_db(transaction=False)

TINY = ["--people", "50", "--referrals", "100", "--small", "20", "--runs", "2", "--allow-sqlite"]
PAGES = (
    "SPOC queue, first page",
    "SPOC queue, filtered",
    "SPOC queue, one row",
    "Referral page (allocated, with history)",
    "Person page (returning person)",
    "My caseload (hub worker)",
    "Hub caseload, first page (hub worker)",
    "Admin referral list (baseline)",
    "Admin referral list, one row",
)


def _table_rows(report: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in report.splitlines() if line.startswith("| ")
    ]


@pytest.fixture
def bench_databases(tmp_path):
    """Two throwaway benchmark databases on the server the suite runs on: files on SQLite,
    short-lived databases on PostgreSQL (CI), dropped afterwards."""
    if connection.vendor == "sqlite":
        names = {"small": str(tmp_path / "ers_bench_small.sqlite3"), "full": str(tmp_path / "ers_bench_full.sqlite3")}
    else:
        names = {"small": "test_ers_bench_small", "full": "test_ers_bench_full"}
        _drop(names)
    yield names
    for size in ("small", "full"):
        databases.unregister(ALIASES[size])
    if connection.vendor != "sqlite":
        _drop(names)


def _drop(names: dict) -> None:
    with connection._nodb_cursor() as cursor:
        for name in names.values():
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def _run(names: dict, output, *extra) -> str:
    out = StringIO()
    call_command(
        "benchmark_front_door",
        *TINY,
        "--small-database",
        names["small"],
        "--full-database",
        names["full"],
        "--output",
        str(output),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_the_benchmark_seeds_two_databases_measures_them_interleaved_and_reports(tmp_path, bench_databases, client):
    output = tmp_path / "front_door.md"
    printed = _run(bench_databases, output)

    report = output.read_text(encoding="utf-8")
    assert report.strip() in printed
    assert "alternating between the small and the full database" in report
    header = "| Page | Median ms small → full | Full/small | p90 ms small → full | Queries small → full "
    assert header in report
    rows = {row[0]: row for row in _table_rows(report) if len(row) == 7 and "→" in row[1]}
    for page in PAGES:
        (row,) = [row for name, row in rows.items() if name.startswith(page)]
        _page, medians, ratio, p90s, queries, sql, rendered = row
        small, full = (float(n) for n in medians.split(" → "))
        assert small > 0 and full > 0 and float(ratio) == pytest.approx(full / small, abs=0.01)
        assert all(float(p) > 0 for p in p90s.split(" → "))
        # The same queries at both sizes: nothing grows with the data. (At these tiny sizes
        # the small dataset may have no row for the filtered queue, and an empty page asks less.)
        small_queries, full_queries = queries.split(" → ")
        assert int(small_queries) > 0
        if not rendered.startswith("0 "):
            # At these tiny sizes a page's rows may have nothing for one prefetch to fetch (no
            # linked person among the few urgent referrals, say), and Django then skips that
            # query: one fewer at the small size, never more. At realistic sizes the benchmark
            # reports equal counts (README, "Benchmarks").
            assert 0 <= int(full_queries) - int(small_queries) <= 1, page
        assert all(float(ms) > 0 for ms in sql.split(" → "))
    assert rows["SPOC queue, one row"][6] == "1 → 1"
    assert rows["Admin referral list, one row"][6] == "1 → 1"
    # The per-row costs compare the queue with the admin's list on the same data.
    per_row = {row[0]: row for row in _table_rows(report) if len(row) == 6 and row[0] in PAGES}
    assert set(per_row) == {"SPOC queue, first page", "Admin referral list (baseline)"}
    assert int(per_row["SPOC queue, first page"][1]) > 1

    for size in ("small", "full"):
        databases.register(ALIASES[size], bench_databases[size])
    with databases.serving(ALIASES["full"]):
        _assert_the_synthetic_data_has_the_asked_size_and_a_realistic_shape()
        _assert_the_caseload_pages_list_the_hub_workers_referrals_through_their_grants(report, client)
    with databases.serving(ALIASES["small"]):
        # The measured records (and the one-row referral) are made in both databases.
        assert Referral.objects.count() == 22
        assert Referral.objects.filter(assigned_to__username="bench-spoc-one-row").count() == 1
    databases.unregister(ALIASES["small"])
    databases.unregister(ALIASES["full"])

    # A second run with the same seed and sizes reuses both datasets instead of seeding again.
    again = _run(bench_databases, tmp_path / "again.md", "--runs", "1")
    assert "Reusing the small dataset" in again and "Reusing the full dataset" in again
    assert "Seeding" not in again
    assert "(reused)" in (tmp_path / "again.md").read_text(encoding="utf-8")


def _grant_rows() -> set[tuple]:
    return {
        (model.__name__, *row)
        for model in GRANT_MODELS
        for row in model.objects.values_list(
            "content_object_id", "user_id" if "User" in model.__name__ else "group_id", "permission_id"
        )
    }


def _assert_the_caseload_pages_list_the_hub_workers_referrals_through_their_grants(report: str, client):
    worker = get_user_model().objects.get(username="bench-hub-worker")
    # Membership.save() put the hub worker in their hub's group, which the hub caseload reads.
    assert worker.groups.filter(name=hub_group_name(worker.membership.hub_id)).exists()
    own = Referral.objects.filter(allocated_worker=worker, status=Referral.Status.ALLOCATED)
    in_hub = Referral.objects.filter(hub=worker.membership.hub, status=Referral.Status.ALLOCATED)
    assert own.count() > 1 and in_hub.count() > own.count()
    # Both pages filter through the guardian rows the seeding wrote, and find every referral.
    assert set(selectors.caseload_for(user=worker)) == set(own)
    assert set(selectors.hub_caseload_for(user=worker)) == set(in_hub)
    # The bulk-written rows are exactly what partnership.grants writes for an allocation.
    seeded = _grant_rows()
    assert seeded
    for referral in Referral.objects.filter(hub__isnull=False).select_related("person"):
        sync_referral_grants(referral=referral)
    assert _grant_rows() == seeded
    # The dataset table reports the caseload sizes, and the pages list the worker's referrals.
    full = next(row for row in _table_rows(report) if row[0] == "full")
    assert (full[9], full[10]) == (str(own.count()), str(in_hub.count()))
    client.force_login(worker)
    mine = client.get(reverse("referrals:caseload")).content.decode()
    assert all(reference in mine for reference in own.values_list("reference", flat=True))
    hub_page = client.get(reverse("referrals:hub_caseload")).content.decode()
    first_page = in_hub.order_by("-allocated_at", "-pk").values_list("reference", flat=True)[:50]
    assert all(reference in hub_page for reference in first_page)


def _assert_the_synthetic_data_has_the_asked_size_and_a_realistic_shape():
    # The sizes asked for, plus the two referrals made through the services to be measured.
    assert Referral.objects.count() == 102
    assert Person.objects.count() == 50
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {Referral.Status.RECEIVED, Referral.Status.ALLOCATED, Referral.Status.CLOSED} <= statuses
    assert ContactAttempt.objects.exists() and Triage.objects.exists()
    # Every referral that left "received" has the transitions that got it there, in time order.
    for referral in Referral.objects.exclude(status=Referral.Status.RECEIVED).prefetch_related("transitions"):
        moves = list(referral.transitions.all())
        assert moves and moves[-1].to_status == referral.status
        assert all(referral.received_at <= move.at for move in moves)
    assert StatusTransition.objects.filter(to_status=Referral.Status.ALLOCATED).exists()


def test_the_benchmark_refuses_sqlite_unless_allowed(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the suite may run on PostgreSQL
    with pytest.raises(CommandError) as error:
        call_command("benchmark_front_door", *TINY[:-1], stdout=StringIO())
    assert str(error.value) == SQLITE_REFUSED


def test_the_benchmark_never_empties_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError) as error:
        call_command("benchmark_front_door", *TINY, "--full-database", "ers_production", stdout=StringIO())
    assert str(error.value) == NOT_A_BENCH_DATABASE % {"name": "ers_production"}


def test_p90_of_thirty_runs_is_the_fourth_slowest():
    assert percentile([float(n) for n in range(1, 31)], 0.90) == 27.0


def test_the_per_row_cost_spreads_the_difference_over_the_extra_rows():
    many = Measurement("page", "full", 1, 60.0, 70.0, 10, 5.0, rows=50)
    one = Measurement("page, one row", "full", 1, 11.0, 12.0, 10, 5.0, rows=1)
    assert per_row_us(many, one) == pytest.approx(1000.0)


def test_rows_rendered_counts_the_rows_of_table_bodies():
    html = "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr><tr class='x'><td>2</td></tr></tbody>"
    assert rows_rendered(html) == 2
