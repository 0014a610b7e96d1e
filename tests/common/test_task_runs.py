"""Background work that is never lost and never loops (common.tasks, config.settings.base).

These run with eager Celery; tests/test_celery_killed_worker.py kills a real worker mid-task.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from common.models import GAVE_UP, TaskRun
from common.tasks import enqueue_on_commit
from referrals.data_rights import services as data_rights
from referrals.data_rights.tasks import EXPORT_TASK, generate_subject_access_export
from referrals.models import SubjectAccessRequest
from tests.referrals import data_rights_state as state

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    from referrals.data_rights import subject_access

    monkeypatch.setattr(subject_access, "to_pdf", lambda document: b"%PDF-1.7 (not rendered in this test)")


@pytest.fixture
def sar(spoc_practitioner, hub, hub_worker, treatment_org, data_protection_officer):
    record = state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)
    # Outside the test's capture of on-commit callbacks: recorded, its export not yet run.
    return data_rights.subject_access_request_create(
        person=record.person, by=data_protection_officer, request_reference="DPO-1", reason="By letter"
    )


def export_run(sar) -> TaskRun:
    return TaskRun.objects.get(task_name=EXPORT_TASK, object_type="referrals.subjectaccessrequest", object_id=sar.pk)


# --- Settings: Celery as its maintainers recommend for work that must not be lost ------------


def test_celery_acknowledges_late_and_gives_work_back_when_a_worker_dies():
    from config.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_every_task_is_stopped_before_redis_would_hand_it_to_another_worker():
    from config.celery import app

    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.CELERY_VISIBILITY_TIMEOUT
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit < visibility


# --- Enqueued only after commit ------------------------------------------------------------


def test_a_task_is_sent_only_when_its_transaction_commits(db, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(generate_subject_access_export, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue_on_commit(generate_subject_access_export, 1)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(generate_subject_access_export, 2)
        assert sent == []
    assert sent == [(2,)]


def _enqueues(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"delay", "apply_async", "delay_on_commit", "send_task"}
    ]


def test_tasks_are_sent_only_through_enqueue_on_commit():
    """``task.delay()`` straight from a request would send work for rows not yet committed
    (or rolled back): every app sends through ``common.tasks.enqueue_on_commit``."""
    apps = ("common", "partnership", "referrals", "assessments", "recovery_plans", "safeguarding", "reporting")
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path != ROOT / "common" / "tasks.py"
        for line in _enqueues(path)
    ]
    assert found == []


# --- The run record -------------------------------------------------------------------------


def test_an_export_run_is_recorded_with_its_attempts(sar, django_capture_on_commit_callbacks):
    run = export_run(sar)
    assert (run.state, run.attempts) == (TaskRun.State.PENDING, 0)
    generate_subject_access_export.delay(sar.pk)
    run.refresh_from_db()
    assert (run.state, run.attempts, run.last_error) == (TaskRun.State.SUCCEEDED, 1, "")
    assert run.started_at <= run.finished_at


def test_a_redelivered_export_after_success_does_nothing(sar, monkeypatch):
    generate_subject_access_export.delay(sar.pk)
    calls = []
    monkeypatch.setattr(data_rights, "subject_access_generate", lambda **kw: calls.append(kw))
    generate_subject_access_export.delay(sar.pk)
    assert calls == []
    assert export_run(sar).attempts == 1


def test_a_failing_task_records_the_kind_of_error_never_its_message(sar, monkeypatch):
    def broken(**kwargs):
        raise ValueError("Siân Ó Briain-Nakamura, 12 April 1985")

    monkeypatch.setattr(data_rights, "subject_access_generate", broken)
    with pytest.raises(ValueError):
        generate_subject_access_export.delay(sar.pk)
    run = export_run(sar)
    assert (run.state, run.last_error) == (TaskRun.State.FAILED, "ValueError")


def test_a_poison_export_fails_visibly_after_three_attempts_instead_of_looping(
    sar, client, data_protection_officer, monkeypatch
):
    """Three starts that never finished (each killed its worker): the next delivery gives up,
    marks the request failed, and the data protection officer sees it."""
    run = export_run(sar)
    run.attempts, run.state = 3, TaskRun.State.RUNNING
    run.save()
    calls = []
    monkeypatch.setattr(data_rights, "subject_access_generate", lambda **kw: calls.append(kw))
    generate_subject_access_export.delay(sar.pk)  # the fourth delivery
    assert calls == []
    run.refresh_from_db()
    assert (run.state, run.attempts, run.last_error) == (TaskRun.State.FAILED, 3, GAVE_UP)
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.FAILED
    client.force_login(data_protection_officer)
    html = client.get(reverse("referrals:subject_access", kwargs={"person_ref": sar.person.reference})).content.decode()
    assert "Could not be prepared" in html
    assert "Stopped after 3 attempts that did not finish." in html


def test_trying_again_after_giving_up_starts_the_count_afresh(
    sar, client, data_protection_officer, django_capture_on_commit_callbacks
):
    run = export_run(sar)
    run.attempts, run.state = 3, TaskRun.State.RUNNING
    run.save()
    generate_subject_access_export.delay(sar.pk)
    client.force_login(data_protection_officer)
    retry = reverse(
        "referrals:subject_access_retry", kwargs={"person_ref": sar.person.reference, "sar_ref": sar.reference}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)
    run.refresh_from_db()
    sar.refresh_from_db()
    assert (run.state, run.attempts) == (TaskRun.State.SUCCEEDED, 1)
    assert sar.status == SubjectAccessRequest.Status.READY


def test_two_deliveries_at_once_complete_the_export_exactly_once(sar, media_root, monkeypatch):
    """A second delivery finishes while the first is still building (Redis handed the message
    on, or a redelivery raced the original): the first must not save a second export."""
    from referrals.data_rights import subject_access

    build_zip = subject_access.build_zip
    nested = []

    def build_while_another_delivery_finishes(document):
        if not nested:
            nested.append(True)
            data_rights.subject_access_generate(request_id=sar.pk)
        return build_zip(document)

    monkeypatch.setattr(subject_access, "build_zip", build_while_another_delivery_finishes)
    data_rights.subject_access_generate(request_id=sar.pk)
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.READY
    assert sar.history.filter(history_change_reason="Export ready").count() == 1
    assert [p.name for p in (media_root / "subject_access").iterdir()] == [Path(sar.file.name).name]
