"""What a person said about their experience of the single point of contact (§3.2.9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.models.referrals import Referral


class ReferralFeedback(models.Model):
    """One per referral, recorded by SPOC staff; corrected in place, the history keeps the rest."""

    class Satisfaction(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        NEITHER = "neither", _("Neither satisfied nor dissatisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")
        PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="feedback")
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices)
    comment = models.TextField(_("what the person said"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.referral} ({self.get_satisfaction_display()})"
