"""``manage.py benchmark_chronology`` at a tiny size: it seeds a person with 1 year and one with
10 years of history once, makes their chronology PDFs alternately, stage by stage, measures the
peak memory of each in a fresh process, and reports; it refuses SQLite and databases not named
for benchmarks. (The real figures are in benchmarks/README.md; tests never assert wall time.)"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from demo import benchmark_chronology as data
from demo import benchmark_databases as databases
from demo.management.commands.benchmark_chronology import NOT_A_BENCH_DATABASE, SQLITE_REFUSED
from recovery_plans.models import Contact
from referrals.models import Person

pytestmark = pytest.mark.django_db(transaction=False)

TINY = ["--scale", "0.02", "--runs", "1", "--allow-sqlite"]


def _tables(report: str) -> list[dict[str, list[str]]]:
    """Each Markdown table of the report, its rows by their first cell."""
    tables: list[dict[str, list[str]]] = []
    previous = ""
    for line in report.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            if not previous.startswith("| "):
                tables.append({})
            row = [cell.strip() for cell in line.strip("|").split("|")]
            tables[-1][row[0]] = row[1:]
        previous = line
    return tables


@pytest.fixture
def bench_database(tmp_path):
    """A throwaway benchmark database on the suite's server: a file on SQLite, a short-lived
    database on PostgreSQL (CI), dropped afterwards."""
    name = str(tmp_path / "ers_bench_chronology.sqlite3") if connection.vendor == "sqlite" else "test_ers_bench_chrono"
    _drop(name)
    yield name
    databases.unregister(data.ALIAS)
    _drop(name)


def _drop(name: str) -> None:
    if connection.vendor != "sqlite":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def _run(name: str, output, *extra) -> str:
    out = StringIO()
    call_command("benchmark_chronology", *TINY, "--database", name, "--output", str(output), *extra, stdout=out)
    return out.getvalue()


def test_the_benchmark_seeds_both_people_makes_their_pdfs_and_reports_time_pages_and_memory(tmp_path, bench_database):
    output = tmp_path / "chronology.md"
    printed = _run(bench_database, output)

    report = output.read_text(encoding="utf-8")
    assert report.strip() in printed
    assert "alternating 1 year and 10 years" in report
    people, stages, memory = _tables(report)
    one, ten = people["1y"], people["10y"]
    # The people's records at this scale: 4 and 40 contacts, and at least one of everything else.
    assert one[0].startswith("4 contacts,") and ten[0].startswith("40 contacts,")
    entries = {size: int(people[size][1].replace(",", "")) for size in data.SIZES}
    assert entries["1y"] >= 4 + 3 and entries["10y"] >= 40 + 3 and entries["10y"] > entries["1y"]
    assert all(int(people[size][2]) >= 1 and int(people[size][3].replace(",", "")) >= 1 for size in data.SIZES)
    for stage in ("Rows alone", "HTML", "WeasyPrint layout", "Writing the PDF", "**The PDF"):
        (row,) = [cells for name, cells in stages.items() if name.startswith(stage)]
        assert float(row[0]) > 0 and float(row[1]) > 0, stage
    assert "Under 10 s at 10 years:" in report
    # The peak memory, each size in its own process: a resident set before, and a peak above it.
    assert set(memory) == {"Person", *data.SIZES}
    for before, peak, growth, _per_page in (memory[size] for size in data.SIZES):
        assert float(peak) >= float(before) > 0 and float(growth) >= 0

    databases.register(data.ALIAS, bench_database)
    with databases.serving(data.ALIAS):
        assert Person.objects.count() == 2
        assert Contact.objects.count() == 4 + 40
    databases.unregister(data.ALIAS)

    # A second run at the same scale reuses the people instead of seeding them again.
    again = _run(bench_database, tmp_path / "again.md", "--no-memory")
    assert "Reusing the people" in again and "Seeding" not in again
    assert "Peak memory" not in (tmp_path / "again.md").read_text(encoding="utf-8")


def test_the_benchmark_refuses_sqlite_unless_allowed(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")  # the suite may run on PostgreSQL
    with pytest.raises(CommandError) as error:
        call_command("benchmark_chronology", "--runs", "1", stdout=StringIO())
    assert str(error.value) == SQLITE_REFUSED


def test_the_benchmark_never_empties_a_database_not_named_for_benchmarks():
    with pytest.raises(CommandError) as error:
        call_command("benchmark_chronology", *TINY, "--database", "ers_production", stdout=StringIO())
    assert str(error.value) == NOT_A_BENCH_DATABASE % {"name": "ers_production"}
