"""Data subject rights (PAR-6)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.models.consent import add_months
from referrals.models.people import Person
from referrals.models.references import new_subject_access_reference

# PAR-6, UK GDPR Article 12(3): a subject access request is answered within one calendar
# month of receipt (the corresponding day next month, or its last day where there is none).
SUBJECT_ACCESS_MONTHS = 1


def subject_access_deadline(received_on: dt.date) -> dt.date:
    """The day a subject access request received on ``received_on`` must be answered by: the
    one place this rule lives (the worklist, the request page and reports ask it)."""
    return add_months(received_on, SUBJECT_ACCESS_MONTHS)


# --- Data subject rights (PAR-6) ------------------------------------------------------------


class SubjectAccessRequest(models.Model):
    """A subject access request (PAR-6, §3.16.4) and the export prepared for it.

    The export (a PDF and a JSON file in one zip) is made in the background and kept with
    the default storage under MEDIA_ROOT. It is never served publicly: only the
    data-protection officer's permission-checked download view reads it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be prepared")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")

    # Our reference, in URLs, file names and letters (referrals.models.references); the
    # requester's own is request_reference.
    reference = models.CharField(max_length=12, unique=True, default=new_subject_access_reference, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="subject_access_requests")
    request_reference = models.CharField(_("request reference"), max_length=100)
    reason = models.CharField(_("details of the request"), max_length=500)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="subject_access/", blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    # The kind of error only (an exception class name): never personal data.
    error = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.reference

    @property
    def deadline(self) -> dt.date:
        return subject_access_deadline(timezone.localdate(self.created_at))

    @property
    def answered(self) -> bool:
        """The export is ready: the request is answered (PAR-6). Until then it counts against
        its deadline, whether waiting, being prepared or failed."""
        return self.status == self.Status.READY
