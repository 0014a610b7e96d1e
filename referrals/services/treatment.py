"""Referral to the Treatment Service with the agreed minimum dataset (PAR-3, §3.2.10): its
status, the prefilled dataset, sending it and the outcome the Treatment Service records. Every
sending of personal data is a disclosure with its lawful basis (PAR-5, §3.16.6, §3.24.2).

As in ``referrals.services.referrals``: keyword-only, told who acts, permission checked here as
well as in the view, one transaction, history with the acting user and a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import ExpectedVersion, audited_save, version_check
from partnership.access import can_share_records, membership_of, works_for_treatment_service
from partnership.models import Organisation
from referrals import rules
from referrals.models import (
    Consent,
    Disclosure,
    Referral,
    TreatmentReferral,
    TreatmentReferralTransition,
    Triage,
    WarmIntroduction,
    YesNoUnknown,
)
from referrals.review_triggers import ReviewTrigger, review_trigger_fire
from referrals.selectors.consent import consents_for_person, current_consents, sharing_basis
from referrals.selectors.referrals import referrals_visible_to
from referrals.selectors.sharing import shared_people_for
from referrals.services import grants
from referrals.services.consent import disclosure_record
from referrals.services.referrals import referral_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Messages (constants so tests can assert them) -----------------------------------------

TREATMENT_SEND_NO_BASIS = gettext_lazy(
    "This referral cannot be sent yet. The person has not agreed to share their information with the "
    "Treatment Service and no other lawful basis is recorded. Record their consent, or another lawful "
    "basis, under “Consent and sharing” first."
)
TREATMENT_SEND_NO_PERSON = gettext_lazy(
    "Link this referral to a person record before sending it to the Treatment Service."
)
TREATMENT_SEND_ALREADY_SENT = gettext_lazy("This referral to the Treatment Service has already been sent.")
TREATMENT_SEND_NOT_TREATMENT = gettext_lazy("Choose the Treatment Service to send the referral to.")
TREATMENT_SEND_REASON_REQUIRED = gettext_lazy("Enter the reason for the referral")
TREATMENT_SEND_BAD_INTRODUCTION = gettext_lazy("Choose a warm introduction recorded on this referral")

TREATMENT_OUTCOME_NOT_SENT = gettext_lazy("This referral has not been sent to the Treatment Service.")
TREATMENT_OUTCOME_REASON_REQUIRED = gettext_lazy("Enter why the referral was not accepted")
TREATMENT_OUTCOME_DATES_NEED_ACCEPTANCE = gettext_lazy(
    "Only record a first appointment or treatment start for an accepted referral"
)
TREATMENT_START_IN_FUTURE = gettext_lazy("The treatment start date must be today or in the past")
DATE_BEFORE_SENT = gettext_lazy("The date must be on or after the day the referral was sent, %(sent)s")
TREATMENT_WITHDRAW_NOT_PENDING = gettext_lazy("Only a referral waiting to be sent can be withdrawn")
TREATMENT_WITHDRAW_REASON_REQUIRED = gettext_lazy("Select why the referral is being withdrawn")
TREATMENT_WITHDRAW_DETAIL_REQUIRED = gettext_lazy("Enter why the referral is being withdrawn")
WITHDRAWN_DETAIL_MAX = TreatmentReferral._meta.get_field("withdrawn_detail").max_length  # 500
TREATMENT_WITHDRAW_DETAIL_TOO_LONG = gettext_lazy("The reason must be 500 characters or fewer")
TREATMENT_CASE_ID_MAX = TreatmentReferral._meta.get_field("treatment_case_id").max_length  # 50
TREATMENT_CASE_ID_TOO_LONG = gettext_lazy("The Treatment Service case ID must be 50 characters or fewer")
# The detail of the plan review prompt an outcome raises (PLN-2): the outcome, never the reason.
TREATMENT_OUTCOME_PROMPT = "Treatment Service outcome: %(outcome)s"


def _require_referral_access(*, referral: Referral, by: User) -> None:
    """ERS staff who may share records and who can see this referral (services re-check what
    the view's selector already decided)."""
    if not can_share_records(by) or not referrals_visible_to(user=by).filter(pk=referral.pk).exists():
        raise PermissionDenied


def _labels(values, choices) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)) for value in values or ()]


