"""``manage.py benchmark_front_door`` at tiny sizes: it seeds, measures both sizes and reports."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from demo.benchmark_report import percentile
from demo.management.commands.benchmark_front_door import (
    GRANT_MODELS,
    NOT_A_BENCH_DATABASE,
    SQLITE_REFUSED,
)
from partnership.grants import hub_group_name
from referrals.models import ContactAttempt, Person, Referral, StatusTransition, Triage
from referrals.selectors import referrals as selectors
from referrals.services.grants import sync_referral_grants

pytestmark = pytest.mark.django_db(transaction=False)

TINY = ["--people", "50", "--referrals", "100", "--small", "20", "--runs", "2"]
PAGES = (
    "SPOC queue, first page",
    "SPOC queue, filtered",
    "Referral page (allocated, with history)",
    "Person page (returning person)",
    "My caseload (hub worker)",
    "Hub caseload, first page (hub worker)",
)


def _table_rows(report: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in report.splitlines() if line.startswith("| ")
    ]


def test_the_benchmark_seeds_both_sizes_and_reports_a_table_with_query_counts(tmp_path, client):
    output = tmp_path / "front_door.md"
    out = StringIO()
    call_command("benchmark_front_door", *TINY, "--allow-sqlite", "--output", str(output), stdout=out)

    report = output.read_text(encoding="utf-8")
    assert report.strip() in out.getvalue()
    assert "| Page | Size | Median ms | p95 ms | Queries |" in report
    rows = [row for row in _table_rows(report) if len(row) == 6 and row[1].startswith(("small", "full"))]
    for page in PAGES:
        measured = [row for row in rows if row[0].startswith(page)]
        assert {row[1].split()[0] for row in measured} == {"small", "full"}, page
        for _page, _size, median, p95, queries, sql in measured:
            assert float(median) > 0 and float(p95) >= float(median)
            assert int(queries) > 0
            assert 0 < float(sql) <= float(p95)
    # The ratio table compares the two sizes, query counts included.
    ratios = [row for row in _table_rows(report) if len(row) == 5 and "→" in row[4] and row[0] != "Page"]
    assert len(ratios) == len(PAGES)
    assert all(re.fullmatch(r"\d+ → \d+", row[4]) for row in ratios)
    _assert_the_synthetic_data_has_the_asked_size_and_a_realistic_shape()
    _assert_the_caseload_pages_list_the_hub_workers_referrals_through_their_grants(report, client)


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
    assert (full[8], full[9]) == (str(own.count()), str(in_hub.count()))
    client.force_login(worker)
    mine = client.get(reverse("referrals:caseload")).content.decode()
    assert all(reference in mine for reference in own.values_list("reference", flat=True))
    hub_page = client.get(reverse("referrals:hub_caseload")).content.decode()
    first_page = in_hub.order_by("-allocated_at", "-pk").values_list("reference", flat=True)[:50]
    assert all(reference in hub_page for reference in first_page)


def _assert_the_synthetic_data_has_the_asked_size_and_a_realistic_shape():
    # The sizes asked for, plus the one referral made through the services to be measured.
    assert Referral.objects.count() == 101
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
        call_command("benchmark_front_door", *TINY, stdout=StringIO())
    assert str(error.value) == SQLITE_REFUSED


def test_the_benchmark_never_empties_a_database_not_named_for_benchmarks(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "ers_production")
    with pytest.raises(CommandError) as error:
        call_command("benchmark_front_door", *TINY, "--allow-sqlite", stdout=StringIO())
    assert str(error.value) == NOT_A_BENCH_DATABASE % {"name": "ers_production"}


def test_p95_of_thirty_runs_is_the_second_slowest():
    assert percentile([float(n) for n in range(1, 31)], 0.95) == 29.0
