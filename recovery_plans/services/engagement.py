"""Engagement status (PLN-4, §3.4.6): inactive with a coded reason, re-entry in one step, and
the nightly re-engagement flags (§3.8.6).

Every change of status writes an ``EngagementTransition`` (from, to, reason, by, when), and the
allowed changes are the model's ``TRANSITIONS`` table.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import audited_save
from recovery_plans.access_contacts import can_change_engagement
from recovery_plans.models import Contact, EngagementStatus, EngagementTransition, ReengagementFlag, ReviewPrompt
from recovery_plans.services.contacts import reengagement_flag_clear
from recovery_plans.services.plans import review_trigger_handle
from referrals.models import Person, Referral
from referrals.selectors.referrals import people_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ENGAGEMENT_REASON_REQUIRED = gettext_lazy("Select why the person is no longer active")
ENGAGEMENT_NOT_ALLOWED = gettext_lazy("The person’s engagement has already changed: check it and try again")

# The words on a review prompt (its detail): no personal data, the same text for the same cause.
NO_LONGER_ACTIVE = "No longer active: %(reason)s"
NO_CONTACT_FOR = "No contact in %(days)s days"

Status = EngagementStatus.Status


def engagement_of(person: Person) -> EngagementStatus:
    """The person's status, or an unsaved "active" one when nothing has been recorded."""
    status = EngagementStatus.objects.filter(person=person).first()
    return status or EngagementStatus(person=person, status=Status.ACTIVE, since=person.created_at)


def _change(*, person: Person, by: User, to_status: str, reason: str, message: str) -> EngagementStatus:
    if not (can_change_engagement(by) and people_visible_to(user=by).filter(pk=person.pk).exists()):
        raise PermissionDenied
    now = timezone.now()
    status = EngagementStatus.objects.select_for_update().filter(person=person).first()
    if status is None:
        status = EngagementStatus(person=person, status=Status.ACTIVE, since=person.created_at or now)
    if not EngagementStatus.allows(status.status, to_status):
        raise ValidationError(ENGAGEMENT_NOT_ALLOWED, code="not_allowed")
    from_status = status.status
    status.status, status.reason, status.since = to_status, reason, now
    audited_save(status, by=by, reason=message, person_id=person.pk)
    transition = EngagementTransition(
        person=person, from_status=from_status, to_status=to_status, reason=reason, at=now, by=by
    )
    audited_save(transition, by=by, reason=message, person_id=person.pk)
    return status


@transaction.atomic
def engagement_set_inactive(*, person: Person, by: User, reason: str) -> EngagementStatus:
    if reason not in EngagementStatus.Reason.values or not reason:
        raise ValidationError({"reason": [ENGAGEMENT_REASON_REQUIRED]})
    status = _change(person=person, by=by, to_status=Status.INACTIVE, reason=reason, message="No longer active")
    # An inactive person is not someone to chase: their flag, if any, is closed.
    reengagement_flag_clear(person=person, by=by, at=status.since)
    # PLN-2, §3.4.2: disengagement brings the plan's review forward (to close or hand it on
    # when goals are met or the person moved away). Not after a death: nothing to review.
    if reason != EngagementStatus.Reason.DIED:
        review_trigger_handle(
            person=person,
            trigger=ReviewPrompt.Trigger.DISENGAGEMENT,
            by=by,
            detail=NO_LONGER_ACTIVE % {"reason": EngagementStatus.Reason(reason).label},
        )
    return status


@transaction.atomic
def engagement_reenter(*, person: Person, by: User) -> EngagementStatus:
    """§3.4.6: back to active in one step, recorded as a transition."""
    return _change(person=person, by=by, to_status=Status.ACTIVE, reason="", message="Re-entered support")


def reengagement_period() -> dt.timedelta:
    return dt.timedelta(days=settings.ERS_REENGAGEMENT_AFTER_DAYS)


def reengagement_candidates(*, now: dt.datetime):
    """Active people on someone's caseload (an allocated referral), not restricted, with no
    open flag and no contact since ``now`` minus the period; annotated with their last contact."""
    allocated = Referral.objects.filter(person=OuterRef("pk"), status=Referral.Status.ALLOCATED)
    inactive = EngagementStatus.objects.filter(person=OuterRef("pk"), status=Status.INACTIVE)
    # Re-entered within the period: they have not had the chance to be in touch yet.
    reentered = EngagementStatus.objects.filter(person=OuterRef("pk"), since__gte=now - reengagement_period())
    open_flag = ReengagementFlag.objects.filter(person=OuterRef("pk"), cleared_at__isnull=True)
    recent = Contact.objects.filter(person=OuterRef("pk"), occurred_at__gte=now - reengagement_period())
    return (
        Person.objects.filter(
            Exists(allocated), processing_restricted=False, created_at__lt=now - reengagement_period()
        )
        .exclude(Exists(inactive))
        .exclude(Exists(reentered))
        .exclude(Exists(open_flag))
        .exclude(Exists(recent))
        .annotate(last_contact_at=Max("contacts__occurred_at"))
        .order_by("pk")
    )


def reengagement_flags_raise(*, now: dt.datetime | None = None) -> int:
    """The nightly job (§3.8.6): flag each person with no contact within the period, once. A
    flag stays open until a contact or a change of status clears it, so a second run, or the
    same message delivered twice, flags nobody again (and the one-open-flag constraint makes
    sure of it when two runs overlap). The job acts for no member of staff: history names none,
    and the reason says it was the nightly check. Returns how many people were flagged."""
    now = now or timezone.now()
    flagged = 0
    for person in reengagement_candidates(now=now).iterator():
        flag = ReengagementFlag(person=person, flagged_at=now, last_contact_at=person.last_contact_at)
        try:
            with transaction.atomic():
                audited_save(flag, by=None, reason="Nightly re-engagement check", person_id=person.pk)
                review_trigger_handle(
                    person=person,
                    trigger=ReviewPrompt.Trigger.DISENGAGEMENT,
                    by=None,
                    detail=NO_CONTACT_FOR % {"days": reengagement_period().days},
                )
        except IntegrityError:
            continue  # flagged a moment ago by an overlapping run
        flagged += 1
    return flagged
