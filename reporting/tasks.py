"""Background work for reports (RPT-1): building a run's report, and the scheduled run after
each quarter ends. Thin: they take ids and call ``reporting.services``.
"""

from __future__ import annotations

from celery import shared_task

from common.tasks import recorded_task
from reporting.services import BUILD_TASK, RUN_OBJECT_TYPE


def _give_up(run_id: int) -> None:
    from reporting.services import report_build_give_up

    report_build_give_up(run_id=run_id)


@recorded_task(
    name=BUILD_TASK,
    object_type=RUN_OBJECT_TYPE,
    on_give_up=_give_up,
    # A failure (a database that went away, a time limit) is tried again twice, with backoff;
    # each try is an attempt, and so is a start its worker never finished (killed): after
    # four the run is marked failed and a manager can try again from its page.
    max_attempts=4,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_jitter=False,
    max_retries=2,
)
def build_report(run_id: int) -> int | None:
    """Build a run's report. Safe to deliver twice: one version per run, ever."""
    from reporting.services import report_build

    version = report_build(run_id=run_id)
    return version.pk if version is not None else None


@shared_task(name="reporting.tasks.quarterly_report_scheduled")
def quarterly_report_scheduled() -> int | None:
    """Run by Celery beat a few days after each quarter ends (``CELERY_BEAT_SCHEDULE``): the
    whole service's report for the quarter just finished, requested by no one."""
    from reporting.services import report_run_schedule

    run = report_run_schedule()
    return run.pk if run is not None else None
