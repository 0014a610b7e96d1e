"""Report runs (RPT-1, RPT-5): requested once, built by the task into one immutable version,
failures recorded by kind and retried, nothing half-written, published by managers only."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError

from common.models import TaskRun
from reporting import services
from reporting.models import IMMUTABLE, ReportFile, ReportRun, ReportVersion
from reporting.periods import Quarter
from reporting.storage import report_data_from_json, report_data_to_json
from tests.reporting.report_fixture import QUARTER, built_version, fake_build, fake_report_data, sample_report

pytestmark = pytest.mark.django_db


def _request(manager, council=""):
    return services.report_run_request(quarter=QUARTER, council=council, by=manager)


# --- Requesting ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["commissioner", "hub_worker", "spoc_practitioner", "data_protection_officer"])
def test_only_managers_run_reports(request, persona):
    with pytest.raises(PermissionDenied):
        _request(request.getfixturevalue(persona))
    assert not ReportRun.objects.exists()


def test_a_quarter_that_has_not_ended_is_refused_with_its_reason(manager):
    with pytest.raises(ValidationError) as error:
        services.report_run_request(quarter=Quarter.last_finished().next(), council="", by=manager)
    assert error.value.message_dict == {"quarter": [str(services.QUARTER_NOT_ENDED)]}


def test_an_unknown_council_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        _request(manager, council="outside_area")
    assert error.value.message_dict == {"council": [str(services.COUNCIL_UNKNOWN)]}


def test_two_requests_for_one_report_at_once_make_one_run(manager, other_hub_manager):
    first = _request(manager)
    second = _request(other_hub_manager)
    assert first.pk == second.pk
    assert ReportRun.objects.count() == 1
    # Another council's report is another run.
    assert _request(manager, council="cumberland").pk != first.pk


def test_a_run_is_built_by_the_task_once_its_request_commits(
    manager, stand_in_build, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _request(manager)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error, run.step) == ("succeeded", 1, "", services.STEP_FINISHED)
    assert run.started_at <= run.finished_at
    version = run.version
    assert (version.quarter, version.council, version.number, version.schedule_version) == (QUARTER.code, "", 1, 2)
    assert bytes(version.pdf).startswith(b"%PDF")
    assert version.pdf_sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    files = list(version.files.all())
    assert [f.name for f in files] == [
        "referrals_by_council.csv",
        "first_contact_within_target.csv",
        "pc_ethnicity.csv",
    ]
    for file in files:
        assert file.sha256 == hashlib.sha256(bytes(file.content)).hexdigest()
    task_run = TaskRun.objects.get(task_name=services.BUILD_TASK, object_id=run.pk)
    assert (task_run.state, task_run.attempts) == (TaskRun.State.SUCCEEDED, 1)
    assert version.history.get().history_user == manager


def test_the_run_records_each_step_and_how_far_it_has_got(manager):
    seen = []

    def watching(*, quarter, council, progress=None):
        def spy(step, done, total):
            progress(step, done, total)
            run = ReportRun.objects.get()
            seen.append((run.status, run.step, run.done, run.total))

        return fake_report_data(quarter=quarter, council=council, progress=spy)

    run = ReportRun.objects.create(quarter=QUARTER.code, requested_by=manager)
    with fake_build(watching):
        services.report_build(run_id=run.pk)
    assert seen == [
        ("running", "Referrals by council", 1, 3),
        ("running", "First contact within five working days", 2, 3),
        ("running", "Referrals by ethnic group", 3, 3),
    ]


def test_the_scheduled_job_asks_for_the_last_quarter_once(db):
    run = services.report_run_schedule()
    assert (run.quarter, run.council, run.requested_by) == (Quarter.last_finished().code, "", None)
    assert services.report_run_schedule() is None
    assert ReportRun.objects.count() == 1


def test_the_quarterly_job_is_in_the_beat_schedule():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["quarterly-report"]
    assert entry["task"] == "reporting.tasks.quarterly_report_scheduled"
    assert entry["schedule"].month_of_year == {1, 4, 7, 10}
    assert entry["schedule"].day_of_month == {5}
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


# --- Versions ----------------------------------------------------------------------------------


def test_a_rerun_makes_a_new_version_and_never_changes_the_old_one(manager):
    first = built_version(by=manager)
    pdf, checksum = bytes(ReportVersion.objects.get(pk=first.pk).pdf), first.pdf_sha256
    second = built_version(by=manager)
    assert (first.number, second.number) == (1, 2)
    assert bytes(ReportVersion.objects.get(pk=first.pk).pdf) == pdf
    assert ReportVersion.objects.get(pk=first.pk).pdf_sha256 == checksum


def test_a_version_and_its_files_refuse_any_change_to_their_content(manager):
    version = ReportVersion.objects.get(pk=built_version(by=manager).pk)
    version.pdf = b"%PDF-forged"
    with pytest.raises(ValueError, match=IMMUTABLE):
        version.save()
    with pytest.raises(ValueError, match=IMMUTABLE):
        version.save(update_fields=["pdf", "published_at"])
    with pytest.raises(ValueError, match=IMMUTABLE):
        version.delete()
    file = ReportFile.objects.filter(version=version).first()
    file.content = b"forged"
    with pytest.raises(ValueError, match=IMMUTABLE):
        file.save()
    with pytest.raises(ValueError, match=IMMUTABLE):
        file.delete()


def test_the_stored_data_reads_back_as_the_report_it_was():
    data = sample_report()
    assert report_data_from_json(report_data_to_json(data)) == data


# --- Failures, retries and redelivery ------------------------------------------------------------


def _broken(**kwargs):
    raise ValueError("Siân Ó Briain-Nakamura, 12 April 1985")


def test_a_failed_build_records_the_kind_of_error_and_saves_nothing(
    manager, django_capture_on_commit_callbacks, caplog
):
    with fake_build(_broken), django_capture_on_commit_callbacks(execute=True):
        run = _request(manager)
    run.refresh_from_db()
    # Inline (eager) Celery does not retry by itself; the real-broker test sees the retries.
    assert (run.status, run.error, run.attempts) == ("failed", "ValueError", 1)
    assert "Siân" not in run.error
    assert not ReportVersion.objects.exists()
    assert not ReportFile.objects.exists()


def test_a_failed_run_can_be_tried_again_from_its_page(manager, django_capture_on_commit_callbacks):
    with fake_build(_broken), django_capture_on_commit_callbacks(execute=True):
        run = _request(manager)
    with fake_build(), django_capture_on_commit_callbacks(execute=True):
        again = services.report_run_retry(run=run, by=manager)
    assert again.pk == run.pk
    run.refresh_from_db()
    assert (run.status, run.error, run.attempts) == ("succeeded", "", 2)
    assert ReportVersion.objects.get().run == run


def test_only_a_failed_run_is_tried_again(manager, stand_in_build):
    version = built_version(by=manager)
    with pytest.raises(ValidationError) as error:
        services.report_run_retry(run=version.run, by=manager)
    assert error.value.messages == [str(services.ONLY_FAILED_RUNS_RETRY)]


def test_a_failure_while_writing_leaves_no_half_written_version(manager, monkeypatch):
    created = []
    original = ReportFile.objects.create

    def fail_on_second(**kwargs):
        if created:
            raise OSError("disk full")
        created.append(original(**kwargs))
        return created[-1]

    monkeypatch.setattr(ReportFile.objects, "create", fail_on_second)
    run = ReportRun.objects.create(quarter=QUARTER.code, requested_by=manager)
    with fake_build(), pytest.raises(OSError):
        services.report_build(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "OSError")
    assert not ReportVersion.objects.exists()
    assert not ReportFile.objects.exists()


def test_a_redelivered_build_after_success_makes_no_second_version(manager, stand_in_build):
    version = built_version(by=manager)
    again = services.report_build(run_id=version.run_id)
    assert again.pk == version.pk
    run = ReportRun.objects.get(pk=version.run_id)
    assert run.attempts == 1
    assert ReportVersion.objects.count() == 1


def test_two_deliveries_of_one_run_at_once_make_one_version(manager):
    """The second delivery finishes while the first is still building (a redelivery after the
    visibility timeout): the first finds its version there and writes none."""
    run = ReportRun.objects.create(quarter=QUARTER.code, requested_by=manager)
    inner, calls = [], []

    def slow(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            inner.append(services.report_build(run_id=run.pk))
        return fake_report_data(**kwargs)

    with fake_build(slow):
        outer = services.report_build(run_id=run.pk)
    assert outer.pk == inner[0].pk
    assert ReportVersion.objects.count() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 2)


def test_a_run_given_up_on_is_marked_failed(manager):
    run = ReportRun.objects.create(quarter=QUARTER.code, requested_by=manager, status="running", attempts=4)
    services.report_build_give_up(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "GaveUpAfterRepeatedAttempts")


# --- Publishing --------------------------------------------------------------------------------


def test_publishing_is_for_managers_and_recorded_in_the_history(manager, commissioner):
    version = built_version(by=manager)
    with pytest.raises(PermissionDenied):
        services.report_publish(version=version, by=commissioner)
    published = services.report_publish(version=version, by=manager)
    assert published.published_by == manager
    assert published.is_published
    row = ReportVersion.history.filter(id=version.pk).latest("history_id")
    assert (row.history_user, row.history_change_reason) == (manager, "Report published")
    # Once: publishing again changes nothing.
    again = services.report_publish(version=version, by=manager)
    assert again.published_at == published.published_at
    assert ReportVersion.history.filter(id=version.pk).count() == 2


def test_a_waiting_run_can_be_sent_again_and_still_makes_one_version(
    manager, stand_in_build, django_capture_on_commit_callbacks
):
    run = _request(manager)  # the task never sent (no commit here): still waiting
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_run_retry(run=run, by=manager)
    assert again.pk == run.pk
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert ReportVersion.objects.filter(run=run).count() == 1
