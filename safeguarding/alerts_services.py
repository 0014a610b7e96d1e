"""Drug alerts (SAF-5): issuing one, withdrawing it, and a member of staff acknowledging it.

An alert is about a substance and an area, never about a person, so restriction of processing
(PAR-6) has nothing to refuse here; the writes still go through the one audited write, so every
change names who made it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import ExpectedVersion, audited_save, version_check
from partnership.access import can_issue_drug_alerts, receives_drug_alerts
from safeguarding.alerts import forget_acknowledgements, forget_live_alerts
from safeguarding.models import DrugAlert, DrugAlertAcknowledgement, DrugAlertTransition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

EXPIRES_IN_PAST = gettext_lazy("The date the alert is shown until must be today or in the future")
NOT_LIVE = gettext_lazy("This alert has already been withdrawn")

ALERT_FIELDS = ("title", "grade", "substance", "area", "what_seen", "advice", "source", "expires_on")


@transaction.atomic
def drug_alert_issue(*, by: User, **fields) -> DrugAlert:
    """Record an alert and circulate it: from now it is on every recipient's staff pages."""
    if not can_issue_drug_alerts(by):
        raise PermissionDenied
    unknown = set(fields) - set(ALERT_FIELDS)
    if unknown:
        raise TypeError(f"Not drug alert fields: {sorted(unknown)}")
    expires_on: dt.date | None = fields.get("expires_on")
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": EXPIRES_IN_PAST})
    now = timezone.now()
    alert = DrugAlert(issued_at=now, issued_by=by, status=DrugAlert.Status.LIVE, **fields)
    audited_save(alert, by=by, reason="Drug alert issued", person_id=None)
    DrugAlertTransition.objects.create(alert=alert, from_status="", to_status=DrugAlert.Status.LIVE, at=now, by=by)
    forget_live_alerts()
    return alert


@transaction.atomic
def drug_alert_withdraw(
    *, alert: DrugAlert, by: User, reason: str, expected_version: ExpectedVersion | None = None
) -> DrugAlert:
    """Take an alert down (it was wrong, or the danger has passed): the banner goes at once."""
    if not can_issue_drug_alerts(by):
        raise PermissionDenied
    version_check(alert, expected_version)
    if not alert.can_move_to(DrugAlert.Status.WITHDRAWN):
        raise ValidationError(NOT_LIVE, code="not_live")
    now = timezone.now()
    DrugAlertTransition.objects.create(
        alert=alert, from_status=alert.status, to_status=DrugAlert.Status.WITHDRAWN, at=now, by=by, reason=reason[:500]
    )
    alert.status = DrugAlert.Status.WITHDRAWN
    alert.withdrawn_at = now
    alert.withdrawn_by = by
    alert.withdrawn_reason = reason[:500]
    audited_save(alert, by=by, reason="Drug alert withdrawn", person_id=None)
    forget_live_alerts()
    return alert


@transaction.atomic
def drug_alert_acknowledge(*, alert: DrugAlert, by: User) -> DrugAlertAcknowledgement:
    """``by`` has read the alert: recorded once (a second press finds the first)."""
    if not receives_drug_alerts(by):
        raise PermissionDenied
    existing = DrugAlertAcknowledgement.objects.filter(alert=alert, user=by).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            acknowledgement = DrugAlertAcknowledgement.objects.create(
                alert=alert, user=by, acknowledged_at=timezone.now()
            )
    except IntegrityError:
        return DrugAlertAcknowledgement.objects.get(alert=alert, user=by)
    forget_acknowledgements(by.pk)
    return acknowledgement
