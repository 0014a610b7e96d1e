"""A reading of an instrument (ASM-5): the answers as given, and what the definition's scorer
made of them, stored so reports count totals and bands without loading definitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InstrumentReading(models.Model):
    person = models.ForeignKey("referrals.Person", on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(_("instrument"), max_length=60)
    instrument_version = models.PositiveSmallIntegerField(_("version"))
    answers = models.JSONField(_("answers"), default=dict)
    # Computed by assessments.instruments.score, never typed.
    total = models.IntegerField(_("total"), null=True)
    subscales = models.JSONField(_("subscales"), default=dict)
    band = models.CharField(_("band"), max_length=100, blank=True)
    taken_at = models.DateTimeField(_("taken"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The reading whose answers opened this one (an AUDIT-C leading on to the full AUDIT).
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_at", "pk"]
        indexes = [
            models.Index(fields=["person", "instrument", "taken_at"]),
            # The quarterly report reads one instrument's readings taken in a quarter.
            models.Index(fields=["instrument", "taken_at"], name="reading_instrument_taken_at"),
        ]
