"""Referring on: to the Treatment Service (PAR-3) and to other services (PAR-4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.models.consent import Consent
from referrals.models.people import Person
from referrals.models.references import new_treatment_referral_reference
from referrals.models.referrals import Referral


class TreatmentReferral(models.Model):
    """A referral on to the Treatment Service (REF-7, §3.2.11, PAR-3).

    Made at triage, then sent by ERS staff with the agreed minimum dataset (§3.2.10), which is
    kept as sent in ``dataset`` so both services see exactly what went. The Treatment Service
    records the outcome (§3.19.7, TH KPI 5); ERS support carries on throughout (§3.19.3).
    """

    class Reason(models.TextChoices):
        # §3.2.11: both are automatic referrals to the Treatment Service.
        PREGNANT = "pregnant", _("Pregnant: automatic referral to the Treatment Service")
        CHILDRENS_SERVICES = (
            "childrens_services",
            _("Open to Children's Services: automatic referral to the Treatment Service"),
        )
        TRIAGE_OUTCOME = "triage_outcome", _("Triage outcome")
        # ASM-6 (§3.3.5): a trigger recorded in the person's assessment after allocation.
        ASSESSMENT_TRIGGER = "assessment_trigger", _("Escalation trigger in the assessment")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not accepted")
        # Not sent because its reason no longer holds (screening corrected, §3.2.11) or the
        # triage outcome closed the referral without it. Reinstated if the reason comes back.
        WITHDRAWN = "withdrawn", _("Withdrawn before it was sent")

    class Withdrawal(models.TextChoices):
        """Why one was withdrawn before it was sent: coded, because reports count them."""

        # Automatic: the service withdrew it and will reinstate it if the reason comes back.
        REASON_GONE = "reason_gone", _("The reason for it no longer applies")
        REFERRAL_CLOSED = "referral_closed", _("The triage outcome closed the referral")
        # By hand, with a reason: never reinstated by a later screening change.
        DECLINED = "declined", _("The person does not want to be referred")
        ALREADY_IN_TREATMENT = "already_in_treatment", _("Already in treatment or referred another way")
        MOVED_AWAY = "moved_away", _("Moved out of the area")
        OTHER = "other", _("Another reason")

    # Reasons a practitioner gives when withdrawing one by hand (the others are automatic).
    WITHDRAWN_BY_HAND = (
        Withdrawal.DECLINED,
        Withdrawal.ALREADY_IN_TREATMENT,
        Withdrawal.MOVED_AWAY,
        Withdrawal.OTHER,
    )

    # The pipeline, as for Referral. The Treatment Service may correct an outcome it recorded.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PENDING: frozenset({Status.SENT, Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset({Status.PENDING}),
        Status.SENT: frozenset({Status.ACCEPTED, Status.DECLINED}),
        Status.ACCEPTED: frozenset({Status.DECLINED}),
        Status.DECLINED: frozenset({Status.ACCEPTED}),
    }
    SENT_STATUSES = (Status.SENT, Status.ACCEPTED, Status.DECLINED)

    # In URLs instead of the row's number (referrals.models.references).
    reference = models.CharField(max_length=12, unique=True, default=new_treatment_referral_reference, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="treatment_referrals")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    # Every other reason that applies to this same referral (Reason values): one referral to
    # the Treatment Service per ERS referral, however many reasons (§3.2.6: no second one).
    other_reasons = models.JSONField(default=list, blank=True)
    automatic = models.BooleanField(default=False)
    # ASM-6: what called for it, in words (the escalation triggers recorded in the assessment).
    reason_detail = models.CharField(_("why, in detail"), max_length=500, blank=True)
    # ASM-6: the same triggers as codes (assessments.models.codes.Trigger values), the ones
    # reports count; the subject access export shows each as "label (code)".
    escalation_triggers = models.JSONField(_("escalation triggers"), default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_because = models.CharField(_("why withdrawn"), max_length=30, choices=Withdrawal.choices, blank=True)
    withdrawn_detail = models.CharField(_("more about why it was withdrawn"), max_length=500, blank=True)

    # Sending (PAR-3, §3.2.10): to whom, on what lawful basis, and the dataset exactly as sent.
    organisation = models.ForeignKey(
        "partnership.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sharing_basis = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dataset = models.JSONField(_("minimum dataset as sent"), default=dict, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    warm_introduction = models.ForeignKey(
        "WarmIntroduction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Outcome, recorded by the Treatment Service (§3.19.7, TH KPI 5: conversions to treatment).
    # The Treatment Service's own case ID (TH KPI 5a), so both services can match their records.
    treatment_case_id = models.CharField(_("Treatment Service case ID"), max_length=50, blank=True)
    outcome_reason = models.TextField(_("why not accepted"), max_length=2000, blank=True)
    first_appointment_on = models.DateField(_("first appointment"), null=True, blank=True)
    treatment_started_on = models.DateField(_("treatment started"), null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # Nothing stranded, nothing doubled: at most one waiting to be sent per referral.
            models.UniqueConstraint(
                fields=["referral"], condition=models.Q(status="pending"), name="one_pending_treatment_referral"
            )
        ]
        # The quarterly report counts the treatment starts in a quarter.
        indexes = [models.Index(fields=["treatment_started_on"], name="treatment_started_on_idx")]

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def withdrawn_by_hand(self) -> bool:
        return self.status == self.Status.WITHDRAWN and self.withdrawn_because in self.WITHDRAWN_BY_HAND

    @property
    def reasons(self) -> list[str]:
        """Every reason for this referral to the Treatment Service, the first one first."""
        return [self.reason, *(r for r in self.other_reasons if r != self.reason)]

    @property
    def reason_labels(self) -> list[str]:
        known = dict(self.Reason.choices)
        return [str(known.get(reason, reason)) for reason in self.reasons]


# --- Referral to Treatment transitions and onward referrals (PAR-3, PAR-4) --------------------


class TreatmentReferralTransition(models.Model):
    """One row per change of a Treatment referral's status: reporting reads these (TH KPI 5)."""

    treatment_referral = models.ForeignKey(TreatmentReferral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=TreatmentReferral.Status.choices)
    to_status = models.CharField(max_length=20, choices=TreatmentReferral.Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class OnwardReferral(models.Model):
    """A referral to another service, with its outcome (PAR-4, §3.19.4, §3.19.7)."""

    class ServiceType(models.TextChoices):
        HOUSING = "housing", _("Housing")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        ADULT_SOCIAL_CARE = "adult_social_care", _("Adult social care")
        EMPLOYMENT = "employment", _("Employment support")
        COUNSELLING = "counselling", _("Counselling")
        GP = "gp", _("GP")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined by the service")
        NO_RESPONSE = "no_response", _("No response")
        PERSON_DECLINED = "person_declined", _("The person decided not to go ahead")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="onward_referrals")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="onward_referrals")
    service_type = models.CharField(_("type of service"), max_length=30, choices=ServiceType.choices)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    sent_at = models.DateTimeField(_("referred"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Whether the person's details went to the organisation, and the lawful basis (PAR-5).
    shared_personal_data = models.BooleanField(default=False)
    sharing_basis = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-pk"]
