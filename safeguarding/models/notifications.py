"""notifications (see safeguarding/models/__init__.py): notifications to councils with their
clocks and escalations (SAF-1, SAF-3, SAF-6); the incidents they are about live in
``incidents.py`` and are listed here too, so the package's star import finds them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import COUNCILS_IN_AREA
from safeguarding import clocks
from safeguarding.models.incidents import *  # noqa: F403
from safeguarding.models.incidents import __all__ as _incident_models
from safeguarding.references import new_notification_reference

__all__ = ["Escalation", "Notification", *_incident_models]


class Notification(models.Model):
    """One notification to one council about one thing (a service-wide incident makes one row
    per council). What it is about is named by model label, primary key and reference, so a
    concern (helper A's) or any later record can be notified without a foreign key here."""

    class Kind(models.TextChoices):
        SAFEGUARDING = "safeguarding", _("Significant safeguarding incident")
        SERIOUS_INCIDENT = "serious_incident", _("Serious incident")
        DEATH = "death", _("Death in service")
        DATA_SECURITY = "data_security", _("Data-security incident")

    class How(models.TextChoices):
        EMAIL = "email", _("Secure e-mail")
        PORTAL = "portal", _("The council's online form or portal")
        PHONE = "phone", _("Phone, confirmed in writing")
        MEETING = "meeting", _("In a meeting, confirmed in writing")

    reference = models.CharField(max_length=12, unique=True, editable=False, default=new_notification_reference)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    council = models.CharField(_("council"), max_length=30, choices=[(c.value, c.label) for c in COUNCILS_IN_AREA])
    subject_type = models.CharField(max_length=60)  # a model's label_lower
    subject_id = models.PositiveBigIntegerField()
    subject_reference = models.CharField(_("about"), max_length=20)
    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="council_notifications"
    )
    starts_at = models.DateTimeField(_("clock started"))
    due_at = models.DateTimeField(_("due by"), db_index=True)
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_how = models.CharField(_("how it was sent"), max_length=20, choices=How.choices, blank=True)
    council_reference = models.CharField(_("the council's reference"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            # notification_raise is idempotent: a second call finds the row, and two at once
            # cannot both add one.
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind", "council"], name="notification_once_per_council"
            )
        ]
        indexes = [models.Index(fields=["sent_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} to {self.get_council_display()}"

    def clock(self, now=None) -> clocks.Clock:
        return clocks.clock(due_at=self.due_at, now=now or timezone.now(), sent_at=self.sent_at)

    @property
    def due_words(self) -> str:
        return clocks.when_words(self.due_at)


class Escalation(models.Model):
    """An overdue notification escalated to the safeguarding lead and the managers: one row per
    escalation (level 1 when it falls overdue, one more for each further period unsent), made
    once however often or however many times at once the job runs."""

    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    escalated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-escalated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "level"], name="escalation_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"Escalation {self.level} of {self.notification.reference}"
