"""Report runs, building, publishing and reading reports (RPT-1, RPT-5).

A run is requested (by a manager, the scheduled job or an operator's command) and built by a
Celery task through ``report_build``. The build's data comes from ``reporting.build``; the PDF
and CSVs are drawn from it, and the version with its files is written in ONE transaction at the
end, so a failure or a killed worker leaves nothing half-written, and a redelivered message or a
second delivery running at the same time finds the version already there (the run's row is
locked while the version is written) and makes no second one.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import audited_save
from common.tasks import GAVE_UP, enqueue_on_commit, pause_point, task_run_prepare
from partnership.access import can_run_reports, sees_published_reports
from partnership.access_log import access_log_record
from partnership.models import AccessLog, Council
from reporting.models import ReportFile, ReportRun, ReportVersion
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE, ReportData

logger = logging.getLogger(__name__)

BUILD_TASK = "reporting.tasks.build_report"
RUN_OBJECT_TYPE = "reporting.reportrun"

# Error messages a manager can see (constants, so tests assert them).
QUARTER_NOT_ENDED = _("Choose a quarter that has ended")
QUARTER_TOO_EARLY = _("Choose a quarter from April 2023 or later, when the two councils began")
COUNCIL_UNKNOWN = _("Choose the whole service or one of the two councils")
REPORT_ALREADY_RUNNING = _("This report is already being built: wait for that run to finish")
ONLY_FAILED_RUNS_RETRY = _("Only a run that failed or is still waiting can be tried again")
# Cumberland and Westmorland and Furness councils began on 1 April 2023.
FIRST_QUARTER = Quarter(2023, 1)
REPORT_COUNCILS = (WHOLE_SERVICE, Council.CUMBERLAND.value, Council.WESTMORLAND_AND_FURNESS.value)

# The build's own steps, after the data (``reporting.build`` reports its own).
STEP_STARTING = "Starting"
STEP_PDF = "Drawing the PDF"
STEP_SAVING = "Saving the report"
STEP_FINISHED = "Finished"


def _require_runner(by) -> None:
    if not can_run_reports(by):
        raise PermissionDenied


def report_request_check(*, quarter: Quarter, council: str) -> None:
    """The quarter and council a report may be run for: a ValidationError naming the field."""
    errors = {}
    if quarter > Quarter.last_finished():
        errors["quarter"] = [QUARTER_NOT_ENDED]
    elif quarter < FIRST_QUARTER:
        errors["quarter"] = [QUARTER_TOO_EARLY]
    if council not in REPORT_COUNCILS:
        errors["council"] = [COUNCIL_UNKNOWN]
    if errors:
        raise ValidationError(errors)


def _enqueue(run: ReportRun) -> None:
    """A fresh task record (attempts counted from 0) and the task, once the run is committed."""
    from reporting.tasks import build_report

    task_run_prepare(task_name=BUILD_TASK, object_type=RUN_OBJECT_TYPE, object_id=run.pk)
    enqueue_on_commit(build_report, run.pk)


def _active_run(quarter: str, council: str) -> ReportRun | None:
    return (
        ReportRun.objects.select_for_update()
        .filter(quarter=quarter, council=council, status__in=ReportRun.ACTIVE)
        .first()
    )


def _run_request(*, quarter: Quarter, council: str, by) -> ReportRun:
    """A new queued run, or the one already queued or running for this report: two requests at
    once make one run (the partial unique constraint settles a race the lookup misses)."""
    with transaction.atomic():
        active = _active_run(quarter.code, council)
        if active is not None:
            return active
        try:
            with transaction.atomic():
                run = ReportRun.objects.create(quarter=quarter.code, council=council, requested_by=by)
        except IntegrityError:
            return ReportRun.objects.get(quarter=quarter.code, council=council, status__in=ReportRun.ACTIVE)
        _enqueue(run)
        return run


def report_run_request(*, quarter: Quarter, council: str, by) -> ReportRun:
    """RPT-1: a manager runs a quarter's report on demand."""
    _require_runner(by)
    report_request_check(quarter=quarter, council=council)
    return _run_request(quarter=quarter, council=council, by=by)


def report_run_schedule(*, quarter: Quarter | None = None) -> ReportRun | None:
    """RPT-1: the scheduled job's run of the last finished quarter, whole service, requested by
    no one. Once is enough: a second firing (beat restarted) makes no second report."""
    quarter = quarter or Quarter.last_finished()
    already = ReportRun.objects.filter(quarter=quarter.code, council=WHOLE_SERVICE, requested_by=None)
    if already.filter(status__in=[*ReportRun.ACTIVE, ReportRun.Status.SUCCEEDED]).exists():
        return None
    return _run_request(quarter=quarter, council=WHOLE_SERVICE, by=None)


def report_run_for_command(*, quarter: Quarter, council: str) -> ReportRun:
    """An operator's run (``manage.py build_report``), built at once by the command itself
    rather than queued. Refused while the same report is already queued or running."""
    report_request_check(quarter=quarter, council=council)
    with transaction.atomic():
        if _active_run(quarter.code, council) is not None:
            raise ValidationError(REPORT_ALREADY_RUNNING)
        try:
            with transaction.atomic():
                return ReportRun.objects.create(quarter=quarter.code, council=council, requested_by=None)
        except IntegrityError:
            raise ValidationError(REPORT_ALREADY_RUNNING) from None


