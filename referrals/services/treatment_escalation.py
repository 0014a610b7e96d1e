"""Escalation to the Treatment Service from a person's assessment (ASM-6, §3.3.5).

The same flow as a referral to Treatment made at triage (``referrals.services.treatment``): a
referral waiting to be sent, on the worklist of those not yet sent, which staff send with the
minimum dataset once a lawful basis is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from common.audit import audited_save
from partnership.access import can_share_records
from referrals.models import Person, Referral, TreatmentReferral
from referrals.selectors.referrals import referrals_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def treatment_referral_escalate(
    *, person: Person, by: User, reason_detail: str, triggers: Sequence[str] = ()
) -> TreatmentReferral | None:
    """ASM-6 (§3.3.5): an escalation trigger recorded in the person's assessment asks for a
    referral to the Treatment Service through the same flow as one made at triage: a referral
    waiting to be sent, on the person's allocated referral, which staff then send with the
    minimum dataset once a lawful basis is recorded. A waiting one gains the reason; one already
    with the Treatment Service (sent or accepted) is returned as it is, since each ERS referral
    has one referral to Treatment (§3.2.6). None when the person has no allocated referral.
    ``triggers``: the codes behind ``reason_detail`` (the assessment's), kept for reports."""
    referral = (
        Referral.objects.filter(person=person, status=Referral.Status.ALLOCATED).order_by("-received_at", "-pk").first()
    )
    if referral is None:
        return None
    # ERS staff who may share records and who can see this referral (as for any Treatment referral).
    if not can_share_records(by) or not referrals_visible_to(user=by).filter(pk=referral.pk).exists():
        raise PermissionDenied
    existing = list(referral.treatment_referrals.order_by("pk"))
    Status, Reason = TreatmentReferral.Status, TreatmentReferral.Reason
    with_treatment = next((tr for tr in existing if tr.status in (Status.SENT, Status.ACCEPTED)), None)
    if with_treatment is not None:
        return with_treatment
    waiting = next((tr for tr in existing if tr.status == Status.PENDING), None)
    detail = reason_detail[: TreatmentReferral._meta.get_field("reason_detail").max_length]
    if waiting is None:
        waiting = TreatmentReferral(referral=referral, reason=Reason.ASSESSMENT_TRIGGER, created_by=by)
        history_reason = "Escalation to the Treatment Service from the assessment"
    else:
        if Reason.ASSESSMENT_TRIGGER not in waiting.reasons:
            waiting.other_reasons = [*waiting.other_reasons, Reason.ASSESSMENT_TRIGGER]
        history_reason = "Escalation trigger added to the waiting referral to the Treatment Service"
    waiting.reason_detail = detail
    waiting.escalation_triggers = list(triggers)
    audited_save(waiting, by=by, reason=history_reason, person_id=person.pk)
    return waiting