def _staff_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _date(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day)
    return formats.date_format(day, "j F Y")


# --- Referral to the Treatment Service (PAR-3, §3.2.10) ----------------------------------------


def treatment_referral_transition(
    *, treatment_referral: TreatmentReferral, to: str, by: User, reason: str = ""
) -> None:
    if not treatment_referral.can_move_to(to):
        raise ValidationError(
            _("A referral to the Treatment Service that is “%(from)s” cannot become “%(to)s”.")
            % {"from": treatment_referral.get_status_display(), "to": TreatmentReferral.Status(to).label}
        )
    TreatmentReferralTransition.objects.create(
        treatment_referral=treatment_referral,
        from_status=treatment_referral.status,
        to_status=to,
        at=timezone.now(),
        by=by,
        reason=reason[:500],
    )
    treatment_referral.status = to


def _known(*values: str) -> str:
    """The first answer that is not "not known" (triage is asked after the referral, so wins)."""
    for value in values:
        if value and value != YesNoUnknown.UNKNOWN:
            return value
    return YesNoUnknown.UNKNOWN


def treatment_referral_prefill(*, treatment_referral: TreatmentReferral) -> dict[str, Any]:
    """The agreed minimum dataset (§3.2.10), filled from what ERS already recorded, so nobody
    types it twice and the person does not tell their story again.

    Deliberately left out: screening notes, risk notes, contact notes and escalations. They
    are ERS working notes, not part of the agreed dataset, and go to nobody by default.
    """
    referral = treatment_referral.referral
    person = referral.person
    triage = Triage.objects.filter(referral=referral).first()
    risk = triage.risk if triage else ""
    risk_reasons = list(triage.risk_reasons) if triage else []
    if risk:
        reasons = ", ".join(_labels(risk_reasons, Triage.RiskReason.choices))
        risk_summary = _("%(rating)s risk at triage") % {"rating": Triage.Risk(risk).label}
        if reasons:
            risk_summary += ": " + reasons
    else:
        risk_summary = ""
    return {
        "ers_reference": referral.reference,
        "name": person.full_name if person else referral.subject_full_name,
        "preferred_name": person.preferred_name if person else "",
        "date_of_birth": (
            (person.date_of_birth if person and person.date_of_birth else referral.subject_date_of_birth) or None
        ),
        "nhs_number": (person.nhs_number if person else "") or referral.subject_nhs_number,
        "address": (person.address if person else "") or referral.subject_address,
        "postcode": (person.postcode if person else "") or referral.subject_postcode,
        "phone": (person.phone if person else "") or referral.subject_phone,
        "substances": list((triage.substances if triage and triage.substances else referral.substances) or []),
        "risk": risk,
        "risk_reasons": risk_reasons,
        "risk_summary": risk_summary,
        "reason_for_referral": referral.reason,
        "treatment_referral_reason": treatment_referral.reason,
        # §3.2.8, §3.19.6: so the Treatment Service can meet them from the first contact.
        "communication_needs": list(referral.communication_needs or []),
        "interpreter_language": referral.interpreter_language,
        "communication_needs_other": referral.communication_needs_other,
        "pregnant": _known(triage.pregnant if triage else "", referral.pregnant),
        "open_to_childrens_services": (
            YesNoUnknown.YES
            if rules.childrens_services_involved(source=referral.source, open_to_childrens_services="")
            else _known(triage.open_to_childrens_services if triage else "", referral.open_to_childrens_services)
        ),
    }


def _ers_contact(referral: Referral, by: User) -> str:
    # ERS support carries on during and after treatment (§1.1.6, §3.19.3): say who to call.
    if referral.allocated_worker_id and referral.hub_id:
        return _("%(name)s, %(hub)s hub") % {"name": _staff_name(referral.allocated_worker), "hub": referral.hub.name}
    return _staff_name(by)


