"""A subject access export survives its worker being killed mid-task, and completes once.

A real Celery worker runs in a subprocess against the test database and the Redis broker.
It takes the export, reaches ``common.tasks.pause_point("subject_access_export")`` (the test
settings hold it there, from the worker's environment) and is killed with SIGKILL, the way an
out-of-memory kill or a lost machine ends it: no warm shutdown, no acknowledgement. Because
tasks are acknowledged late, Redis hands the message to the next worker once its visibility
timeout has passed (shortened here), and the export completes exactly once.

Runs only on PostgreSQL with a Redis broker (CI sets DATABASE_URL and REDIS_URL). By hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ers_rel REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/pytest tests/test_celery_killed_worker.py
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from common.models import TaskRun
from referrals.data_rights.tasks import EXPORT_TASK
from referrals.models import SubjectAccessRequest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL and a Redis broker: set DATABASE_URL and REDIS_URL (CI does)",
    ),
    pytest.mark.django_db(transaction=True),
]

# Short, so the test waits seconds rather than an hour for Redis to hand the message on; the
# time limits stay below it as in production (config.settings.base refuses otherwise).
VISIBILITY_TIMEOUT = 25
TIME_LIMIT, SOFT_TIME_LIMIT = 20, 15
PAUSE_SECONDS = 12


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(name: str, log: Path, media_root: Path, *, pause: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DJANGO_CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "DJANGO_CELERY_TASK_SOFT_TIME_LIMIT": str(SOFT_TIME_LIMIT),
        "ERS_TEST_PAUSE_AT": "subject_access_export" if pause else "",
        "ERS_TEST_PAUSE_SECONDS": str(PAUSE_SECONDS if pause else 0),
        "ERS_TEST_UNACKED_RESTORE_INTERVAL": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=INFO"]
    command += ["--without-gossip", "--without-mingle", "-n", f"{name}@%h"]
    # Its own process group, so the SIGKILL takes the pool's child with it.
    return subprocess.Popen(  # noqa: S603 (our own worker command)
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def _wait_for(condition, *, seconds: float, logs: list[Path]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    output = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in logs if log.exists())
    pytest.fail(f"timed out after {seconds}s\n{output}")


def test_a_subject_access_export_survives_a_killed_worker_and_completes_exactly_once(
    tmp_path, spoc_practitioner, hub, hub_worker, treatment_org, data_protection_officer
):
    from config.celery import app
    from referrals.data_rights import services as data_rights
    from tests.referrals import data_rights_state as state

    media_root = tmp_path / "media"
    logs = [tmp_path / "first-worker.log", tmp_path / "second-worker.log"]
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    saved_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # nothing left over from an earlier run on this Redis database
    first = second = None
    try:
        # Committed at once (a transactional test), so the task is sent to Redis now.
        sar = data_rights.subject_access_request_create(
            person=record.person, by=data_protection_officer, request_reference="DPO-9", reason="By letter"
        )
        first = _start_worker("killed", logs[0], media_root, pause=True)

        def running() -> bool:
            return SubjectAccessRequest.objects.filter(pk=sar.pk, status=SubjectAccessRequest.Status.RUNNING).exists()

        _wait_for(running, seconds=60, logs=logs)
        _kill(first)  # mid-task: the export is started, nothing is saved, nothing acknowledged
        run = TaskRun.objects.get(task_name=EXPORT_TASK, object_id=sar.pk)
        assert (run.state, run.attempts) == (TaskRun.State.RUNNING, 1)

        second = _start_worker("second", logs[1], media_root, pause=False)

        def ready() -> bool:
            return SubjectAccessRequest.objects.filter(pk=sar.pk, status=SubjectAccessRequest.Status.READY).exists()

        _wait_for(ready, seconds=VISIBILITY_TIMEOUT + 90, logs=logs)
        # Long enough for a stray second delivery to show itself, were there one.
        time.sleep(3)
    finally:
        app.conf.task_always_eager = saved_eager
        for worker in (first, second):
            if worker is not None:
                _kill(worker)

    sar.refresh_from_db()
    run = TaskRun.objects.get(task_name=EXPORT_TASK, object_id=sar.pk)
    assert (run.state, run.attempts, run.last_error) == (TaskRun.State.SUCCEEDED, 2, "")
    assert sar.status == SubjectAccessRequest.Status.READY
    assert sar.history.filter(history_change_reason="Export started").count() == 2
    assert sar.history.filter(history_change_reason="Export ready").count() == 1
    assert [path.name for path in (media_root / "subject_access").iterdir()] == [Path(sar.file.name).name]
