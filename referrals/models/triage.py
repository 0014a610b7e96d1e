"""Contact and triage on a referral (REF-6 to REF-8): contact attempts, screening and the
outcome, escalations under the protocol, warm introductions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.models.people import YesNoUnknown
from referrals.models.referrals import Referral


class ContactAttempt(models.Model):
    class Outcome(models.TextChoices):
        MADE_CONTACT = "made_contact", _("Spoke to the person")
        NO_ANSWER = "no_answer", _("No answer")
        LEFT_MESSAGE = "left_message", _("Left a message")
        WRONG_DETAILS = "wrong_details", _("Wrong or out-of-date details")
        DECLINED = "declined", _("Person did not want support")

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")
        VIA_REFERRER = "via_referrer", _("Through the referrer")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="contact_attempts")
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=Method.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField(max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["attempted_at", "pk"]


class Triage(models.Model):
    """Screening, initial risk, eligibility and outcome (REF-6, REF-7)."""

    class Risk(models.TextChoices):
        RED = "red", _("Red")
        AMBER = "amber", _("Amber")
        GREEN = "green", _("Green")

    class RiskReason(models.TextChoices):
        OVERDOSE = "overdose", _("Recent overdose or high overdose risk")
        SUICIDE = "suicide", _("Thoughts of suicide or self-harm")
        CHILDREN = "children", _("Children at risk")
        DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
        EXPLOITATION = "exploitation", _("Exploitation or cuckooing")
        PHYSICAL_HEALTH = "physical_health", _("Serious physical health concern")
        PREGNANCY = "pregnancy", _("Pregnancy")
        INJECTING = "injecting", _("Injecting")
        HOMELESSNESS = "homelessness", _("Homeless or at risk of homelessness")
        WITHDRAWAL = "withdrawal", _("Risk from alcohol or benzodiazepine withdrawal")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        """REF-7."""

        ERS = "ers", _("Accept for ERS support")
        CARER_SUPPORT = "carer_support", _("Accept for family and carer support")
        TREATMENT = "treatment", _("Refer to the Treatment Service")
        BOTH = "both", _("ERS support and refer to the Treatment Service")
        SIGNPOST = "signpost", _("Signpost elsewhere")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        UNABLE_TO_CONTACT = "unable_to_contact", _("Unable to contact")

    # Outcomes after which ERS allocates the person to a hub and worker.
    ALLOCATING_OUTCOMES = frozenset({Outcome.ERS, Outcome.BOTH, Outcome.CARER_SUPPORT})
    TREATMENT_OUTCOMES = frozenset({Outcome.TREATMENT, Outcome.BOTH})

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="triage")
    # Screening
    substances = models.JSONField(default=list, blank=True)
    # §3.1.1.c: for a carer, what the person they care for uses (the carer has no substances).
    cared_for_substances = models.JSONField(default=list, blank=True)
    lives_in_area = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    under_18_commissioner_agreement = models.BooleanField(default=False)
    commissioner_agreement_reference = models.CharField(max_length=100, blank=True)
    pregnant = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    open_to_childrens_services = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    # Recorded, but never exclusion criteria (§3.1.4).
    mental_health_concern = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    homeless = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    screening_notes = models.TextField(max_length=5000, blank=True)
    # Initial risk
    risk = models.CharField(max_length=10, choices=Risk.choices, blank=True)
    risk_reasons = models.JSONField(default=list, blank=True)  # list of RiskReason values
    risk_notes = models.TextField(max_length=5000, blank=True)
    # Outcome
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(max_length=2000, blank=True)
    signposted_to = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()


class Escalation(models.Model):
    """What was done for an urgent case under the escalation protocol (§3.2.6)."""

    class Action(models.TextChoices):
        EMERGENCY_SERVICES = "emergency_services", _("Emergency services called (999)")
        CRISIS_TEAM = "crisis_team", _("Mental health crisis team contacted")
        SAFEGUARDING = "safeguarding", _("Safeguarding referral made")
        GP_CONTACTED = "gp", _("GP contacted")
        TREATMENT_DUTY = "treatment_duty", _("Treatment Service duty worker contacted")
        MANAGER_INFORMED = "manager", _("Manager informed")
        OTHER = "other", _("Other action")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="escalations")
    action = models.CharField(max_length=30, choices=Action.choices)
    done_at = models.DateTimeField()
    done_by_name = models.CharField(max_length=200, help_text=_("Who did it, if not the person recording it."))
    notes = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["done_at", "pk"]


class WarmIntroduction(models.Model):
    """REF-8: who introduced the person, to whom, and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="warm_introductions")
    introduced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    introduced_to = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    introduced_at = models.DateTimeField()
    notes = models.TextField(max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["introduced_at", "pk"]
