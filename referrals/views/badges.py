"""GOV.UK and MOJ badge classes for a referral's priority and status and a triage's risk."""

from __future__ import annotations

from referrals.models import Referral, Triage

PRIORITY_BADGE = {
    Referral.Priority.URGENT: "moj-badge--red",
    Referral.Priority.CHILDRENS_SERVICES: "moj-badge--purple",
    Referral.Priority.ROUTINE: "moj-badge--grey",
}
STATUS_BADGE = {
    Referral.Status.RECEIVED: "moj-badge--blue",
    Referral.Status.CONTACTING: "moj-badge--blue",
    Referral.Status.IN_TRIAGE: "moj-badge--purple",
    Referral.Status.TRIAGED: "moj-badge--bright-purple",
    Referral.Status.ALLOCATED: "moj-badge--green",
    Referral.Status.CLOSED: "moj-badge--grey",
}
RISK_TAG = {
    Triage.Risk.RED: "govuk-tag--red",
    Triage.Risk.AMBER: "govuk-tag--orange",
    Triage.Risk.GREEN: "govuk-tag--green",
}


def referral_badges(referral: Referral) -> dict:
    """The badges every page headed by a referral shows."""
    return {
        "priority_badge": PRIORITY_BADGE[referral.priority],
        "status_badge": STATUS_BADGE[referral.status],
    }
