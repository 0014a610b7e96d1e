"""Background work that is never lost and never loops (CONVENTIONS: background jobs).

Celery is set up the way its maintainers recommend for work that must not be lost
(config.settings.base): a task is acknowledged only when it has finished (``acks_late``), given
back to the broker if its worker dies (``reject_on_worker_lost``), each worker takes one
message at a time (``worker_prefetch_multiplier = 1``), and every task is stopped by its time
limits well before Redis would hand the same message to a second worker
(``visibility_timeout``).

That makes delivery "at least once", so this module adds what at-least-once needs:

- ``enqueue_on_commit``: the only way we send a task. It waits for the transaction that made
  the work to commit, so a worker never looks for a row that is not there yet, and a rolled
  back request sends nothing.
- ``recorded_task``: a task about one object, with a ``TaskRun`` row counting its starts. The
  start is committed before the work begins, so a worker killed mid-task still leaves its
  count behind; after ``max_attempts`` starts the run is marked failed (and the owner told,
  ``on_give_up``) instead of being delivered for ever. A run that has succeeded is not run
  again when its message comes back.
- ``pause_point``: a named place where the killed-worker test holds a task (test settings
  only), so the kill lands mid-task.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.models import GAVE_UP, TaskRun

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 3
__all__ = ["GAVE_UP", "enqueue_on_commit", "pause_point", "recorded_task", "task_run_prepare", "task_runs_for"]


def enqueue_on_commit(task, *args, kwargs: dict | None = None, shown: dict | None = None) -> None:
    """Send ``task`` with ``args`` (and ``kwargs``) once the current transaction commits (at
    once outside one). ``shown``, if given, is what Celery's own logs print for the keyword
    arguments instead of them (an e-mail address, say). A broker that is down is logged, by
    task name only; the caller's work is already saved, and each caller's page offers a way
    to try again."""

    def send() -> None:
        try:
            if kwargs is None and shown is None:
                task.delay(*args)
            else:
                task.apply_async(args=args, kwargs=kwargs or {}, argsrepr=repr(args), kwargsrepr=repr(shown or kwargs))
        except Exception:
            logger.exception("Could not queue %s", task.name)

    transaction.on_commit(send)


def task_run_prepare(*, task_name: str, object_type: str, object_id: int) -> TaskRun:
    """A fresh run record for work about to be queued (a new request, or "try again" after a
    failure): waiting, no attempts yet. Call inside the transaction that queues the work."""
    run, _created = TaskRun.objects.select_for_update().get_or_create(
        task_name=task_name, object_type=object_type, object_id=object_id
    )
    run.state, run.attempts, run.last_error = TaskRun.State.PENDING, 0, ""
    run.started_at = run.finished_at = None
    run.save()
    return run


def _start(*, task_name: str, object_type: str, object_id: int, max_attempts: int) -> tuple[TaskRun, bool]:
    """Count a start, committed at once. Returns the run and whether to do the work: not for
    a run that already succeeded, nor for one that has used up its attempts (then marked
    failed here)."""
    with transaction.atomic():
        run, _created = TaskRun.objects.select_for_update().get_or_create(
            task_name=task_name, object_type=object_type, object_id=object_id
        )
        if run.state == TaskRun.State.SUCCEEDED:
            return run, False
        now = timezone.now()
        if run.attempts >= max_attempts:
            run.state, run.finished_at, run.last_error = TaskRun.State.FAILED, now, GAVE_UP
            run.save()
            return run, False
        run.attempts += 1
        run.state, run.started_at, run.finished_at = TaskRun.State.RUNNING, now, None
        run.save()
        return run, True


def _finish(run: TaskRun, *, error: BaseException | None = None) -> None:
    run.state = TaskRun.State.FAILED if error is not None else TaskRun.State.SUCCEEDED
    run.finished_at = timezone.now()
    # The kind of error only: an exception's message can carry personal data.
    run.last_error = type(error).__name__[:200] if error is not None else ""
    run.save(update_fields=["state", "finished_at", "last_error"])


def recorded_task(
    *,
    name: str,
    object_type: str,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    on_give_up: Callable[[int], None] | None = None,
    **task_options,
):
    """A Celery task taking one object's id, with a ``TaskRun`` row (see the module
    docstring). ``fn(object_id)`` does the work and must itself be safe to run twice: a worker
    can die after the work is saved and before the run is marked finished."""

    def decorate(fn: Callable[[int], object]):
        @shared_task(name=name, **task_options)
        @functools.wraps(fn)
        def task(object_id: int):
            run, go = _start(task_name=name, object_type=object_type, object_id=object_id, max_attempts=max_attempts)
            if not go:
                if run.state == TaskRun.State.FAILED and on_give_up is not None:
                    on_give_up(object_id)
                return None
            try:
                result = fn(object_id)
            except BaseException as error:
                _finish(run, error=error)
                raise
            _finish(run)
            return result

        return task

    return decorate


def task_runs_for(*, task_name: str, object_type: str, object_ids: Iterable[int]) -> dict[int, TaskRun]:
    """The run records of one task for these objects, by object id (one query)."""
    runs = TaskRun.objects.filter(task_name=task_name, object_type=object_type, object_id__in=list(object_ids))
    return {run.object_id: run for run in runs}


def pause_point(name: str) -> None:
    """Hold the task here while the killed-worker test kills its worker (tests only: the
    setting exists in config.settings.test, read from the worker's environment)."""
    if name and getattr(settings, "ERS_TEST_PAUSE_AT", "") == name:
        time.sleep(getattr(settings, "ERS_TEST_PAUSE_SECONDS", 0))
