"""Groups and activities with attendance (PLN-6): recovery groups, the pre-detox group
(§3.19.8), mutual aid and activities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Hub


class Group(models.Model):
    class Kind(models.TextChoices):
        RECOVERY = "recovery", _("Recovery group")
        PRE_DETOX = "pre_detox", _("Pre-detox group")
        MUTUAL_AID = "mutual_aid", _("Mutual aid")
        ACTIVITY = "activity", _("Activity")
        FAMILY = "family", _("Family and carers group")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    is_running = models.BooleanField(_("running"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["hub", "name"], name="group_name_unique_in_hub")]

    def __str__(self) -> str:
        return self.name


class GroupSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.group.name}, {self.starts_at:%d %b %Y %H:%M}"


class Attendance(models.Model):
    class Outcome(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
        CANCELLED = "cancelled", _("Cancelled in advance")

    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="group_attendance")
    outcome = models.CharField(_("attendance"), max_length=20, choices=Outcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session")]