@transaction.atomic
def treatment_referral_send(
    *,
    treatment_referral: TreatmentReferral,
    by: User,
    organisation: Organisation | None,
    consent: Consent | None,
    reason_for_referral: str | None = None,
    risk_summary: str | None = None,
    warm_introduction: WarmIntroduction | None = None,
    expected_version: ExpectedVersion | None = None,
) -> TreatmentReferral:
    """Send a pending referral to the Treatment Service with the agreed minimum dataset.

    Refused without the person's consent to share with the Treatment Service or another
    recorded lawful basis (§3.16.2). Sending grants the Treatment organisation access to the
    person (``referrals.services.grants``), keeps the dataset as sent, logs the disclosure (PAR-5)
    and moves the referral PENDING to SENT. The ERS referral stays open and allocated.
    """
    referral = treatment_referral.referral
    _require_referral_access(referral=referral, by=by)
    treatment_referral = TreatmentReferral.objects.select_for_update().get(pk=treatment_referral.pk)
    treatment_referral.referral = referral
    version_check(treatment_referral, expected_version)  # SEC-5
    if treatment_referral.status != TreatmentReferral.Status.PENDING:
        raise ValidationError(TREATMENT_SEND_ALREADY_SENT)
    person = referral.person
    if person is None:
        raise ValidationError(TREATMENT_SEND_NO_PERSON)

    errors: dict[str, list] = {}
    consents = list(consents_for_person(person_id=person.pk))
    current = sharing_basis(consents, recipient=Consent.Recipient.TREATMENT)
    if consent is None or current is None or consent.pk not in {c.pk for c in current_consents(consents)}:
        errors["consent"] = [TREATMENT_SEND_NO_BASIS]
    else:
        consent = next(c for c in consents if c.pk == consent.pk)
        if consent.recipient != Consent.Recipient.TREATMENT or not consent.allows_sharing:
            errors["consent"] = [TREATMENT_SEND_NO_BASIS]
    if organisation is None or organisation.kind != Organisation.Kind.TREATMENT:
        errors["organisation"] = [TREATMENT_SEND_NOT_TREATMENT]
    if warm_introduction is not None and warm_introduction.referral_id != referral.pk:
        errors["warm_introduction"] = [TREATMENT_SEND_BAD_INTRODUCTION]
    dataset = treatment_referral_prefill(treatment_referral=treatment_referral)
    if reason_for_referral is not None:
        dataset["reason_for_referral"] = reason_for_referral.strip()
    if risk_summary is not None:
        dataset["risk_summary"] = risk_summary.strip()
    if not dataset["reason_for_referral"]:
        errors["reason_for_referral"] = [TREATMENT_SEND_REASON_REQUIRED]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    dataset.update(
        {
            "date_of_birth": dataset["date_of_birth"].isoformat() if dataset["date_of_birth"] else "",
            "lawful_basis": consent.lawful_basis,
            "consent_given": consent.given,
            "consent_recorded_on": timezone.localdate(consent.recorded_at).isoformat(),
            "ers_contact": _ers_contact(referral, by),
            "sent_by": _staff_name(by),
            "warm_introduction": (
                _("%(who)s, %(organisation)s, on %(when)s")
                % {
                    "who": warm_introduction.introduced_to,
                    "organisation": warm_introduction.organisation,
                    "when": _date(warm_introduction.introduced_at),
                }
                if warm_introduction
                else ""
            ),
        }
    )
    treatment_referral.organisation = organisation
    treatment_referral.sharing_basis = consent
    treatment_referral.dataset = dataset
    treatment_referral.sent_at = now
    treatment_referral.sent_by = by
    treatment_referral.warm_introduction = warm_introduction
    treatment_referral_transition(
        treatment_referral=treatment_referral, to=TreatmentReferral.Status.SENT, by=by, reason="Sent"
    )
    audited_save(
        treatment_referral,
        by=by,
        reason="Sent to the Treatment Service",
        person_id=treatment_referral.referral.person_id,
    )
    _close_if_treatment_only(referral=referral, by=by, at=now)
    grants.share_person_with_organisation(
        person=person,
        organisation=organisation,
        by=by,
        reason=f"Referral to the Treatment Service ({referral.reference})",
    )
    disclosure_record(
        person=person,
        by=by,
        dataset=Disclosure.Dataset.TREATMENT_REFERRAL,
        lawful_basis=consent.lawful_basis,
        to_organisation=organisation,
        consent=consent,
        description=f"Referral {referral.reference}: {TreatmentReferral.Reason(treatment_referral.reason).label}",
        obj=treatment_referral,
        at=now,
    )
    return treatment_referral


