"""Report runs through a real Redis broker and Celery worker (RPT-1): a failed build is tried
again by the worker and succeeds; a worker SIGKILLed mid-build leaves no half-written report,
and the next worker finishes the run with exactly one complete version.

Runs only on PostgreSQL with a Redis broker (CI sets DATABASE_URL and REDIS_URL). By hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ers_runs REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/pytest tests/reporting/test_runs_celery.py

The workers build a small hand-made report (tests/reporting/stand_in_worker.py): what is tested
here is the run's delivery, retry and kill, not the KPIs (tests/reporting/test_kpis_*.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from common.models import TaskRun
from reporting import services
from reporting.models import ReportFile, ReportRun, ReportVersion
from tests.reporting.report_fixture import QUARTER
from tests.test_celery_killed_worker import _database_url, _kill, _wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL and a Redis broker: set DATABASE_URL and REDIS_URL (CI does)",
    ),
    pytest.mark.django_db(transaction=True),
]

# As in tests/test_celery_killed_worker.py: seconds, not an hour, before Redis hands a dead
# worker's message on; the time limits stay below it.
VISIBILITY_TIMEOUT = 25
TIME_LIMIT, SOFT_TIME_LIMIT = 20, 15
PAUSE_SECONDS = 12


def _start_worker(name: str, log: Path, *, pause: bool = False, fail_once: Path | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DJANGO_CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "DJANGO_CELERY_TASK_SOFT_TIME_LIMIT": str(SOFT_TIME_LIMIT),
        "ERS_TEST_PAUSE_AT": "report_build" if pause else "",
        "ERS_TEST_PAUSE_SECONDS": str(PAUSE_SECONDS if pause else 0),
        "ERS_TEST_UNACKED_RESTORE_INTERVAL": "1",
        "ERS_TEST_FAIL_ONCE_FLAG": str(fail_once or ""),
    }
    command = [sys.executable, "-m", "tests.reporting.stand_in_worker", "-A", "config", "worker"]
    command += ["--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle", "-n", f"{name}@%h"]
    # Its own process group, so the SIGKILL takes the pool's child with it.
    return subprocess.Popen(  # noqa: S603 (our own worker command)
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


@pytest.fixture
def broker():
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # nothing left over from an earlier run on this Redis database
    try:
        yield app
    finally:
        app.conf.task_always_eager = saved


def _status(run_id: int, status: str):
    return lambda: ReportRun.objects.filter(pk=run_id, status=status).exists()


def test_a_failed_build_is_tried_again_by_the_worker_and_succeeds(tmp_path, broker, manager):
    flag = tmp_path / "fail-once"
    flag.write_text("fail the first build")
    log = tmp_path / "worker.log"
    worker = _start_worker("retrying", log, fail_once=flag)
    try:
        run = services.report_run_request(quarter=QUARTER, council="", by=manager)  # sent at once
        _wait_for(_status(run.pk, "succeeded"), seconds=90, logs=[log])
        time.sleep(2)  # long enough for a stray extra delivery to show itself, were there one
    finally:
        _kill(worker)
    run.refresh_from_db()
    assert not flag.exists()  # the first build did fail
    assert (run.status, run.attempts, run.error) == ("succeeded", 2, "")
    task_run = TaskRun.objects.get(task_name=services.BUILD_TASK, object_id=run.pk)
    assert (task_run.state, task_run.attempts) == (TaskRun.State.SUCCEEDED, 2)
    assert ReportVersion.objects.filter(run=run).count() == 1
    assert "Retry in" in log.read_text(errors="replace")


def test_a_worker_killed_mid_build_leaves_exactly_one_complete_version(tmp_path, broker, manager):
    logs = [tmp_path / "killed-worker.log", tmp_path / "second-worker.log"]
    first = second = None
    try:
        run = services.report_run_request(quarter=QUARTER, council="", by=manager)
        first = _start_worker("killed", logs[0], pause=True)
        _wait_for(_status(run.pk, "running"), seconds=60, logs=logs)
        _kill(first)  # mid-build: started, nothing written, nothing acknowledged
        assert not ReportVersion.objects.exists()
        assert not ReportFile.objects.exists()
        task_run = TaskRun.objects.get(task_name=services.BUILD_TASK, object_id=run.pk)
        assert (task_run.state, task_run.attempts) == (TaskRun.State.RUNNING, 1)

        second = _start_worker("second", logs[1])
        _wait_for(_status(run.pk, "succeeded"), seconds=VISIBILITY_TIMEOUT + 90, logs=logs)
        time.sleep(3)  # long enough for a stray second delivery to show itself, were there one
    finally:
        for worker in (first, second):
            if worker is not None:
                _kill(worker)
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 2)
    version = ReportVersion.objects.get()
    assert version.run == run
    assert version.number == 1
    assert bytes(version.pdf).startswith(b"%PDF")
    assert sorted(version.files.values_list("name", flat=True)) == [
        "first_contact_within_target.csv",
        "pc_ethnicity.csv",
        "referrals_by_council.csv",
    ]
