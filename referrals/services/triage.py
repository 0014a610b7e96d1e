"""Contact, screening, the triage outcome, escalations and warm introductions (REF-6 to
REF-9): the front door's work on a referral before allocation.

As in ``referrals.services.referrals``: keyword-only, told who acts, permission checked here,
one transaction, history with the acting user and a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import Exemption, ExpectedVersion, audited_save, version_check
from partnership.models import Council
from referrals import places, rules
from referrals.models import ContactAttempt, Escalation, Referral, TreatmentReferral, Triage, WarmIntroduction
from referrals.services.referrals import _require_front_door, _take_if_unassigned, referral_transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# --- Contact and triage (REF-6 to REF-9) -----------------------------------------------


@transaction.atomic
def contact_attempt_record(
    *, referral: Referral, by: User, attempted_at: dt.datetime, method: str, outcome: str, notes: str = ""
) -> ContactAttempt:
    _require_front_door(by)
    if attempted_at > timezone.now() + rules.CLOCK_GRACE:
        raise ValidationError(_("The time of a contact attempt cannot be in the future."))
    if attempted_at < referral.received_at - rules.CLOCK_GRACE:
        raise ValidationError(_("A contact attempt cannot be before the referral was received."))
    # Forms give times to the minute, so "now" can read a few seconds before a referral that
    # has only just arrived; a KPI must never come out negative (REF-9).
    attempted_at = max(attempted_at, referral.received_at)
    attempt = ContactAttempt(
        referral=referral, attempted_at=attempted_at, method=method, outcome=outcome, notes=notes, by=by
    )
    audited_save(attempt, by=by, reason="Contact attempt recorded", person_id=referral.person_id)

    # REF-9: the earliest attempt and the earliest successful contact are the KPI times.
    if referral.first_contact_attempt_at is None or attempted_at < referral.first_contact_attempt_at:
        referral.first_contact_attempt_at = attempted_at
    made = outcome == ContactAttempt.Outcome.MADE_CONTACT
    if made and (referral.first_contact_made_at is None or attempted_at < referral.first_contact_made_at):
        referral.first_contact_made_at = attempted_at
    if made and referral.can_move_to(Referral.Status.IN_TRIAGE):
        referral_transition(referral=referral, to=Referral.Status.IN_TRIAGE, by=by, reason="Contact made")
    elif referral.status == Referral.Status.RECEIVED:
        referral_transition(referral=referral, to=Referral.Status.CONTACTING, by=by, reason="Contact attempted")
    _take_if_unassigned(referral, by)
    audited_save(referral, by=by, reason="Contact attempt recorded", person_id=referral.person_id)
    return attempt


TRIAGE_SCREENING_FIELDS = frozenset(
    {
        "substances",
        "cared_for_substances",
        # Asked only when the postcode cannot tell (referrals.places); saved on the referral
        # and the person, and the triage's "lives in the area" is derived from it.
        "council_of_residence",
        "under_18_commissioner_agreement",
        "commissioner_agreement_reference",
        "pregnant",
        "open_to_childrens_services",
        "mental_health_concern",
        "homeless",
        "screening_notes",
        "risk",
        "risk_reasons",
        "risk_notes",
    }
)


def _triage_for(referral: Referral, by: User) -> Triage:
    try:
        return referral.triage
    except Triage.DoesNotExist:
        return Triage(
            referral=referral,
            started_by=by,
            substances=list(referral.substances),
            cared_for_substances=list(referral.cared_for_substances),
            pregnant=referral.pregnant,
            open_to_childrens_services=referral.open_to_childrens_services,
        )


def referral_council(referral: Referral) -> str:
    """The council the person lives in: as recorded on the referral, else on the person, else
    derived from the postcode we hold (``referrals.places``); "" when none of them can tell."""
    person = referral.person if referral.person_id else None
    if referral.council_of_residence:
        return referral.council_of_residence
    if person is not None and person.council_of_residence:
        return person.council_of_residence
    postcode = (person.postcode if person is not None else "") or referral.subject_postcode
    return places.council_for_postcode(postcode)


def triage_eligibility(*, referral: Referral, triage: Triage) -> rules.Eligibility:
    person_dob = referral.person.date_of_birth if referral.person_id else None
    dob = person_dob or referral.subject_date_of_birth
    return rules.assess_eligibility(
        age=rules.age_on(dob, timezone.localdate()),
        # Derived from the council of residence; Triage.lives_in_area keeps it for history.
        lives_in_area=rules.lives_in_area_from_council(referral_council(referral)),
        substances=triage.substances,
        under_18_commissioner_agreement=triage.under_18_commissioner_agreement,
        support_for=referral.support_for,
        cared_for_substances=triage.cared_for_substances,
    )


AUTOMATIC_REASONS = frozenset({TreatmentReferral.Reason.PREGNANT, TreatmentReferral.Reason.CHILDRENS_SERVICES})


def treatment_referrals_sync(
    *, referral: Referral, triage: Triage, by: User, outcome_closes: str = ""
) -> TreatmentReferral | None:
    """Keep one referral to the Treatment Service per referral, with every reason that holds
    (REF-7, §3.2.11, §3.2.6 "without unnecessary delay"). Called whenever screening or the
    outcome changes; returns the one waiting to be sent, if any.

    - The reasons wanted: pregnancy and Children's Services (automatic, §3.2.11), and the
      triage outcome once it says "refer to the Treatment Service". A reason a referral
      already sent covers is not asked again.
    - One waiting to be sent gains any new reason instead of a second being made; a withdrawn
      one is reinstated rather than a new one made.
    - An automatic reason that no longer holds (screening corrected: pregnant or open to
      Children's Services changed from yes to no) is dropped; a referral with no reason left
      is withdrawn, with a transition row and history. The triage outcome is never dropped
      here: only reopening and a new outcome change that.
    - ``outcome_closes``: the triage outcome closes the referral without ERS or Treatment work
      (not eligible, unable to contact), so one still waiting is withdrawn with that reason.
    """
    from referrals.services.treatment import treatment_referral_transition

    Status = TreatmentReferral.Status
    existing = list(referral.treatment_referrals.order_by("pk"))
    pending = next((tr for tr in existing if tr.status == Status.PENDING), None)
    # Sent ones cover their reasons; so do ones a practitioner withdrew by hand, with a reason
    # (the person declined, say): a later screening change never quietly reinstates those.
    covered = {
        r for tr in existing if tr.status in TreatmentReferral.SENT_STATUSES or tr.withdrawn_by_hand for r in tr.reasons
    }
    wanted = list(
        rules.automatic_treatment_reasons(
            pregnant=triage.pregnant,
            open_to_childrens_services=triage.open_to_childrens_services,
            source=referral.source,
            support_for=referral.support_for,
        )
    )
    if triage.outcome in Triage.TREATMENT_OUTCOMES or (
        pending is not None and TreatmentReferral.Reason.TRIAGE_OUTCOME in pending.reasons
    ):
        wanted.append(TreatmentReferral.Reason.TRIAGE_OUTCOME)
    # ASM-6: an escalation from the person's assessment is not screening's to drop.
    if pending is not None and TreatmentReferral.Reason.ASSESSMENT_TRIGGER in pending.reasons:
        wanted.append(TreatmentReferral.Reason.ASSESSMENT_TRIGGER)
    wanted = [reason for reason in wanted if reason not in covered]
    if outcome_closes:
        wanted = []

    if not wanted:
        if pending is not None:
            why = outcome_closes or "The reason for it no longer applies: screening corrected"
            treatment_referral_transition(treatment_referral=pending, to=Status.WITHDRAWN, by=by, reason=why)
            pending.withdrawn_because = (
                TreatmentReferral.Withdrawal.REFERRAL_CLOSED
                if outcome_closes
                else TreatmentReferral.Withdrawal.REASON_GONE
            )
            audited_save(
                pending,
                by=by,
                reason=f"Referral to the Treatment Service withdrawn: {why}",
                person_id=referral.person_id,
            )
        return None

    if pending is None:
        withdrawn = next(
            (tr for tr in reversed(existing) if tr.status == Status.WITHDRAWN and not tr.withdrawn_by_hand), None
        )
        if withdrawn is not None:
            pending = withdrawn
            treatment_referral_transition(treatment_referral=pending, to=Status.PENDING, by=by, reason="Reinstated")
            pending.withdrawn_because = ""
            history_reason = "Referral to the Treatment Service reinstated"
        else:
            pending = TreatmentReferral(referral=referral, reason=wanted[0], created_by=by)
            history_reason = (
                "Automatic referral to the Treatment Service"
                if wanted[0] in AUTOMATIC_REASONS
                else "Referred to the Treatment Service at triage"
            )
        before = None
    else:
        before = pending.reasons
        history_reason = "Reasons for the referral to the Treatment Service updated"
    # Keep the reasons that still hold in their order, then add the new ones.
    reasons = [r for r in (pending.reasons if pending.pk else []) if r in wanted]
    reasons += [r for r in wanted if r not in reasons]
    if before is not None and reasons == before:
        return pending
    pending.reason, pending.other_reasons = reasons[0], reasons[1:]
    pending.automatic = any(r in AUTOMATIC_REASONS for r in reasons)
    audited_save(pending, by=by, reason=history_reason, person_id=referral.person_id)
    return pending


def _record_council(*, referral: Referral, council: str, by: User) -> None:
    """The council staff gave at screening, on the referral and on the person (if linked)."""
    if council and council not in Council.values:
        raise ValidationError({"council_of_residence": [_("Select a council from the list.")]})
    if referral.council_of_residence != council:
        referral.council_of_residence = council
        audited_save(referral, by=by, reason="Council of residence recorded", person_id=referral.person_id)
    person = referral.person if referral.person_id else None
    if person is not None and council and person.council_of_residence != council:
        person.council_of_residence = council
        audited_save(person, by=by, reason="Council of residence recorded", person_id=person.pk)


@transaction.atomic
def triage_save_screening(
    *, referral: Referral, by: User, expected_version: ExpectedVersion | None = None, **fields: Any
) -> Triage:
    """Save screening and initial risk; may be saved many times before the outcome.
    ``expected_version``: what the form was loaded from (SEC-5)."""
    _require_front_door(by)
    unknown = set(fields) - TRIAGE_SCREENING_FIELDS
    if unknown:
        raise ValueError(f"Not screening fields: {sorted(unknown)}")
    if not referral.allows(Referral.Step.SCREENING):
        raise ValidationError(_("Triage is finished for this referral. Reopen it to change the screening."))
    triage = _triage_for(referral, by)
    priority_before = _triage_priority(referral, triage)
    if "council_of_residence" in fields:
        _record_council(referral=referral, council=fields.pop("council_of_residence"), by=by)
    for name, value in fields.items():
        setattr(triage, name, value)
    triage.lives_in_area = rules.lives_in_area_from_council(referral_council(referral))
    if triage.risk != Triage.Risk.GREEN and triage.risk and not (triage.risk_reasons or triage.risk_notes):
        raise ValidationError(_("Give the reasons for a red or amber risk rating."))
    audited_save(
        triage, by=by, reason="Screening saved", person_id=referral.person_id, expected_version=expected_version
    )
    treatment_referrals_sync(referral=referral, triage=triage, by=by)
    reasons = []
    moved = referral.status in (Referral.Status.RECEIVED, Referral.Status.CONTACTING)
    if moved:
        referral_transition(referral=referral, to=Referral.Status.IN_TRIAGE, by=by, reason="Triage started")
        reasons.append("Triage started")
    if moved or referral.assigned_to_id is None:
        _take_if_unassigned(referral, by)
        reasons.append("Triage started")
    raised = rules.raised_priority(
        current=referral.priority, before=priority_before, after=_triage_priority(referral, triage)
    )
    if raised != referral.priority:
        referral.priority = raised
        reasons.append(f"Priority raised to {Referral.Priority(raised).label} by what screening recorded")
    if reasons:
        audited_save(referral, by=by, reason="; ".join(dict.fromkeys(reasons)), person_id=referral.person_id)
    return triage


# §3.2.11: pregnancy or an open Children's Services case means an automatic Treatment referral.
def _triage_priority(referral: Referral, triage: Triage) -> int:
    return rules.triage_priority(
        source=referral.source, open_to_childrens_services=triage.open_to_childrens_services, risk=triage.risk
    )


OUTCOME_NEEDS_TREATMENT = gettext_lazy(
    "This person is pregnant or open to Children's Services, so they must be referred to the "
    "Treatment Service. Choose “Refer to the Treatment Service” or “ERS support and refer "
    "to the Treatment Service”."
)
OUTCOME_NOT_ELIGIBLE_MISMATCH = gettext_lazy("The screening shows this person is not eligible: %(reasons)s")
OUTCOME_CARER_ONLY = gettext_lazy(
    "Family and carer support is for someone asking for support in their caring role. "
    "This referral is for the person's own alcohol or drug use."
)
OUTCOME_NOT_FOR_CARER = gettext_lazy(
    "This person is asking for support as a family member, friend or carer. Choose “Accept for family "
    "and carer support”, signpost them, or record them as not eligible. If they want help with their "
    "own alcohol or drug use, record a new referral for that."
)
OUTCOME_REASON_REQUIRED = gettext_lazy("Give the reason for this outcome.")
OUTCOME_SIGNPOST_REQUIRED = gettext_lazy("Say where the person was signposted to.")


@transaction.atomic
def triage_complete(
    *,
    referral: Referral,
    by: User,
    outcome: str,
    outcome_reason: str = "",
    signposted_to: str = "",
    expected_version: ExpectedVersion | None = None,
) -> Triage:
    """Record the triage outcome (REF-7) and move the referral on."""
    _require_front_door(by)
    triage = _triage_for(referral, by)
    # SEC-5: first, so an outcome recorded meanwhile is shown rather than "already triaged".
    version_check(triage, expected_version)
    if not referral.allows(Referral.Step.OUTCOME):
        raise ValidationError(_("This referral has already been triaged."))
    errors: dict[str, list] = {}
    if outcome == Triage.Outcome.UNABLE_TO_CONTACT:
        if referral.first_contact_attempt_at is None:
            errors["outcome"] = [_("Record at least one contact attempt before closing as unable to contact.")]
    else:
        if triage.pk is None:
            errors["outcome"] = [_("Save the screening before recording the outcome.")]
        else:
            eligibility = triage_eligibility(referral=referral, triage=triage)
            auto = rules.automatic_treatment_reasons(
                pregnant=triage.pregnant,
                open_to_childrens_services=triage.open_to_childrens_services,
                source=referral.source,
                support_for=referral.support_for,
            )
            if outcome == Triage.Outcome.CARER_SUPPORT and not referral.is_carer:
                errors["outcome"] = [OUTCOME_CARER_ONLY]
            elif referral.is_carer and outcome in (Triage.ALLOCATING_OUTCOMES | Triage.TREATMENT_OUTCOMES) - {
                Triage.Outcome.CARER_SUPPORT
            }:
                errors["outcome"] = [OUTCOME_NOT_FOR_CARER]
            elif outcome in Triage.ALLOCATING_OUTCOMES | Triage.TREATMENT_OUTCOMES and not eligibility.eligible:
                errors["outcome"] = [
                    OUTCOME_NOT_ELIGIBLE_MISMATCH % {"reasons": " ".join(str(r) for r in eligibility.reasons)}
                ]
            elif auto and outcome not in Triage.TREATMENT_OUTCOMES and outcome != Triage.Outcome.NOT_ELIGIBLE:
                errors["outcome"] = [OUTCOME_NEEDS_TREATMENT]
    if outcome == Triage.Outcome.NOT_ELIGIBLE and not outcome_reason.strip():
        errors["outcome_reason"] = [OUTCOME_REASON_REQUIRED]
    if outcome == Triage.Outcome.SIGNPOST and not signposted_to.strip():
        errors["signposted_to"] = [OUTCOME_SIGNPOST_REQUIRED]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    triage.outcome = outcome
    triage.outcome_reason = outcome_reason
    triage.signposted_to = signposted_to
    triage.completed_at = now
    triage.completed_by = by
    audited_save(triage, by=by, reason="Triage completed", person_id=referral.person_id)
    # One referral to the Treatment Service, whatever the reasons (an automatic one is reused
    # by the outcome). An outcome that closes the referral withdraws one still waiting.
    closes = outcome not in Triage.ALLOCATING_OUTCOMES | Triage.TREATMENT_OUTCOMES
    waiting = treatment_referrals_sync(
        referral=referral,
        triage=triage,
        by=by,
        outcome_closes=f"Triage outcome: {Triage.Outcome(outcome).label}" if closes else "",
    )

    referral.triage_completed_at = now
    if referral.status != Referral.Status.IN_TRIAGE:
        referral_transition(referral=referral, to=Referral.Status.IN_TRIAGE, by=by, reason="Triage", at=now)
    if outcome in Triage.ALLOCATING_OUTCOMES or (outcome == Triage.Outcome.TREATMENT and waiting is not None):
        # "Refer to the Treatment Service" waits here, its referral to the Treatment Service
        # the next step, and closes when that is sent (referrals.services.treatment). One
        # already sent (a reopened referral) leaves nothing to wait for: it closes now.
        referral_transition(
            referral=referral, to=Referral.Status.TRIAGED, by=by, reason=Triage.Outcome(outcome).label, at=now
        )
    else:
        referral_transition(
            referral=referral, to=Referral.Status.CLOSED, by=by, reason=Triage.Outcome(outcome).label, at=now
        )
    audited_save(referral, by=by, reason="Triage completed", person_id=referral.person_id)
    return triage


# --- Escalation and warm introductions (REF-8) ------------------------------------------


@transaction.atomic
def escalation_record(
    *, referral: Referral, by: User, action: str, done_at: dt.datetime, done_by_name: str, notes: str = ""
) -> Escalation:
    _require_front_door(by)
    if done_at > timezone.now() + rules.CLOCK_GRACE:
        raise ValidationError({"done_at": [_("The time an action was taken cannot be in the future.")]})
    escalation = Escalation(
        referral=referral, action=action, done_at=done_at, done_by_name=done_by_name, notes=notes, recorded_by=by
    )
    audited_save(
        escalation,
        by=by,
        reason="Escalation recorded",
        person_id=referral.person_id,
        exemption=Exemption.VITAL_INTERESTS,
    )
    return escalation


@transaction.atomic
def warm_introduction_record(
    *, referral: Referral, by: User, introduced_to: str, organisation: str, introduced_at: dt.datetime, notes: str = ""
) -> WarmIntroduction:
    _require_front_door(by)
    if introduced_at > timezone.now() + rules.CLOCK_GRACE:
        raise ValidationError({"introduced_at": [_("The time of an introduction cannot be in the future.")]})
    intro = WarmIntroduction(
        referral=referral,
        introduced_by=by,
        introduced_to=introduced_to,
        organisation=organisation,
        introduced_at=introduced_at,
        notes=notes,
    )
    audited_save(intro, by=by, reason="Warm introduction recorded", person_id=referral.person_id)
    return intro