def report_run_retry(*, run: ReportRun, by) -> ReportRun:
    """Queue a failed run again (a fresh allowance of task attempts), or send a waiting one's
    task again (the broker may have been down when it was asked for). If the same report has
    been asked for again meanwhile, that run is the answer."""
    _require_runner(by)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.status == ReportRun.Status.QUEUED:
            _enqueue(run)  # one version per run however many messages arrive
            return run
        if run.status != ReportRun.Status.FAILED:
            raise ValidationError(ONLY_FAILED_RUNS_RETRY)
        active = _active_run(run.quarter, run.council)
        if active is not None:
            return active
        run.status, run.error, run.step, run.done, run.total = ReportRun.Status.QUEUED, "", "", 0, 0
        run.finished_at = None
        run.save()
        _enqueue(run)
        return run


# --- Building ------------------------------------------------------------------------------------


def _progress_for(run_id: int):
    def progress(step: str, done: int, total: int) -> None:
        # Its own short write, committed at once, so the progress page sees it while the build
        # goes on. A plain update: the run row has no history, and nothing else is touched.
        with transaction.atomic():
            ReportRun.objects.filter(pk=run_id).update(step=str(step)[:200], done=max(done, 0), total=max(total, 0))

    return progress


def _start(run_id: int) -> ReportRun | None:
    """Count the start and mark the run running, committed before any work. None: nothing to
    do (already finished, or a newer run of the same report is under way)."""
    try:
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=run_id)
            if run.status == ReportRun.Status.SUCCEEDED:
                return None
            run.status, run.attempts = ReportRun.Status.RUNNING, run.attempts + 1
            run.started_at, run.finished_at, run.error = timezone.now(), None, ""
            run.step, run.done, run.total = STEP_STARTING, 0, 0
            run.save()
            return run
    except IntegrityError:
        return None  # a stale message for an old run: another run of this report is active


def _fail(run_id: int, error: BaseException | str) -> None:
    kind = error if isinstance(error, str) else type(error).__name__
    with transaction.atomic():
        ReportRun.objects.filter(pk=run_id).exclude(status=ReportRun.Status.SUCCEEDED).update(
            status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=kind[:200]
        )


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def report_build(*, run_id: int) -> ReportVersion | None:
    """Build a run's report and write it as a new version (see the module docstring). Safe to
    call twice, one after the other or at the same time: one version per run, ever."""
    from reporting.build import report_data
    from reporting.csvs import report_csvs
    from reporting.pdf import report_pdf
    from reporting.storage import report_data_to_json

    run = _start(run_id)
    if run is None:
        return ReportVersion.objects.filter(run_id=run_id).defer("data", "pdf").first()
    pause_point("report_build")
    progress = _progress_for(run_id)
    try:
        data: ReportData = report_data(quarter=run.quarter_obj, council=run.council, progress=progress)
        progress(STEP_PDF, 0, 1)
        pdf = report_pdf(data)
        csvs = report_csvs(data)
        stored = report_data_to_json(data)
        progress(STEP_SAVING, 1, 1)
        version = _save_version(run_id, data=data, stored=stored, pdf=pdf, csvs=csvs)
    except Exception as error:
        # The kind of error only, never its message (it could carry personal data).
        logger.exception("Report run %s failed", run_id)
        _fail(run_id, error)
        raise
    return version


def _save_version(run_id: int, *, data: ReportData, stored: dict, pdf: bytes, csvs: dict[str, bytes]) -> ReportVersion:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        existing = ReportVersion.objects.filter(run=run).defer("data", "pdf").first()
        if existing is not None:
            return existing  # another delivery of this run finished first
        latest = (
            ReportVersion.objects.filter(quarter=run.quarter, council=run.council)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        version = ReportVersion(
            quarter=run.quarter,
            council=run.council,
            number=(latest or 0) + 1,
            schedule_version=data.schedule_version,
            schedule_effective_from=data.schedule_effective_from,
            run=run,
            data=stored,
            pdf=pdf,
            pdf_sha256=sha256(pdf),
        )
        audited_save(version, by=run.requested_by, reason="Report built", person_id=None)
        for name, content in csvs.items():
            ReportFile.objects.create(version=version, name=name, content=content, sha256=sha256(content))
        run.status, run.finished_at, run.error = ReportRun.Status.SUCCEEDED, timezone.now(), ""
        run.step, run.done, run.total = STEP_FINISHED, max(run.total, 1), max(run.total, 1)
        run.save()
        return version


def report_build_give_up(*, run_id: int) -> None:
    """The task was started too often without finishing (``common.tasks.recorded_task``):
    the run is marked failed, so a manager sees it and can try again."""
    _fail(run_id, GAVE_UP)


# --- Publishing and reading ----------------------------------------------------------------------


def report_publish(*, version: ReportVersion, by) -> ReportVersion:
    """RPT-5: a manager publishes a previewed version; commissioners then see it. Once."""
    _require_runner(by)
    with transaction.atomic():
        version = ReportVersion.objects.select_for_update().defer("data", "pdf").get(pk=version.pk)
        if version.is_published:
            return version
        version.published_at, version.published_by = timezone.now(), by
        audited_save(
            version, by=by, reason="Report published", person_id=None, update_fields=["published_at", "published_by"]
        )
        return version


def report_access_record(*, version: ReportVersion, by, what: str, download: bool) -> None:
    """SEC-2: previews and downloads of a report go in the access log (about no person)."""
    if not sees_published_reports(by):
        raise PermissionDenied
    access_log_record(
        user=by,
        action=AccessLog.Action.EXPORT if download else AccessLog.Action.VIEW,
        obj=version,
        person_id=None,
        reason=f"Report {version.quarter} {version.council_label} version {version.number}: {what}",
    )
