"""What the person said about their experience of the single point of contact (§3.2.9).

SPOC staff record it on the referral: a coded answer the reports count, and the person's
words if they gave any. One per referral; saving again corrects it, and the history keeps
every earlier answer, who recorded it and why. Keyword-only, told who acts, permission
checked here, one transaction, saved through ``audited_save``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import ExpectedVersion, audited_save
from referrals.models import Referral, ReferralFeedback
from referrals.services.referrals import _require_front_door

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FEEDBACK_SATISFACTION_REQUIRED = gettext_lazy("Select how satisfied the person was, or ‘Prefer not to say’")
FEEDBACK_COMMENT_MAX = ReferralFeedback._meta.get_field("comment").max_length  # 2000
FEEDBACK_COMMENT_TOO_LONG = gettext_lazy("What the person said must be 2,000 characters or fewer")


def referral_feedback_get(*, referral: Referral) -> ReferralFeedback | None:
    return ReferralFeedback.objects.filter(referral=referral).select_related("recorded_by").first()


@transaction.atomic
def referral_feedback_record(
    *,
    referral: Referral,
    by: User,
    satisfaction: str,
    comment: str = "",
    expected_version: ExpectedVersion | None = None,
) -> ReferralFeedback:
    """Record, or correct, the person's feedback on their SPOC experience. ``expected_version``:
    what the form was loaded from (SEC-5)."""
    _require_front_door(by)
    comment = (comment or "").strip()
    errors: dict[str, list] = {}
    if satisfaction not in ReferralFeedback.Satisfaction.values:
        errors["satisfaction"] = [FEEDBACK_SATISFACTION_REQUIRED]
    if len(comment) > FEEDBACK_COMMENT_MAX:
        errors["comment"] = [FEEDBACK_COMMENT_TOO_LONG]
    if errors:
        raise ValidationError(errors)
    feedback = ReferralFeedback.objects.select_for_update().filter(referral=referral).first()
    reason = "Feedback corrected" if feedback is not None else "Feedback recorded"
    if feedback is None:
        feedback = ReferralFeedback(referral=referral)
    feedback.satisfaction = satisfaction
    feedback.comment = comment
    feedback.recorded_at = timezone.now()
    feedback.recorded_by = by
    audited_save(feedback, by=by, reason=reason, person_id=referral.person_id, expected_version=expected_version)
    return feedback
