"""Writes for safeguarding concerns (SAF-1, §3.15). Every one checks who acts, runs in a
transaction and saves through the one audited write.

Restriction of processing (PAR-6) does not stop safeguarding: protecting the person or someone
else is the Article 18(2) exception ``common.audit`` names for it (``Exemption.VITAL_INTERESTS``),
so every write here passes it. The version check against concurrent edits (SEC-5) still applies.

A significant concern (``is_significant``: a high risk, or a child at risk) is referred to the
council (it starts "waiting for a referral to the council", §3.15.5) and notified to the council
promptly (§3.15.4) through the notifications part of this app: see ``_council_notification_raise``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import Exemption, audited_save, version_check
from partnership.access import can_raise_concern, sees_concerns, sees_every_concern
from referrals.review_triggers import ReviewTrigger, review_trigger_fire
from referrals.selectors.referrals import people_visible_to
from safeguarding.models import Concern, ConcernAction, ConcernMeeting, ConcernTransition

SAFEGUARDING = Exemption.VITAL_INTERESTS

CHILD_NOT_IN_HOUSEHOLD = _("Select a child recorded in the person's assessment")
CHILD_NEEDED = _("Select the child at risk, or add them to the assessment first")
CLOSED_CONCERN = _("This concern is closed. Reopen it to change it")
NOT_A_MOVE = _("A concern cannot move from %(from)s to %(to)s")
OUTCOME_NEEDED = _("Select the outcome before closing the concern")
REOPEN_REASON_NEEDED = _("Say why the concern is being reopened")
REFERRAL_ON_OWN_PAGE = _("Record the referral to the council on its own page, with the council's reference")
OWNER_NEEDED = _("Select who will do this, or name someone outside the service")
REFERRAL_CLOSED = _("A closed concern cannot be referred. Reopen it first")
ACTION_ALREADY_DONE = _("This action is already marked as done")

CHILD_AT_RISK = (Concern.AtRisk.CHILD_IN_HOUSEHOLD, Concern.AtRisk.OTHER_CHILD)


def is_significant(concern: Concern) -> bool:
    """§3.15.4: a significant safeguarding incident is notified to the council. Ours: a high
    risk, or a child at risk (§3.15.5: harm to children is the Partnership's first priority)."""
    return concern.risk_level == Concern.RiskLevel.HIGH or concern.about == Concern.About.CHILD


def may_work_on(*, user, concern: Concern) -> bool:
    """The lead, on every concern; hub staff and the front door, on concerns of people they may open."""
    if sees_every_concern(user):
        return True
    return sees_concerns(user) and people_visible_to(user=user).filter(pk=concern.person_id).exists()


def _require(user, concern: Concern) -> None:
    if not may_work_on(user=user, concern=concern):
        raise PermissionDenied


def _transition(concern: Concern, *, from_status: str, by, reason: str = "") -> None:
    ConcernTransition.objects.create(
        concern=concern,
        from_status=from_status,
        to_status=concern.status,
        at=timezone.now(),
        by=by,
        reason=reason[:500],
    )


# --- The hook into notifications (helper B's part of issue 11) ---------------------------------


def _council_notification_raise(*, concern: Concern, by):
    """The notification to the council of a significant concern (§3.15.4): to the person's
    council of residence, or both councils when it is not known or outside the area; the clock
    starts when the concern became significant. A duty whoever recorded the concern."""
    from safeguarding.services_notifications import notification_raise

    return notification_raise(
        kind="safeguarding",
        subject=concern,
        councils=None,
        starts_at=concern.significant_since or timezone.now(),
        by=by,
        as_duty=True,
    )


def _check_child(*, person, at_risk: str, child) -> None:
    if at_risk == Concern.AtRisk.CHILD_IN_HOUSEHOLD:
        if child is None:
            raise ValidationError({"child": CHILD_NEEDED})
        if child.person_id != person.pk:
            raise ValidationError({"child": CHILD_NOT_IN_HOUSEHOLD})


def _about(at_risk: str) -> str:
    return Concern.About.CHILD if at_risk in CHILD_AT_RISK else Concern.About.ADULT


@transaction.atomic
def concern_raise(
    *, person, by, category: str, at_risk: str, risk_level: str, summary: str, child=None, at_risk_detail: str = ""
) -> Concern:
    """SAF-1: a new concern. It puts an alert on the person's identity bar, prompts a review of
    their plan (PLN-2, §3.4.2) and, when significant, waits for a referral to the council."""
    if not can_raise_concern(by):
        raise PermissionDenied
    _check_child(person=person, at_risk=at_risk, child=child)
    concern = Concern(
        person=person,
        about=_about(at_risk),
        category=category,
        at_risk=at_risk,
        child=child if at_risk == Concern.AtRisk.CHILD_IN_HOUSEHOLD else None,
        at_risk_detail=at_risk_detail,
        risk_level=risk_level,
        summary=summary,
        raised_at=timezone.now(),
        raised_by=by,
    )
    # §3.15.5: a significant concern goes to the council's safeguarding team.
    significant = is_significant(concern)
    concern.status = Concern.Status.AWAITING_REFERRAL if significant else Concern.Status.RAISED
    concern.significant_since = concern.raised_at if significant else None
    audited_save(concern, by=by, reason="Safeguarding concern raised", person_id=person.pk, exemption=SAFEGUARDING)
    _transition(concern, from_status="", by=by, reason="Raised")
    review_trigger_fire(
        person=person,
        trigger=ReviewTrigger.SAFEGUARDING_ALERT,
        by=by,
        detail=f"Safeguarding concern {concern.reference}",
        exemption=SAFEGUARDING,
    )
    if significant:
        _council_notification_raise(concern=concern, by=by)
    return concern


@transaction.atomic
def concern_update(
    *,
    concern: Concern,
    by,
    category: str,
    at_risk: str,
    risk_level: str,
    summary: str,
    child=None,
    at_risk_detail: str = "",
    expected_version=None,
) -> Concern:
    """Change what is known about an open concern (who is at risk, the category, the risk)."""
    _require(by, concern)
    version_check(concern, expected_version)
    if not concern.is_open:
        raise ValidationError(CLOSED_CONCERN)
    _check_child(person=concern.person, at_risk=at_risk, child=child)
    concern.category, concern.at_risk, concern.risk_level, concern.summary = category, at_risk, risk_level, summary
    concern.about = _about(at_risk)
    concern.child = child if at_risk == Concern.AtRisk.CHILD_IN_HOUSEHOLD else None
    concern.at_risk_detail = at_risk_detail
    newly_significant = concern.significant_since is None and is_significant(concern)
    if newly_significant:
        concern.significant_since = timezone.now()
    audited_save(
        concern, by=by, reason="Safeguarding concern changed", person_id=concern.person_id, exemption=SAFEGUARDING
    )
    if newly_significant:
        _council_notification_raise(concern=concern, by=by)
    return concern


@transaction.atomic
def concern_move(
    *,
    concern: Concern,
    by,
    to_status: str,
    reason: str = "",
    outcome: str = "",
    outcome_note: str = "",
    expected_version=None,
) -> Concern:
    """Move a concern along ``Concern.TRANSITIONS``, with a transition row. Closing needs an
    outcome; reopening a reason; a referral to the council has its own page (its reference)."""
    _require(by, concern)
    version_check(concern, expected_version)
    if not concern.may_move_to(to_status):
        raise ValidationError(
            NOT_A_MOVE % {"from": concern.get_status_display(), "to": Concern.Status(to_status).label},
            code="transition",
        )
    if to_status == Concern.Status.REFERRED:
        raise ValidationError(REFERRAL_ON_OWN_PAGE, code="transition")
    if to_status == Concern.Status.CLOSED and not outcome:
        raise ValidationError({"outcome": OUTCOME_NEEDED})
    reopening = concern.status == Concern.Status.CLOSED
    if reopening and not reason.strip():
        raise ValidationError({"reason": REOPEN_REASON_NEEDED})
    from_status = concern.status
    concern.status = to_status
    if to_status == Concern.Status.CLOSED:
        concern.outcome, concern.outcome_note = outcome, outcome_note
        concern.closed_at, concern.closed_by = timezone.now(), by
    elif reopening:
        concern.outcome, concern.outcome_note, concern.closed_at, concern.closed_by = "", "", None, None
    audited_save(
        concern,
        by=by,
        reason=f"Status: {Concern.Status(to_status).label}",
        person_id=concern.person_id,
        exemption=SAFEGUARDING,
    )
    _transition(concern, from_status=from_status, by=by, reason=reason or outcome)
    return concern


@transaction.atomic
def concern_council_referral_record(
    *, concern: Concern, by, council: str, council_reference: str, referred_on, expected_version=None
) -> Concern:
    """§3.15.5: the referral to the council's safeguarding team, with the council's reference.
    Recorded again, it corrects the details (the version check keeps two people's edits apart)."""
    _require(by, concern)
    version_check(concern, expected_version)
    if not concern.is_open:
        raise ValidationError(REFERRAL_CLOSED)
    from_status = concern.status
    concern.council, concern.council_reference, concern.referred_on = council, council_reference, referred_on
    concern.status = Concern.Status.REFERRED
    audited_save(concern, by=by, reason="Referred to the council", person_id=concern.person_id, exemption=SAFEGUARDING)
    if from_status != Concern.Status.REFERRED:
        _transition(concern, from_status=from_status, by=by, reason=f"Council reference {council_reference}")
    return concern


@transaction.atomic
def concern_action_add(
    *, concern: Concern, by, description: str, due_on, owner=None, owner_other: str = ""
) -> ConcernAction:
    """An action agreed to keep someone safe: who does it (a member of staff, or someone outside
    the service) and by when."""
    _require(by, concern)
    if owner is None and not owner_other.strip():
        raise ValidationError({"owner": OWNER_NEEDED})
    action = ConcernAction(
        concern=concern,
        description=description,
        owner=owner,
        owner_other="" if owner is not None else owner_other.strip(),
        due_on=due_on,
        created_at=timezone.now(),
        created_by=by,
    )
    audited_save(
        action, by=by, reason="Safeguarding action agreed", person_id=concern.person_id, exemption=SAFEGUARDING
    )
    return action


@transaction.atomic
def concern_action_done(*, action: ConcernAction, by, expected_version=None) -> ConcernAction:
    _require(by, action.concern)
    version_check(action, expected_version)
    if action.done_at is not None:
        raise ValidationError(ACTION_ALREADY_DONE)
    action.done_at, action.done_by = timezone.now(), by
    audited_save(
        action, by=by, reason="Safeguarding action done", person_id=action.concern.person_id, exemption=SAFEGUARDING
    )
    return action


@transaction.atomic
def concern_meeting_record(
    *, concern: Concern, by, kind: str, held_on, attendees: str, decisions: str
) -> ConcernMeeting:
    """§3.15.5: a strategy meeting, case conference, MASH discussion or other multi-agency
    meeting: who attended and what was decided."""
    _require(by, concern)
    meeting = ConcernMeeting(
        concern=concern,
        kind=kind,
        held_on=held_on,
        attendees=attendees,
        decisions=decisions,
        recorded_at=timezone.now(),
        recorded_by=by,
    )
    audited_save(
        meeting, by=by, reason="Multi-agency meeting recorded", person_id=concern.person_id, exemption=SAFEGUARDING
    )
    return meeting
