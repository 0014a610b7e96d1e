"""Report runs and the reports they produce (RPT-1, RPT-5).

A ``ReportRun`` is one request to build a quarter's report: queued by a manager or by the
scheduled job, built by a Celery task (``reporting.tasks``) that records its step and progress
here. A successful run writes one ``ReportVersion`` with its ``ReportFile`` rows (the CSVs) in a
single transaction, so a failed or killed build leaves nothing half-written.

Versions and files are immutable: their content never changes once written (a re-run makes a
new version, numbered per quarter and council); only the publishing fields change, through
``reporting.services.report_publish``. Nothing here holds personal data (RPT-4): the report's
figures have been through disclosure control before they are stored, and a run records the
kind of an error only, never its message.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE

# The address of a whole-service report (its council code is empty).
WHOLE_SERVICE_SCOPE = "whole-service"
IMMUTABLE = "A report's content never changes once written: run the report again for a new version."


def council_label(council: str) -> str:
    """The words for a report's council: "Whole service" for the empty code."""
    from partnership.models import Council

    if council == WHOLE_SERVICE:
        return str(_("Whole service"))
    return str(dict(Council.choices).get(council, council))


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    quarter = models.CharField(max_length=10)  # Quarter.code, "2026-27-Q1"
    council = models.CharField(max_length=40, blank=True)  # "" is the whole service
    # None: the scheduled job (django-celery-beat) or an operator's command asked for it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)  # builds started, counted before each begins
    step = models.CharField(max_length=200, blank=True)  # "Referrals by source"
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The kind of error only (an exception's class name): a message can carry personal data.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Two requests for one report at once make one run (and so one version).
            models.UniqueConstraint(
                fields=["quarter", "council"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_run_per_report",
            )
        ]
        indexes = [models.Index(fields=["quarter", "council"])]

    def __str__(self) -> str:
        return f"{self.quarter} {council_label(self.council)}: {self.get_status_display()}"

    @property
    def quarter_obj(self) -> Quarter:
        return Quarter.parse(self.quarter)

    @property
    def council_label(self) -> str:
        return council_label(self.council)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ReportVersion(models.Model):
    """One built report: numbered per quarter and council, never changed once written."""

    # Only these change after the version is written, through report_publish.
    PUBLISHING_FIELDS = frozenset({"published_at", "published_by"})

    quarter = models.CharField(max_length=10)
    council = models.CharField(max_length=40, blank=True)
    number = models.PositiveIntegerField()
    schedule_version = models.PositiveIntegerField()
    schedule_effective_from = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    run = models.OneToOneField(ReportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="version")
    # The disclosed ReportData (reporting.storage), so the preview shows exactly the PDF's numbers.
    data = models.JSONField()
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who published it and when; the content itself never changes (and is not copied here).
    history = HistoricalRecords(excluded_fields=["data", "pdf"])

    class Meta:
        ordering = ["-quarter", "council", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "council", "number"], name="one_number_per_report_version")
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {council_label(self.council)} version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.PUBLISHING_FIELDS:
                raise ValueError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(IMMUTABLE)

    @property
    def quarter_obj(self) -> Quarter:
        return Quarter.parse(self.quarter)

    @property
    def council_label(self) -> str:
        return council_label(self.council)

    @property
    def scope(self) -> str:
        """The council's part of the version's address: ``whole-service`` or the council code."""
        return self.council or WHOLE_SERVICE_SCOPE

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def file_stem(self) -> str:
        return f"ers-report-{self.quarter}-{self.scope}-v{self.number}"


class ReportFile(models.Model):
    """One CSV of a version (one tidy table, RPT-5). Written with the version; never changed."""

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(max_length=120)  # "referrals_by_source.csv"
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["version", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="one_file_name_per_version")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(IMMUTABLE)
