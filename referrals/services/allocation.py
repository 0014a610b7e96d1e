"""Allocation and reallocation to a hub and worker, closing and reopening a referral, and
the first appointment (REF-7, REF-9).

As in ``referrals.services.referrals``: keyword-only, told who acts, permission checked here,
one transaction, history with the acting user and a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import ExpectedVersion, audited_save, version_check
from partnership.access import ALLOCATABLE_ROLES, can_work_front_door, membership_of, sees_allocated_caseload
from referrals import rules
from referrals.models import Referral, Triage
from referrals.services.grants import sync_referral_grants
from referrals.services.referrals import _require_front_door, referral_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from partnership.models import Hub

# --- Allocation (REF-7) ------------------------------------------------------------------

ALLOCATE_NOT_A_WORKER = gettext_lazy("Choose a recovery worker, peer support worker or team manager.")


@transaction.atomic
def referral_allocate(
    *, referral: Referral, hub: Hub, worker: User, by: User, expected_version: ExpectedVersion | None = None
) -> Referral:
    """Allocate to a hub and a worker (REF-7 accepted outcomes only)."""
    _require_front_door(by)
    version_check(referral, expected_version)  # SEC-5
    # REF-7: only an outcome that accepts the person for ERS (or family and carer) support
    # allocates; a "Treatment Service only" referral waits at triaged for its sending.
    outcome = Triage.objects.filter(referral=referral).values_list("outcome", flat=True).first()
    if not referral.allows(Referral.Step.ALLOCATE) or outcome not in Triage.ALLOCATING_OUTCOMES:
        raise ValidationError(_("Only a referral accepted for ERS support at triage can be allocated."))
    _check_allocatable(hub=hub, worker=worker)
    referral.hub = hub
    referral.allocated_worker = worker
    referral.allocated_at = timezone.now()
    referral_transition(referral=referral, to=Referral.Status.ALLOCATED, by=by, reason=f"Allocated to {hub.name}")
    audited_save(referral, by=by, reason="Allocated", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # SEC-1: the worker and their hub team see it now
    return referral


def _check_allocatable(*, hub: Hub, worker: User) -> None:
    # Only an active hub worker, peer worker or manager of the chosen hub can hold a caseload.
    membership = membership_of(worker)
    if membership is None or membership.role not in ALLOCATABLE_ROLES:
        raise ValidationError({"worker": [ALLOCATE_NOT_A_WORKER]})
    if membership.hub_id != hub.pk:
        raise ValidationError({"worker": [_("Choose a worker from the %(hub)s hub.") % {"hub": hub.name}]})


REALLOCATE_REASON_REQUIRED = gettext_lazy("Enter the reason for reallocating the referral")


@transaction.atomic
def referral_reallocate(*, referral: Referral, hub: Hub, worker: User, by: User, reason: str) -> Referral:
    """Move an allocated referral to another worker or hub (a manager balancing caseloads, a
    worker leaving). The status stays "allocated" and ``allocated_at`` keeps the first
    allocation's time (the KPI); the old worker and hub lose access in the same transaction."""
    _require_front_door(by)
    if not referral.allows(Referral.Step.REALLOCATE):
        raise ValidationError(_("Only an allocated referral can be reallocated."))
    if not reason.strip():
        raise ValidationError({"reason": [REALLOCATE_REASON_REQUIRED]})
    _check_allocatable(hub=hub, worker=worker)
    referral.hub = hub
    referral.allocated_worker = worker
    audited_save(referral, by=by, reason=f"Reallocated: {reason.strip()}", person_id=referral.person_id)
    sync_referral_grants(referral=referral)
    return referral


CLOSE_TREATMENT_PENDING = gettext_lazy(
    "This referral cannot be closed yet: its referral to the Treatment Service has not been sent. "
    "Send it first, from “Referral to the Treatment Service” on the referral page."
)


