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

from common.audit import Exemption, audited_save
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
    transaction.on_commit(lambda: _enqueue(sar.pk))
    return sar


def _enqueue(request_id: int) -> None:
    from referrals.data_rights.tasks import generate_subject_access_export

    try:
        generate_subject_access_export.delay(request_id)
    except Exception:
        # The request is saved; the page offers "try again" while it is still waiting.
        logger.exception("Could not queue subject access export %s", request_id)


def subject_access_generate(*, request_id: int) -> SubjectAccessRequest:
    """Make the export for a request: the PDF and JSON in one zip, kept in default storage.

    Safe to run twice: a request that is already ready is left alone, and a rerun of a
    waiting or failed one replaces any earlier file. Failure is recorded on the request (the
    kind of error only, never personal data) and the request can be tried again.
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
            sar.status = SubjectAccessRequest.Status.FAILED
            sar.finished_at = timezone.now()
            sar.error = type(error).__name__[:200]
            audited_save(
                sar,
                by=sar.requested_by,
                reason="Export failed",
                person_id=sar.person_id,
                exemption=Exemption.DATA_SUBJECT_REQUEST,
            )
        return sar
    with transaction.atomic():
        old_name = sar.file.name if sar.file else ""
        # A random part in the name: the stem is guessable, the stored file's path is not.
        name = f"{subject_access.file_stem(sar.reference)}-{secrets.token_hex(8)}.zip"
        sar.file.save(name, ContentFile(data), save=False)
        sar.file_sha256 = subject_access.sha256(data)
        sar.status = SubjectAccessRequest.Status.READY
        sar.finished_at = timezone.now()
        audited_save(
            sar,
            by=sar.requested_by,
            reason="Export ready",
            person_id=sar.person_id,
            exemption=Exemption.DATA_SUBJECT_REQUEST,
        )
        if old_name and old_name != sar.file.name:
            sar.file.storage.delete(old_name)
    return sar


@transaction.atomic
def subject_access_retry(*, request: SubjectAccessRequest, by: User) -> SubjectAccessRequest:
    """Queue a waiting or failed export again."""
    _require_dpo(by)
    if request.status == SubjectAccessRequest.Status.READY:
        return request
    transaction.on_commit(lambda: _enqueue(request.pk))
    return request


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
def processing_restrict(*, person: Person, by: User, reason: str) -> Person:
    """Restrict processing of the person's information: their records are kept, but no
    service changes them until the restriction is lifted."""
    _require_dpo(by)
    person = Person.objects.select_for_update().get(pk=person.pk)
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
def processing_lift(*, person: Person, by: User, reason: str) -> Person:
    """Lift a restriction. The history keeps when it was set, by whom and why."""
    _require_dpo(by)
    person = Person.objects.select_for_update().get(pk=person.pk)
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
