"""Writes for data subject rights (PAR-6): subject access requests, their download, and
restriction of processing. Rectification is ``referrals.services.person_update``.

Each service is told who acts, checks that they may (only the data protection officer), runs
in a transaction and records history with the acting user and a reason.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import Exemption, ExpectedVersion, audited_save, version_check
from common.tasks import GAVE_UP, enqueue_on_commit, pause_point, task_run_prepare
from partnership.access import can_run_subject_access
from partnership.models import AccessLog
from partnership.services import access_log_record
from referrals.data_rights import subject_access
from referrals.models import Person, SubjectAccessRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files import File

logger = logging.getLogger(__name__)

REQUEST_REFERENCE_REQUIRED = gettext_lazy("Enter the reference of the request")
REQUEST_REASON_REQUIRED = gettext_lazy("Enter the details of the request")
RESTRICTION_REASON_REQUIRED = gettext_lazy("Enter the reason for restricting processing")
LIFT_REASON_REQUIRED = gettext_lazy("Enter the reason for lifting the restriction")
ALREADY_RESTRICTED = gettext_lazy("Processing of this person's information is already restricted.")
NOT_RESTRICTED = gettext_lazy("Processing of this person's information is not restricted.")
EXPORT_NOT_READY = gettext_lazy("This export is not ready to download yet.")


def _require_dpo(by: User) -> None:
    if not can_run_subject_access(by):
        raise PermissionDenied


# --- Subject access (PAR-6, §3.16.4) ---------------------------------------------------------


@transaction.atomic
def subject_access_request_create(
    *, person: Person, by: User, request_reference: str, reason: str
) -> SubjectAccessRequest:
    """Record a subject access request and queue its export (made after commit)."""
    _require_dpo(by)
    request_reference, reason = (request_reference or "").strip(), (reason or "").strip()
    errors = {}
    if not request_reference:
        errors["request_reference"] = [REQUEST_REFERENCE_REQUIRED]
    if not reason:
        errors["reason"] = [REQUEST_REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)
    sar = SubjectAccessRequest(person=person, requested_by=by, request_reference=request_reference, reason=reason)
    audited_save(
        sar,
        by=by,
        reason="Subject access request recorded",
        person_id=person.pk,
        exemption=Exemption.DATA_SUBJECT_REQUEST,
    )
    _enqueue(sar.pk)
    return sar


def _enqueue(request_id: int) -> None:
    """A fresh run record now, the task after commit. If the broker is down the request is
    saved all the same, and the page offers "try again" while it is still waiting."""
    from referrals.data_rights.tasks import EXPORT_TASK, generate_subject_access_export

    task_run_prepare(task_name=EXPORT_TASK, object_type=SubjectAccessRequest._meta.label_lower, object_id=request_id)
    enqueue_on_commit(generate_subject_access_export, request_id)


def subject_access_generate(*, request_id: int) -> SubjectAccessRequest:
    """Make the export for a request: the PDF and JSON in one zip, kept in default storage.

    Completes exactly once, however often its task is delivered: a request that is already
    ready is left alone, and the finished export is saved only if no other delivery has
    finished first (checked under a row lock), so a message redelivered after a worker died,
    or handed to a second worker while the first still runs, never makes a second export.
    A rerun of a waiting, running or failed one replaces any earlier file. Failure is recorded
    on the request (the kind of error only, never personal data) and it can be tried again.
    """
    with transaction.atomic():
        sar = (
            SubjectAccessRequest.objects.select_for_update().select_related("person", "requested_by").get(pk=request_id)
        )
        if sar.status == SubjectAccessRequest.Status.READY and sar.file:
            return sar
        sar.status = SubjectAccessRequest.Status.RUNNING
        sar.started_at = timezone.now()
        sar.error = ""
        audited_save(
            sar,
            by=sar.requested_by,
            reason="Export started",
            person_id=sar.person_id,
            exemption=Exemption.DATA_SUBJECT_REQUEST,
        )
    pause_point("subject_access_export")
    try:
        document = subject_access.build_document(
            person=sar.person,
            generated_by=sar.requested_by,
            request_reference=sar.request_reference,
            our_reference=sar.reference,
        )
        data = subject_access.build_zip(document)
    except Exception as error:
        logger.exception("Subject access export %s failed", sar.pk)
        with transaction.atomic():
            _save_state(sar, SubjectAccessRequest.Status.FAILED, "Export failed", error=type(error).__name__[:200])
        return sar
    with transaction.atomic():
        sar = SubjectAccessRequest.objects.select_for_update().select_related("requested_by").get(pk=request_id)
        if sar.status == SubjectAccessRequest.Status.READY and sar.file:
            return sar  # another delivery of this task finished first
        old_name = sar.file.name if sar.file else ""
        # A random part in the name: the stem is guessable, the stored file's path is not.
        name = f"{subject_access.file_stem(sar.reference)}-{secrets.token_hex(8)}.zip"
        sar.file.save(name, ContentFile(data), save=False)
        sar.file_sha256 = subject_access.sha256(data)
        _save_state(sar, SubjectAccessRequest.Status.READY, "Export ready")
        if old_name and old_name != sar.file.name:
            sar.file.storage.delete(old_name)
    return sar


@transaction.atomic
def subject_access_retry(*, request: SubjectAccessRequest, by: User) -> SubjectAccessRequest:
    """Queue a waiting or failed export again."""
    _require_dpo(by)
    if request.status == SubjectAccessRequest.Status.READY:
        return request
    _enqueue(request.pk)
    return request


@transaction.atomic
def subject_access_give_up(*, request_id: int) -> SubjectAccessRequest:
    """Mark a request failed when its export has been started too many times without
    finishing (``common.tasks.recorded_task``), so the data protection officer sees it and
    can try again, instead of the task being delivered for ever."""
    sar = SubjectAccessRequest.objects.select_for_update().select_related("requested_by").get(pk=request_id)
    if sar.status == SubjectAccessRequest.Status.READY:
        return sar
    _save_state(sar, SubjectAccessRequest.Status.FAILED, "Export given up after repeated attempts", error=GAVE_UP)
    return sar


def _save_state(sar: SubjectAccessRequest, status: str, reason: str, *, error: str = "") -> None:
    """An export finished, one way or the other: saved as the data protection officer who
    asked for it (the person's own request, so allowed under restriction)."""
    sar.status, sar.finished_at, sar.error = status, timezone.now(), error
    audited_save(
        sar, by=sar.requested_by, reason=reason, person_id=sar.person_id, exemption=Exemption.DATA_SUBJECT_REQUEST
    )


def subject_access_download(*, request: SubjectAccessRequest, by: User) -> File:
    """The export file, opened for reading; writes the EXPORT access-log row (SEC-2)."""
    _require_dpo(by)
    if request.status != SubjectAccessRequest.Status.READY or not request.file:
        raise ValidationError(EXPORT_NOT_READY)
    access_log_record(
        user=by,
        action=AccessLog.Action.EXPORT,
        obj=request,
        person_id=request.person_id,
        reason=f"Subject access request {request.request_reference}: {request.reason}",
    )
    return request.file.storage.open(request.file.name, "rb")


# --- Restriction of processing (PAR-6, UK GDPR Article 18) -----------------------------------


@transaction.atomic
def processing_restrict(
    *, person: Person, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Person:
    """Restrict processing of the person's information: their records are kept, but no
    service changes them until the restriction is lifted."""
    _require_dpo(by)
    person = Person.objects.select_for_update().get(pk=person.pk)
    version_check(person, expected_version)  # SEC-5
    reason = (reason or "").strip()
    if person.processing_restricted:
        raise ValidationError(ALREADY_RESTRICTED)
    if not reason:
        raise ValidationError({"reason": [RESTRICTION_REASON_REQUIRED]})
    person.processing_restricted = True
    person.processing_restricted_at = timezone.now()
    person.processing_restricted_by = by
    person.processing_restriction_reason = reason[:500]
    audited_save(
        person, by=by, reason=f"Processing restricted: {reason}", person_id=person.pk, exemption=Exemption.RESTRICTION
    )
    return person


@transaction.atomic
def processing_lift(
    *, person: Person, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Person:
    """Lift a restriction. The history keeps when it was set, by whom and why."""
    _require_dpo(by)
    person = Person.objects.select_for_update().get(pk=person.pk)
    version_check(person, expected_version)  # SEC-5
    reason = (reason or "").strip()
    if not person.processing_restricted:
        raise ValidationError(NOT_RESTRICTED)
    if not reason:
        raise ValidationError({"reason": [LIFT_REASON_REQUIRED]})
    person.processing_restricted = False
    person.processing_restricted_at = None
    person.processing_restricted_by = None
    person.processing_restriction_reason = ""
    audited_save(
        person, by=by, reason=f"Restriction lifted: {reason}", person_id=person.pk, exemption=Exemption.RESTRICTION
    )
    return person