def _close_if_treatment_only(
    *, referral: Referral, by: User, at: dt.datetime, why: str = "Sent to the Treatment Service"
) -> None:
    """A referral triaged "Refer to the Treatment Service" waits, triaged, until its referral to
    the Treatment Service is sent or withdrawn; either finishes ERS's part, so it closes."""
    triage = Triage.objects.filter(referral=referral).first()
    if (
        referral.status != Referral.Status.TRIAGED
        or triage is None
        or triage.outcome != Triage.Outcome.TREATMENT
        or referral.has_pending_treatment_referral()
    ):
        return
    referral_transition(referral=referral, to=Referral.Status.CLOSED, by=by, reason=why, at=at)
    audited_save(referral, by=by, reason=f"Closed: {why[:1].lower()}{why[1:]}", person_id=referral.person_id)


@transaction.atomic
def treatment_referral_withdraw(
    *,
    treatment_referral: TreatmentReferral,
    by: User,
    because: str,
    detail: str = "",
    expected_version: ExpectedVersion | None = None,
) -> TreatmentReferral:
    """Withdraw one waiting to be sent, by hand, with a coded reason (the person declined, say):
    nothing is left waiting with no one meaning to send it (§3.2.6). A later screening change
    never reinstates it. A referral triaged "Refer to the Treatment Service" then closes: ERS's
    part is done (reopen triage to offer ERS support instead)."""
    referral = treatment_referral.referral
    _require_referral_access(referral=referral, by=by)
    treatment_referral = TreatmentReferral.objects.select_for_update().get(pk=treatment_referral.pk)
    treatment_referral.referral = referral
    version_check(treatment_referral, expected_version)  # SEC-5
    if treatment_referral.status != TreatmentReferral.Status.PENDING:
        raise ValidationError(TREATMENT_WITHDRAW_NOT_PENDING)
    detail = " ".join((detail or "").split())
    errors: dict[str, list] = {}
    if because not in TreatmentReferral.WITHDRAWN_BY_HAND:
        errors["because"] = [TREATMENT_WITHDRAW_REASON_REQUIRED]
    elif because == TreatmentReferral.Withdrawal.OTHER and not detail:
        errors["detail"] = [TREATMENT_WITHDRAW_DETAIL_REQUIRED]
    if len(detail) > WITHDRAWN_DETAIL_MAX:
        errors["detail"] = [TREATMENT_WITHDRAW_DETAIL_TOO_LONG]
    if errors:
        raise ValidationError(errors)
    label = str(TreatmentReferral.Withdrawal(because).label)
    why = f"{label}: {detail}" if detail else label
    treatment_referral_transition(
        treatment_referral=treatment_referral, to=TreatmentReferral.Status.WITHDRAWN, by=by, reason=why
    )
    treatment_referral.withdrawn_because = because
    treatment_referral.withdrawn_detail = detail
    audited_save(
        treatment_referral,
        by=by,
        reason=f"Referral to the Treatment Service withdrawn: {label}",
        person_id=referral.person_id,
    )
    _close_if_treatment_only(
        referral=referral, by=by, at=timezone.now(), why="Referral to the Treatment Service withdrawn"
    )
    return treatment_referral


