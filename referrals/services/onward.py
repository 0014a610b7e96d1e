"""Onward referrals to other services (PAR-4, §3.19.4) and what came of them. Sending the
person's details is a disclosure with its lawful basis (PAR-5, §3.16.6, §3.24.2).

As in ``referrals.services.referrals``: keyword-only, told who acts, permission checked here as
well as in the view, one transaction, history with the acting user and a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from common.audit import ExpectedVersion, audited_save, version_check
from referrals import rules
from referrals.models import Consent, Disclosure, OnwardReferral, Referral
from referrals.review_triggers import ReviewTrigger, review_trigger_fire
from referrals.selectors.consent import consents_for_person, current_consents
from referrals.services.consent import disclosure_record
from referrals.services.treatment import _date, _require_referral_access

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Messages (constants so tests can assert them) -----------------------------------------

ONWARD_ORGANISATION_REQUIRED = gettext_lazy("Enter the name of the organisation")
ONWARD_SENT_IN_FUTURE = gettext_lazy("The date of the referral must be today or in the past")
ONWARD_NO_PERSON = gettext_lazy("Link this referral to a person record before sharing their details")
ONWARD_NO_BASIS = gettext_lazy(
    "Choose the consent or other lawful basis for sharing the person's details. If there is none, "
    "record it under “Consent and sharing” first, or do not share their details."
)
ONWARD_OUTCOME_REQUIRED = gettext_lazy("Select the outcome of the referral")
ONWARD_OUTCOME_IN_FUTURE = gettext_lazy("The outcome date must be today or in the past")
# The detail of the plan review prompt an outcome raises (PLN-2): the service and the outcome.
ONWARD_OUTCOME_PROMPT = "Onward referral (%(service)s): %(outcome)s"
ONWARD_OUTCOME_BEFORE_SENT = gettext_lazy("The outcome date must be on or after the day of the referral, %(sent)s")

# Which consent records may cover a disclosure to an onward service (PAR-4, PAR-5).
ONWARD_RECIPIENTS = {
    OnwardReferral.ServiceType.GP: (Consent.Recipient.GP, Consent.Recipient.OTHER_AGENCY),
}
ONWARD_DEFAULT_RECIPIENTS = (Consent.Recipient.OTHER_AGENCY,)


# --- Onward referrals (PAR-4, §3.19.4) -----------------------------------------------------------


def onward_sharing_recipients(service_type: str) -> tuple[str, ...]:
    return ONWARD_RECIPIENTS.get(service_type, ONWARD_DEFAULT_RECIPIENTS)


@transaction.atomic
def onward_referral_record(
    *,
    referral: Referral,
    by: User,
    service_type: str,
    organisation_name: str,
    sent_at: dt.datetime | None = None,
    notes: str = "",
    share_personal_data: bool = False,
    sharing_basis: Consent | None = None,
) -> OnwardReferral:
    """Record a referral to another service. Sending the person's details is a disclosure and
    needs a recorded consent or other lawful basis covering that organisation (PAR-5)."""
    _require_referral_access(referral=referral, by=by)
    organisation_name = (organisation_name or "").strip()
    now = timezone.now()
    sent_at = sent_at or now
    errors: dict[str, list] = {}
    if not organisation_name:
        errors["organisation_name"] = [ONWARD_ORGANISATION_REQUIRED]
    if sent_at > now + rules.CLOCK_GRACE:
        errors["sent_at"] = [ONWARD_SENT_IN_FUTURE]
    person = referral.person
    if share_personal_data:
        if person is None:
            errors["share_personal_data"] = [ONWARD_NO_PERSON]
        else:
            allowed = {
                c.pk
                for c in current_consents(consents_for_person(person_id=person.pk))
                if c.allows_sharing and c.recipient in onward_sharing_recipients(service_type)
            }
            if sharing_basis is None or sharing_basis.pk not in allowed:
                errors["sharing_basis"] = [ONWARD_NO_BASIS]
    if errors:
        raise ValidationError(errors)
    onward = OnwardReferral(
        referral=referral,
        person=person,
        service_type=service_type,
        organisation_name=organisation_name[:200],
        sent_at=sent_at,
        sent_by=by,
        shared_personal_data=share_personal_data,
        sharing_basis=sharing_basis if share_personal_data else None,
        notes=(notes or "").strip()[:2000],
    )
    audited_save(onward, by=by, reason="Onward referral recorded", person_id=onward.person_id or referral.person_id)
    if share_personal_data:
        disclosure_record(
            person=person,
            by=by,
            dataset=Disclosure.Dataset.ONWARD_REFERRAL,
            lawful_basis=sharing_basis.lawful_basis,
            to_organisation_name=organisation_name,
            consent=sharing_basis,
            description=f"Referral {referral.reference}: {OnwardReferral.ServiceType(service_type).label}",
            obj=onward,
            at=sent_at,
        )
    return onward


@transaction.atomic
def onward_referral_record_outcome(
    *,
    onward_referral: OnwardReferral,
    by: User,
    outcome: str,
    outcome_on: dt.date | None = None,
    notes: str | None = None,
    expected_version: ExpectedVersion | None = None,
) -> OnwardReferral:
    """What came of an onward referral (§3.19.7): accepted, declined, no response, or the
    person decided not to go ahead."""
    _require_referral_access(referral=onward_referral.referral, by=by)
    version_check(onward_referral, expected_version)  # SEC-5
    outcome_on = outcome_on or timezone.localdate()
    errors: dict[str, list] = {}
    if outcome not in OnwardReferral.Outcome.values:
        errors["outcome"] = [ONWARD_OUTCOME_REQUIRED]
    if outcome_on > timezone.localdate():
        errors["outcome_on"] = [ONWARD_OUTCOME_IN_FUTURE]
    elif outcome_on < timezone.localdate(onward_referral.sent_at):
        errors["outcome_on"] = [ONWARD_OUTCOME_BEFORE_SENT % {"sent": _date(onward_referral.sent_at)}]
    if errors:
        raise ValidationError(errors)
    onward_referral.outcome = outcome
    onward_referral.outcome_on = outcome_on
    onward_referral.outcome_recorded_by = by
    if notes is not None:
        onward_referral.notes = notes.strip()[:2000]
    audited_save(
        onward_referral,
        by=by,
        reason="Onward referral outcome recorded",
        person_id=onward_referral.person_id or onward_referral.referral.person_id,
    )
    # PLN-2, §3.4.2: information from a partner brings the person's plan review forward.
    review_trigger_fire(
        person=onward_referral.person or onward_referral.referral.person,
        trigger=ReviewTrigger.PARTNER_INFORMATION,
        by=by,
        detail=ONWARD_OUTCOME_PROMPT
        % {
            "service": OnwardReferral.ServiceType(onward_referral.service_type).label,
            "outcome": OnwardReferral.Outcome(outcome).label,
        },
    )
    return onward_referral