@transaction.atomic
def referral_close(
    *, referral: Referral, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Referral:
    """Close by hand. Refused while a referral to the Treatment Service waits to be sent
    (``Referral.may_close``): nothing is left stranded behind a closed referral (§3.2.6)."""
    _require_front_door(by)
    version_check(referral, expected_version)  # SEC-5
    if referral.can_move_to(Referral.Status.CLOSED) and referral.has_pending_treatment_referral():
        raise ValidationError(CLOSE_TREATMENT_PENDING, code="treatment_pending")
    referral_transition(referral=referral, to=Referral.Status.CLOSED, by=by, reason=reason)
    audited_save(referral, by=by, reason="Closed", person_id=referral.person_id)
    # Closing keeps the allocation, so the worker and hub keep read access to the history;
    # the referral leaves caseload lists (allocated only). See referrals.services.grants.
    sync_referral_grants(referral=referral)
    return referral


@transaction.atomic
def referral_reopen(
    *, referral: Referral, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Referral:
    _require_front_door(by)
    version_check(referral, expected_version)  # SEC-5
    referral_transition(referral=referral, to=Referral.Status.RECEIVED, by=by, reason=reason)
    # Back to the front door: triage and allocation are done again. Their earlier values stay
    # in the history and the transition log, so nothing recorded is lost.
    referral.triage_completed_at = None
    referral.hub = referral.allocated_worker = referral.allocated_at = None
    if hasattr(referral, "triage"):
        triage = referral.triage
        triage.outcome, triage.outcome_reason, triage.signposted_to = "", "", ""
        triage.completed_at, triage.completed_by = None, None
        audited_save(triage, by=by, reason="Referral reopened", person_id=referral.person_id)
    audited_save(referral, by=by, reason="Reopened", person_id=referral.person_id)
    sync_referral_grants(referral=referral)  # allocation cleared: back to the front door only
    return referral


# --- Priority (REF-5, §3.2.6, §3.15.5) -------------------------------------------------------

PRIORITY_REASON_REQUIRED = gettext_lazy("Enter the reason for changing the priority")
PRIORITY_CHOOSE = gettext_lazy("Choose the priority")
PRIORITY_UNCHANGED = gettext_lazy("Choose a different priority from the one the referral has now")
PRIORITY_NOT_OPEN = gettext_lazy("The priority can only be changed while the referral is waiting in the queue.")


@transaction.atomic
def referral_prioritise(
    *, referral: Referral, by: User, priority: int, reason: str, expected_version: ExpectedVersion | None = None
) -> Referral:
    """A practitioner sets the priority by hand, with the reason kept in the history. Screening
    only ever raises a priority afterwards (``rules.raised_priority``), so this one is never
    silently lowered; the queue (ordered by priority) follows at once."""
    _require_front_door(by)
    version_check(referral, expected_version)  # SEC-5: before "unchanged", so what changed is shown
    if not referral.allows(Referral.Step.PRIORITISE):
        raise ValidationError(PRIORITY_NOT_OPEN, code="not_open")
    errors: dict[str, list] = {}
    if priority not in Referral.Priority.values:
        errors["priority"] = [PRIORITY_CHOOSE]
    elif priority == referral.priority:
        errors["priority"] = [PRIORITY_UNCHANGED]
    if not (reason or "").strip():
        errors["reason"] = [PRIORITY_REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)
    old = referral.get_priority_display()
    referral.priority = priority
    referral.priority_reason = reason.strip()[:500]
    audited_save(
        referral,
        by=by,
        reason=f"Priority changed by hand from {old} to {referral.get_priority_display()}",
        person_id=referral.person_id,
    )
    return referral


# --- First appointment (REF-9) -----------------------------------------------------------

# A first appointment follows acceptance for ERS support at triage, before or after allocation.
FIRST_APPOINTMENT_NOT_OPEN = gettext_lazy(
    "You can only record a first appointment for a referral accepted for ERS support at triage and not closed."
)
OFFERED_IN_FUTURE = gettext_lazy("The date the first appointment was offered must be now or in the past")
OFFERED_BEFORE_RECEIVED = gettext_lazy(
    "The date the first appointment was offered must be after the referral was received on %(received)s"
)
ATTENDED_IN_FUTURE = gettext_lazy("The date the person attended must be now or in the past")
ATTENDED_BEFORE_OFFERED = gettext_lazy(
    "The date the person attended must be after the appointment was offered on %(offered)s"
)
ATTENDED_AND_DID_NOT_ATTEND = gettext_lazy("Say either when the person attended or that they did not attend")


def local_date_time(value: dt.datetime) -> str:
    """A moment as it reads in messages: "10 March 2026 at 12:00", local time."""
    return formats.date_format(timezone.localtime(value), "j F Y \\a\\t H:i")


def first_appointment_may_record(*, referral: Referral, by: User) -> bool:
    """The front door, or the caseworker the referral is allocated to."""
    if can_work_front_door(by):
        return True
    return (
        sees_allocated_caseload(by)
        and referral.allocated_worker_id is not None
        and referral.allocated_worker_id == by.pk
    )


@transaction.atomic
def referral_first_appointment_record(
    *,
    referral: Referral,
    by: User,
    offered_at: dt.datetime,
    attended_at: dt.datetime | None = None,
    did_not_attend: bool = False,
    expected_version: ExpectedVersion | None = None,
) -> Referral:
    """REF-9: when the first appointment was offered and when the person attended it.

    ``offered_at`` is when the offer was made (the KPI measures referral to offer), not the
    date of the appointment. Recording again replaces both times; the history keeps the old
    ones. ``did_not_attend`` leaves nothing attended and says so in the history reason.
    """
    if not first_appointment_may_record(referral=referral, by=by):
        raise PermissionDenied
    if not referral.allows(Referral.Step.FIRST_APPOINTMENT):
        raise ValidationError(FIRST_APPOINTMENT_NOT_OPEN, code="not_open")
    latest = timezone.now() + rules.CLOCK_GRACE
    errors: dict[str, list] = {}
    if offered_at > latest:
        errors["offered_at"] = [OFFERED_IN_FUTURE]
    elif offered_at < referral.received_at - rules.CLOCK_GRACE:
        errors["offered_at"] = [OFFERED_BEFORE_RECEIVED % {"received": local_date_time(referral.received_at)}]
    if attended_at is not None:
        if did_not_attend:
            errors["attended_at"] = [ATTENDED_AND_DID_NOT_ATTEND]
        elif attended_at > latest:
            errors["attended_at"] = [ATTENDED_IN_FUTURE]
        elif attended_at < offered_at:
            errors["attended_at"] = [ATTENDED_BEFORE_OFFERED % {"offered": local_date_time(offered_at)}]
    if errors:
        raise ValidationError(errors)

    referral.first_appointment_offered_at = offered_at
    referral.first_appointment_attended_at = attended_at
    if attended_at is not None:
        reason = "First appointment attended"
    elif did_not_attend:
        reason = "First appointment offered: did not attend"
    else:
        reason = "First appointment offered"
    audited_save(referral, by=by, reason=reason, person_id=referral.person_id, expected_version=expected_version)
    return referral