def _require_treatment_access(*, treatment_referral: TreatmentReferral, by: User) -> None:
    """Only a practitioner of the Treatment organisation it was sent to, while the person is
    shared with them (consent withdrawn means no access, at once)."""
    membership = membership_of(by)
    person_id = treatment_referral.referral.person_id
    if (
        not works_for_treatment_service(by)
        or membership.organisation_id != treatment_referral.organisation_id
        or person_id is None
        or not shared_people_for(user=by).filter(pk=person_id).exists()
    ):
        raise PermissionDenied


@transaction.atomic
def treatment_referral_record_outcome(
    *,
    treatment_referral: TreatmentReferral,
    by: User,
    accepted: bool,
    reason: str = "",
    first_appointment_on: dt.date | None = None,
    treatment_started_on: dt.date | None = None,
    treatment_case_id: str = "",
    expected_version: ExpectedVersion | None = None,
) -> TreatmentReferral:
    """The Treatment Service records what happened (§3.19.7, TH KPI 5): accepted or not (with
    the reason), the first appointment, when treatment started and its own case ID (TH KPI
    5a), so both services can match their records. Both services see it; only the Treatment
    Service records it."""
    _require_treatment_access(treatment_referral=treatment_referral, by=by)
    locked = TreatmentReferral.objects.select_for_update().get(pk=treatment_referral.pk)
    locked.referral = treatment_referral.referral
    treatment_referral = locked
    version_check(treatment_referral, expected_version)  # SEC-5
    if treatment_referral.status not in TreatmentReferral.SENT_STATUSES:
        raise ValidationError(TREATMENT_OUTCOME_NOT_SENT)
    reason = (reason or "").strip()
    sent_on = timezone.localdate(treatment_referral.sent_at)
    errors: dict[str, list] = {}
    if not accepted and not reason:
        errors["reason"] = [TREATMENT_OUTCOME_REASON_REQUIRED]
    if not accepted and (first_appointment_on or treatment_started_on):
        errors["first_appointment_on" if first_appointment_on else "treatment_started_on"] = [
            TREATMENT_OUTCOME_DATES_NEED_ACCEPTANCE
        ]
    # A first appointment may be booked ahead; treatment cannot have started in the future.
    for name, day in (("first_appointment_on", first_appointment_on), ("treatment_started_on", treatment_started_on)):
        if day is not None and day < sent_on and name not in errors:
            errors[name] = [DATE_BEFORE_SENT % {"sent": _date(sent_on)}]
    if treatment_started_on and treatment_started_on > timezone.localdate() and "treatment_started_on" not in errors:
        errors["treatment_started_on"] = [TREATMENT_START_IN_FUTURE]
    treatment_case_id = " ".join((treatment_case_id or "").split())
    if len(treatment_case_id) > TREATMENT_CASE_ID_MAX:
        errors["treatment_case_id"] = [TREATMENT_CASE_ID_TOO_LONG]
    if errors:
        raise ValidationError(errors)

    to = TreatmentReferral.Status.ACCEPTED if accepted else TreatmentReferral.Status.DECLINED
    if treatment_referral.status != to:
        treatment_referral_transition(
            treatment_referral=treatment_referral, to=to, by=by, reason=reason if not accepted else "Accepted"
        )
    treatment_referral.outcome_reason = "" if accepted else reason[:2000]
    treatment_referral.first_appointment_on = first_appointment_on if accepted else None
    treatment_referral.treatment_started_on = treatment_started_on if accepted else None
    treatment_referral.treatment_case_id = treatment_case_id
    treatment_referral.outcome_recorded_at = timezone.now()
    treatment_referral.outcome_recorded_by = by
    audited_save(
        treatment_referral,
        by=by,
        reason="Outcome recorded by the Treatment Service",
        person_id=treatment_referral.referral.person_id,
    )
    # PLN-2, §3.4.2: information from a partner brings the person's plan review forward.
    review_trigger_fire(
        person=treatment_referral.referral.person,
        trigger=ReviewTrigger.PARTNER_INFORMATION,
        by=by,
        detail=TREATMENT_OUTCOME_PROMPT % {"outcome": TreatmentReferral.Status(to).label},
    )
    return treatment_referral
