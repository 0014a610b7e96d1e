"""The two benchmark databases of ``benchmark_front_door``, open side by side in one process.

The small and the full dataset each live in their own database (``ers_bench_small`` and
``ers_bench_full`` by default), registered as two extra aliases with the credentials of the
default one. ``serving(alias)`` makes an alias *the* default connection for the code inside
it (views, selectors, ``transaction.atomic()``, ``django.db.connection``), by swapping the
connection object behind ``connections["default"]``: the pages run unchanged, and the
measuring loop can send request i to the small dataset and request i+1 to the full one, so
the load of a shared machine falls on both sizes alike.

A marker table (``benchmark_dataset``, outside Django's models so ``flush`` never touches it)
records what each database was seeded with; a rerun with the same seed and sizes reuses it.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

MARKER_TABLE = "benchmark_dataset"
# The marker's statements: the table name is a constant, the values are parameters.
READ_MARKER = f"SELECT value FROM {MARKER_TABLE} WHERE name = %s"  # noqa: S608
DELETE_MARKER = f"DELETE FROM {MARKER_TABLE} WHERE name = %s"  # noqa: S608
INSERT_MARKER = f"INSERT INTO {MARKER_TABLE} (name, value) VALUES (%s, %s)"  # noqa: S608
# Bump when the synthetic data changes shape, so stale datasets are seeded again.
DATA_VERSION = 2


def default_names() -> tuple[str, str]:
    """``ers_bench_small`` and ``ers_bench_full`` on PostgreSQL; files beside the default
    database on SQLite."""
    default = connections.settings[DEFAULT_DB_ALIAS]
    if default["ENGINE"].endswith("sqlite3"):
        name = str(default["NAME"])
        folder = Path(name).parent if "memory" not in name else Path(tempfile.gettempdir())
        return str(folder / "ers_bench_small.sqlite3"), str(folder / "ers_bench_full.sqlite3")
    return "ers_bench_small", "ers_bench_full"


def register(alias: str, name: str) -> None:
    """A connection called ``alias`` to database ``name`` on the default database's server.
    It is made directly rather than added to ``settings.DATABASES``, so nothing else in the
    process (``close_old_connections``, a test's database guard) counts it as one of its own."""
    default = connections.settings[DEFAULT_DB_ALIAS]
    settings_dict = {**default, "NAME": name, "TEST": {**default.get("TEST", {}), "NAME": None}}
    backend = load_backend(settings_dict["ENGINE"])
    setattr(connections._connections, alias, backend.DatabaseWrapper(settings_dict, alias))


def unregister(alias: str) -> None:
    connection = getattr(connections._connections, alias, None)
    if connection is not None:
        connection.close()
        delattr(connections._connections, alias)


@contextmanager
def serving(alias: str):
    """Run the code inside against ``alias`` as if it were the default database."""
    previous = connections[DEFAULT_DB_ALIAS]
    setattr(connections._connections, DEFAULT_DB_ALIAS, connections[alias])
    try:
        yield connections[alias]
    finally:
        setattr(connections._connections, DEFAULT_DB_ALIAS, previous)


def prepare(alias: str, stdout) -> None:
    """Create the database if it is missing and apply the migrations."""
    connection = connections[alias]
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        _sqlite_from_default(name)
    else:
        try:
            connection.ensure_connection()
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
            stdout.write(f"Created the database {name}.")
    executor = MigrationExecutor(connection)
    # Tables missing with nothing to migrate: migrations are switched off (the test suite runs
    # with --nomigrations), so the tables are built from the models, as the suite's own are.
    missing_tables = "referrals_referral" not in connection.introspection.table_names()
    if executor.migration_plan(executor.loader.graph.leaf_nodes()) or missing_tables:
        stdout.write(f"Applying migrations to {name}...")
        # As the default database: the data migrations write through the default manager.
        with serving(alias):
            call_command("migrate", interactive=False, verbosity=0, run_syncdb=missing_tables)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (name varchar(40) PRIMARY KEY, value text NOT NULL)")


def _sqlite_from_default(name: str) -> None:
    """A new SQLite benchmark database starts as a copy of the default one's schema (the
    backup API copies a migrated database in milliseconds; migrating takes half a minute)."""
    if Path(name).exists():
        return
    default = connections[DEFAULT_DB_ALIAS]
    if default.vendor != "sqlite":
        return
    default.ensure_connection()
    target = sqlite3.connect(name)
    try:
        default.connection.backup(target)
    finally:
        target.close()
    # The copy carries the default database's rows too: the command flushes before seeding.


def read_marker(alias: str) -> dict | None:
    with connections[alias].cursor() as cursor:
        cursor.execute(READ_MARKER, ["dataset"])
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def write_marker(alias: str, value: dict | None) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute(DELETE_MARKER, ["dataset"])
        if value is not None:
            cursor.execute(INSERT_MARKER, ["dataset", json.dumps(value)])


def same_catalogue(first: str, second: str) -> bool:
    """Content types and permissions are cached per process (by alias, and both datasets are
    read as "default"): the two databases must number them alike, as two databases migrated
    the same way do."""

    def catalogue(alias: str) -> tuple[list, list]:
        return (
            list(ContentType.objects.using(alias).order_by("pk").values_list("pk", "app_label", "model")),
            list(Permission.objects.using(alias).order_by("pk").values_list("pk", "content_type_id", "codename")),
        )

    return catalogue(first) == catalogue(second)
