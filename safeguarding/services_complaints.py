"""Complaints and compliments (SAF-4, §3.17): receiving one (the public form, or staff recording
one that came by phone, letter, in person...), editing its details and investigation notes,
escalating it through the stages, the written response (drafted, approved by another manager,
sent), and closing it with its outcome and learning.

Every service is told who acts, checks they may (managers: ``handles_complaints``), saves
through the one audited write (refused while the linked person's processing is restricted,
PAR-6, and against a stale form, SEC-5), and writes a transition row for every change of status
or stage.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import ExpectedVersion, audited_save, processing_allowed_check, version_check
from partnership.access import handles_complaints
from referrals.rules import add_working_days
from safeguarding.models import Complaint, ComplaintStage, ComplaintTransition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

NOT_AT_THIS_STATUS = gettext_lazy("A complaint that is “%(from)s” cannot become “%(to)s”.")
LAST_STAGE = gettext_lazy("This complaint is already at its last stage")
COMPLIMENT_NOT_ESCALATED = gettext_lazy("A compliment is not escalated")
NO_DRAFT = gettext_lazy("Draft the written response before it is approved")
ALREADY_APPROVED = gettext_lazy("This response has already been approved")
SAME_MANAGER = gettext_lazy("A response is approved by a different manager from the one who drafted it")
NOT_APPROVED = gettext_lazy("A manager must approve the response before it is sent")
ALREADY_SENT = gettext_lazy("This response has already been sent")
SENT_IN_FUTURE = gettext_lazy("The date the response was sent must be today or in the past")
SENT_BEFORE_RECEIVED = gettext_lazy("The date the response was sent must be on or after the day it was received")
# §3.17.3: every complaint has a written response.
NO_RESPONSE_SENT = gettext_lazy("Send the written response before closing the complaint")
COMPLIMENT_OUTCOME = gettext_lazy("A compliment is closed as shared with the team")
COMPLAINT_OUTCOME = gettext_lazy("Select whether the complaint was upheld, partly upheld or not upheld")
NOT_A_HANDLER = gettext_lazy("Select a manager who handles complaints")
NOT_CURRENT_STAGE = gettext_lazy("Only the stage the complaint is at now can be given a handler")
FINISHED_NOT_ASSIGNED = gettext_lazy("A closed or withdrawn complaint is not given a handler")

# The fields staff may edit on a complaint's details page.
DETAIL_FIELDS = (
    "kind",
    "channel",
    "category",
    "summary",
    "desired_outcome",
    "about_hub",
    "complainant_from",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "complainant_address",
    "wants_reply",
    "person",
    "investigation_notes",
)


def _require_handler(by: User) -> None:
    if not handles_complaints(by):
        raise PermissionDenied


def _handler_check(handler: User | None) -> None:
    """The member of staff named for a stage must be someone who handles complaints."""
    if handler is not None and not handles_complaints(handler):
        raise ValidationError({"handler": NOT_A_HANDLER})


def stage_policy(stage: str) -> dict:
    """The role responsible and the target in working days for a stage (settings)."""
    return settings.COMPLAINT_STAGES[stage]


def stage_target(stage: str, started_at: dt.datetime) -> dt.date:
    return add_working_days(timezone.localtime(started_at), stage_policy(stage)["working_days"]).date()


def _transition(complaint: Complaint, *, to_status: str, to_stage: str, by: User | None, reason: str, at) -> None:
    if to_status != complaint.status and not complaint.can_move_to(to_status):
        raise ValidationError(
            NOT_AT_THIS_STATUS % {"from": complaint.get_status_display(), "to": Complaint.Status(to_status).label},
            code="invalid_transition",
        )
    ComplaintTransition.objects.create(
        complaint=complaint,
        from_status=complaint.status,
        to_status=to_status,
        from_stage=complaint.stage,
        to_stage=to_stage,
        at=at,
        by=by,
        reason=reason[:500],
    )
    complaint.status = to_status
    complaint.stage = to_stage


def _start_stage(complaint: Complaint, *, stage: str, by: User | None, at, handler=None, reason: str = "") -> None:
    row = ComplaintStage(
        complaint=complaint,
        stage=stage,
        responsible_role=stage_policy(stage)["role"],
        handler=handler,
        started_at=at,
        target_date=stage_target(stage, at),
        escalation_reason=reason,
    )
    audited_save(row, by=by, reason="Complaint stage started", person_id=complaint.person_id)


def _create(*, by: User | None, fields: dict[str, Any], submission_token: uuid.UUID | None) -> Complaint:
    at = fields.pop("received_at", None) or timezone.now()
    complaint = Complaint(received_at=at, recorded_by=by, submission_token=submission_token, **fields)
    complaint.status = Complaint.Status.OPEN
    complaint.stage = Complaint.Stage.LOCAL_RESOLUTION
    audited_save(complaint, by=by, reason="Complaint received", person_id=complaint.person_id)
    ComplaintTransition.objects.create(
        complaint=complaint,
        from_status="",
        to_status=Complaint.Status.OPEN,
        from_stage="",
        to_stage=Complaint.Stage.LOCAL_RESOLUTION,
        at=at,
        by=by,
        reason="Received",
    )
    _start_stage(complaint, stage=Complaint.Stage.LOCAL_RESOLUTION, by=by, at=at)
    return complaint


def complaint_receive_public(*, data: dict[str, Any], submission_token: uuid.UUID) -> tuple[Complaint, bool]:
    """A complaint or compliment from the public form (no one signed in). Returns
    ``(complaint, created)``: the same ``submission_token`` twice returns the first one, so a
    double-clicked submit makes one complaint. Never linked to a person here: staff link it."""
    existing = Complaint.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing, False
    fields = {**data, "channel": Complaint.Channel.PUBLIC_FORM, "person": None}
    try:
        with transaction.atomic():
            return _create(by=None, fields=fields, submission_token=submission_token), True
    except IntegrityError:
        # Two identical posts at once: the other one won; show its reference.
        return Complaint.objects.get(submission_token=submission_token), False


@transaction.atomic
def complaint_record(*, by: User, **fields: Any) -> Complaint:
    """A complaint or compliment that came by phone, letter, in person, through a council..."""
    _require_handler(by)
    unknown = set(fields) - set(DETAIL_FIELDS) - {"received_at"}
    if unknown:
        raise TypeError(f"Not complaint fields: {sorted(unknown)}")
    return _create(by=by, fields=dict(fields), submission_token=None)


@transaction.atomic
def complaint_update(
    *, complaint: Complaint, by: User, expected_version: ExpectedVersion | None = None, **fields: Any
) -> Complaint:
    """Change a complaint's details, its link to a person's record, or its investigation notes.
    Linking to a restricted person is refused (PAR-6), as is any change while linked to one."""
    _require_handler(by)
    unknown = set(fields) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Not complaint fields: {sorted(unknown)}")
    new_person = fields.get("person", complaint.person)
    processing_allowed_check(person_id=getattr(new_person, "pk", None))
    for name, value in fields.items():
        setattr(complaint, name, value)
    audited_save(
        complaint,
        by=by,
        reason="Complaint details changed",
        person_id=complaint.person_id,
        expected_version=expected_version,
    )
    return complaint


def current_stage(complaint: Complaint) -> ComplaintStage:
    return complaint.stages.get(stage=complaint.stage)


@transaction.atomic
def complaint_escalate(
    *,
    complaint: Complaint,
    by: User,
    reason: str,
    handler: User | None = None,
    expected_version: ExpectedVersion | None = None,
) -> ComplaintStage:
    """Move a complaint to its next stage: the complainant is not satisfied, or the matter is
    serious enough to go straight to a formal investigation (§3.17.4)."""
    _require_handler(by)
    processing_allowed_check(person_id=complaint.person_id)
    version_check(complaint, expected_version)
    _handler_check(handler)
    if complaint.is_compliment:
        raise ValidationError(COMPLIMENT_NOT_ESCALATED, code="compliment")
    next_stage = complaint.next_stage
    if next_stage is None:
        raise ValidationError(LAST_STAGE, code="last_stage")
    at = timezone.now()
    stage = current_stage(complaint)
    if stage.ended_at is None:
        stage.ended_at = at
        audited_save(stage, by=by, reason="Complaint escalated", person_id=complaint.person_id)
    _transition(complaint, to_status=Complaint.Status.OPEN, to_stage=next_stage, by=by, reason=reason, at=at)
    complaint.closed_at = None
    complaint.outcome = ""
    audited_save(complaint, by=by, reason="Complaint escalated", person_id=complaint.person_id)
    _start_stage(complaint, stage=next_stage, by=by, at=at, handler=handler, reason=reason)
    return complaint.stages.get(stage=next_stage)


@transaction.atomic
def complaint_stage_assign(
    *, stage: ComplaintStage, by: User, handler: User | None, expected_version: ExpectedVersion | None = None
) -> ComplaintStage:
    """Name (or change, or clear) the member of staff handling the complaint's current stage.
    The detail page and its history show the change (the stage's history rows)."""
    _require_handler(by)
    complaint = stage.complaint
    if complaint.status in (Complaint.Status.CLOSED, Complaint.Status.WITHDRAWN):
        raise ValidationError(FINISHED_NOT_ASSIGNED, code="finished")
    if stage.stage != complaint.stage:
        raise ValidationError(NOT_CURRENT_STAGE, code="not_current")
    _handler_check(handler)
    stage.handler = handler
    audited_save(
        stage,
        by=by,
        reason="Complaint handler named",
        person_id=complaint.person_id,
        expected_version=expected_version,
    )
    return stage


@transaction.atomic
def complaint_response_draft(
    *, stage: ComplaintStage, by: User, text: str, expected_version: ExpectedVersion | None = None
) -> ComplaintStage:
    """Draft (or redraft) the written response for a stage. Redrafting an approved response
    needs approving again; a sent one is not changed."""
    _require_handler(by)
    if stage.response_sent_on is not None:
        raise ValidationError(ALREADY_SENT, code="sent")
    stage.response_text = text
    stage.response_drafted_at = timezone.now()
    stage.response_drafted_by = by
    stage.response_approved_at = None
    stage.response_approved_by = None
    audited_save(
        stage,
        by=by,
        reason="Complaint response drafted",
        person_id=stage.complaint.person_id,
        expected_version=expected_version,
    )
    return stage


@transaction.atomic
def complaint_response_approve(
    *, stage: ComplaintStage, by: User, expected_version: ExpectedVersion | None = None
) -> ComplaintStage:
    _require_handler(by)
    processing_allowed_check(person_id=stage.complaint.person_id)
    version_check(stage, expected_version)
    if not stage.response_text:
        raise ValidationError(NO_DRAFT, code="no_draft")
    if stage.response_approved_at is not None:
        raise ValidationError(ALREADY_APPROVED, code="approved")
    if stage.response_drafted_by_id == by.pk:
        raise ValidationError(SAME_MANAGER, code="same_manager")
    stage.response_approved_at = timezone.now()
    stage.response_approved_by = by
    audited_save(stage, by=by, reason="Complaint response approved", person_id=stage.complaint.person_id)
    return stage


@transaction.atomic
def complaint_response_send(
    *, stage: ComplaintStage, by: User, sent_on: dt.date, how: str, expected_version: ExpectedVersion | None = None
) -> ComplaintStage:
    """Record that the approved response went to the complainant (§3.17.3)."""
    _require_handler(by)
    complaint = stage.complaint
    processing_allowed_check(person_id=complaint.person_id)
    version_check(stage, expected_version)
    if stage.response_approved_at is None:
        raise ValidationError(NOT_APPROVED, code="not_approved")
    if stage.response_sent_on is not None:
        raise ValidationError(ALREADY_SENT, code="sent")
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": SENT_IN_FUTURE})
    if sent_on < timezone.localtime(complaint.received_at).date():
        raise ValidationError({"sent_on": SENT_BEFORE_RECEIVED})
    stage.response_sent_on = sent_on
    stage.response_sent_how = how
    stage.response_sent_by = by
    stage.ended_at = timezone.now()
    audited_save(stage, by=by, reason="Complaint response sent", person_id=complaint.person_id)
    if stage.stage == complaint.stage and complaint.status == Complaint.Status.OPEN:
        _transition(
            complaint,
            to_status=Complaint.Status.RESPONDED,
            to_stage=complaint.stage,
            by=by,
            reason="",
            at=timezone.now(),
        )
        audited_save(complaint, by=by, reason="Complaint response sent", person_id=complaint.person_id)
    return stage


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    by: User,
    outcome: str,
    learning: str = "",
    expected_version: ExpectedVersion | None = None,
) -> Complaint:
    """Close with the outcome and what the service learnt (§3.17.5: continuous improvement).
    A complaint closes once its written response is sent; a compliment at any time."""
    _require_handler(by)
    processing_allowed_check(person_id=complaint.person_id)
    if complaint.is_compliment:
        if outcome != Complaint.Outcome.SHARED:
            raise ValidationError({"outcome": COMPLIMENT_OUTCOME})
    else:
        if outcome == Complaint.Outcome.SHARED:
            raise ValidationError({"outcome": COMPLAINT_OUTCOME})
        if complaint.status != Complaint.Status.RESPONDED:
            raise ValidationError(NO_RESPONSE_SENT, code="no_response")
    version_check(complaint, expected_version)
    at = timezone.now()
    _transition(complaint, to_status=Complaint.Status.CLOSED, to_stage=complaint.stage, by=by, reason=outcome, at=at)
    complaint.outcome = outcome
    complaint.learning = learning
    complaint.closed_at = at
    audited_save(complaint, by=by, reason="Complaint closed", person_id=complaint.person_id)
    if complaint.is_compliment:
        stage = current_stage(complaint)
        stage.ended_at = at
        audited_save(stage, by=by, reason="Compliment shared", person_id=complaint.person_id)
    return complaint


@transaction.atomic
def complaint_withdraw(
    *, complaint: Complaint, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Complaint:
    """The complainant withdrew it (recorded with their reason, never deleted)."""
    _require_handler(by)
    processing_allowed_check(person_id=complaint.person_id)
    version_check(complaint, expected_version)
    at = timezone.now()
    _transition(complaint, to_status=Complaint.Status.WITHDRAWN, to_stage=complaint.stage, by=by, reason=reason, at=at)
    complaint.closed_at = at
    audited_save(complaint, by=by, reason=_("Complaint withdrawn")[:100], person_id=complaint.person_id)
    return complaint
