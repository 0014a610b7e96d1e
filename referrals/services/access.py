"""Writes about who may open a referral: restriction and break-glass (SEC-1, SEC-2).

Kept apart from ``services.py`` (which passed the 400-line mark); same rules: keyword-only,
told who acts, permission checked here, one transaction, history with the acting user.
Which grants each role holds is decided in ``referrals.services.grants``, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.audit import Exemption, ExpectedVersion, audited_save, version_check
from partnership.access import can_break_glass, can_restrict_records
from partnership.models import AccessLog
from partnership.services import access_log_record
from referrals.models import Referral

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RESTRICT_REASON_REQUIRED = _("Enter why access to this referral should be restricted")
UNRESTRICT_REASON_REQUIRED = _("Enter why the restriction is being lifted")
BREAK_GLASS_REASON_REQUIRED = _("Enter why you need to open this restricted referral")
ALREADY_RESTRICTED = _("This referral is already restricted.")
NOT_RESTRICTED = _("This referral is not restricted.")

RESTRICTION_REASON_MAX = 500
# The reason for lifting goes in the history's change reason, which holds 100 characters.
UNRESTRICT_REASON_MAX = 80
BREAK_GLASS_REASON_MAX = 500


def _reason(reason: str, message, *, max_length: int) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [message]})
    if len(reason) > max_length:
        raise ValidationError({"reason": [_("The reason must be %(max)s characters or fewer") % {"max": max_length}]})
    return reason


@transaction.atomic
def referral_restrict(
    *, referral: Referral, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Referral:
    """Restrict a referral: from now on it opens routinely only for its allocated worker, its
    hub team and the safeguarding lead; anyone else at the front door must break the glass."""
    if not can_restrict_records(by):
        raise PermissionDenied
    version_check(referral, expected_version)  # SEC-5
    reason = _reason(reason, RESTRICT_REASON_REQUIRED, max_length=RESTRICTION_REASON_MAX)
    if referral.access_restricted:
        raise ValidationError(ALREADY_RESTRICTED)
    referral.access_restricted = True
    referral.access_restricted_at = timezone.now()
    referral.access_restricted_by = by
    referral.access_restriction_reason = reason
    # Narrowing who may open a record only ever reduces processing: allowed under PAR-6.
    audited_save(
        referral, by=by, reason="Access restricted", person_id=referral.person_id, exemption=Exemption.RESTRICTION
    )
    return referral


@transaction.atomic
def referral_unrestrict(
    *, referral: Referral, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> Referral:
    """Lift a restriction. Who restricted it, when and why stay in the history."""
    if not can_restrict_records(by):
        raise PermissionDenied
    version_check(referral, expected_version)  # SEC-5
    reason = _reason(reason, UNRESTRICT_REASON_REQUIRED, max_length=UNRESTRICT_REASON_MAX)
    if not referral.access_restricted:
        raise ValidationError(NOT_RESTRICTED)
    referral.access_restricted = False
    referral.access_restricted_at = None
    referral.access_restricted_by = None
    referral.access_restriction_reason = ""
    audited_save(referral, by=by, reason=f"Restriction lifted: {reason}", person_id=referral.person_id)
    return referral


@transaction.atomic
def referral_break_glass(*, referral: Referral, by: User, reason: str) -> AccessLog:
    """Record that ``by`` opened a restricted referral outside routine access, and why.

    The caller then lets the session in (``break_glass.open_in_session``); the row written
    here is what the allocated worker sees on the referral page and the access-log search
    finds."""
    if not can_break_glass(by):
        raise PermissionDenied
    reason = _reason(reason, BREAK_GLASS_REASON_REQUIRED, max_length=BREAK_GLASS_REASON_MAX)
    if not referral.access_restricted:
        raise ValidationError(NOT_RESTRICTED)
    return access_log_record(
        user=by, action=AccessLog.Action.BREAK_GLASS, obj=referral, person_id=referral.person_id, reason=reason
    )
