"""``manage.py benchmark_front_door`` at tiny sizes: it seeds, measures both sizes and reports."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from referrals.management.commands.benchmark_front_door import NOT_A_BENCH_DATABASE, SQLITE_REFUSED, percentile
from referrals.models import ContactAttempt, Person, Referral, StatusTransition, Triage

pytestmark = pytest.mark.django_db(transaction=False)

TINY = ["--people", "50", "--referrals", "100", "--small", "20", "--runs", "2"]
PAGES = (
    "SPOC queue, first page",
    "SPOC queue, filtered",
    "Referral page (allocated, with history)",
    "Person page (returning person)",
)


def _table_rows(report: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")] for line in report.splitlines() if line.startswith("| ")
    ]


def test_the_benchmark_seeds_both_sizes_and_reports_a_table_with_query_counts(tmp_path):
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
