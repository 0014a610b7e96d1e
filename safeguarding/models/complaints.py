"""Complaints and compliments (SAF-4, §3.17) and drug alerts (SAF-5, §3.26.6).

A complaint moves through stages (§3.17.4 "escalation points with named roles or positions
responsible at each stage"): local resolution, then a formal investigation, then review outside
the service (the commissioning council's complaints team or the Local Government and Social Care
Ombudsman). Each stage is a row with the role responsible, the member of staff handling it, its
resolution target (working days from the stage's start, ``settings.COMPLAINT_STAGES``) and its
written response (drafted, approved by a manager, sent). Every change of status or stage writes
a ``ComplaintTransition`` row, which reporting reads.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = [
    "Complaint",
    "ComplaintStage",
    "ComplaintTransition",
    "DrugAlert",
    "DrugAlertAcknowledgement",
    "DrugAlertTransition",
    "new_complaint_reference",
    "new_drug_alert_reference",
]

# As referrals.models.references: random, never counted, no 0/O/1/I.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
COMPLAINT_PATTERN = r"C-[0-9A-Z]{8}"
DRUG_ALERT_PATTERN = r"DA-[0-9A-Z]{8}"


def new_complaint_reference() -> str:
    """A complaint or compliment: C-7K3M9QAB (the reference the person quotes)."""
    return "C-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def new_drug_alert_reference() -> str:
    return "DA-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        COMPLIMENT = "compliment", _("Compliment")

    class Channel(models.TextChoices):
        PUBLIC_FORM = "public_form", _("Online form")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("Email")
        VIA_COUNCIL = "via_council", _("Through a council")
        VIA_PARTNER = "via_partner", _("Through a partner organisation")
        FEEDBACK_CARD = "feedback_card", _("Feedback card or comments box")

    class Category(models.TextChoices):
        """Coded, because the commissioners' report counts them (§3.17.5)."""

        ACCESS = "access", _("Getting support, waiting times or opening hours")
        QUALITY = "quality", _("The support received")
        STAFF = "staff", _("How staff behaved or treated someone")
        COMMUNICATION = "communication", _("Communication or information")
        CONFIDENTIALITY = "confidentiality", _("Privacy or confidentiality")
        DISCRIMINATION = "discrimination", _("Discrimination or unfair treatment")
        PREMISES = "premises", _("Buildings, venues or accessibility")
        SAFEGUARDING = "safeguarding", _("Safety or safeguarding")
        OTHER = "other", _("Something else")

    class From(models.TextChoices):
        PERSON_SUPPORTED = "person_supported", _("Someone receiving support")
        FAMILY = "family", _("A family member, friend or carer")
        PUBLIC = "public", _("A member of the public")
        PROFESSIONAL = "professional", _("A professional or partner organisation")
        ADVOCATE = "advocate", _("An advocate on someone’s behalf")

    class Stage(models.TextChoices):
        LOCAL_RESOLUTION = "local_resolution", _("Stage 1: local resolution")
        FORMAL_INVESTIGATION = "formal_investigation", _("Stage 2: formal investigation")
        EXTERNAL_REVIEW = "external_review", _("Stage 3: review by the council or the Ombudsman")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESPONDED = "responded", _("Response sent")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        RESOLVED = "resolved", _("Resolved without a finding")
        SHARED = "shared", _("Compliment shared with the team")

    # Escalating re-opens a complaint at its next stage, whether the response was sent or the
    # complaint closed: a complainant may ask for a review after either (§3.17.4).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.OPEN: frozenset({Status.RESPONDED, Status.CLOSED, Status.WITHDRAWN}),
        Status.RESPONDED: frozenset({Status.CLOSED, Status.OPEN}),
        Status.CLOSED: frozenset({Status.OPEN}),
        Status.WITHDRAWN: frozenset(),
    }
    STAGE_ORDER = [Stage.LOCAL_RESOLUTION, Stage.FORMAL_INVESTIGATION, Stage.EXTERNAL_REVIEW]

    reference = models.CharField(max_length=12, unique=True, default=new_complaint_reference, editable=False)
    kind = models.CharField(_("complaint or compliment"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("how it came in"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    summary = models.TextField(_("what happened"), max_length=5000)
    desired_outcome = models.TextField(_("what would put it right"), max_length=2000, blank=True)
    about_hub = models.ForeignKey(
        "partnership.Hub", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hub")
    )
    # Who it is from. Linked to a person's record only by staff (never from the public form).
    complainant_from = models.CharField(_("who it is from"), max_length=20, choices=From.choices)
    complainant_name = models.CharField(_("name"), max_length=200, blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=30, blank=True)
    complainant_email = models.EmailField(_("email"), max_length=254, blank=True)
    complainant_address = models.TextField(_("address"), max_length=500, blank=True)
    wants_reply = models.BooleanField(_("wants a reply"), default=True)
    person = models.ForeignKey(
        "referrals.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("person’s record"),
    )
    preferred_language = models.CharField(max_length=10, blank=True)
    # The same public form sent twice makes one complaint (as the self-referral form).
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    stage = models.CharField(_("stage"), max_length=30, choices=Stage.choices, default=Stage.LOCAL_RESOLUTION)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    investigation_notes = models.TextField(_("investigation notes"), max_length=10000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    learning = models.TextField(_("learning and actions"), max_length=5000, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "stage"])]

    def __str__(self) -> str:
        return self.reference

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def next_stage(self) -> str | None:
        index = self.STAGE_ORDER.index(self.stage)
        return self.STAGE_ORDER[index + 1] if index + 1 < len(self.STAGE_ORDER) else None

    @property
    def is_compliment(self) -> bool:
        return self.kind == self.Kind.COMPLIMENT


class ComplaintStage(models.Model):
    """One stage of a complaint: who is responsible, by when, and its written response."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=30, choices=Complaint.Stage.choices)
    # The role as configured when the stage began (settings.COMPLAINT_STAGES), kept as words so
    # a later change of policy does not rewrite who was responsible then.
    responsible_role = models.CharField(_("role responsible"), max_length=200)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member of staff handling it"),
    )
    started_at = models.DateTimeField(_("started"))
    target_date = models.DateField(_("resolution target"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    escalation_reason = models.TextField(_("why it was escalated"), max_length=2000, blank=True)
    response_text = models.TextField(_("written response"), max_length=10000, blank=True)
    response_drafted_at = models.DateTimeField(_("response drafted"), null=True, blank=True)
    response_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_approved_at = models.DateTimeField(_("response approved"), null=True, blank=True)
    response_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_sent_on = models.DateField(_("response sent"), null=True, blank=True)
    response_sent_how = models.CharField(_("sent by"), max_length=20, blank=True)
    response_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "stage"], name="complaint_stage_once"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} {self.get_stage_display()}"


class ComplaintTransition(models.Model):
    """One row per change of a complaint's status or stage (reporting reads these, §3.17.5)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Complaint.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Complaint.Status.choices)
    from_stage = models.CharField(max_length=30, choices=Complaint.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=30, choices=Complaint.Stage.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class DrugAlert(models.Model):
    """An alert about a dangerous batch or trend (SAF-5), from the Local Drug Information System
    or seen by staff. Graded on the three levels in safeguarding/alerts.py."""

    class Grade(models.TextChoices):
        INFORMATION = "information", _("Information")
        WARNING = "warning", _("Warning")
        URGENT = "urgent", _("Urgent alert")

    class Source(models.TextChoices):
        LDIS = "ldis", _("Local Drug Information System panel")
        NATIONAL = "national", _("National alert (OHID or NHS England)")
        HOSPITAL = "hospital", _("Hospital or ambulance service")
        POLICE = "police", _("Police")
        STAFF = "staff", _("Seen or heard by our staff")
        PEOPLE = "people", _("Reported by people who use the service")

    class Status(models.TextChoices):
        LIVE = "live", _("Live")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.LIVE: frozenset({Status.WITHDRAWN}),
        Status.WITHDRAWN: frozenset(),
    }

    reference = models.CharField(max_length=12, unique=True, default=new_drug_alert_reference, editable=False)
    title = models.CharField(_("title"), max_length=200)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    substance = models.CharField(_("substance"), max_length=200)
    area = models.CharField(_("area"), max_length=200)
    what_seen = models.TextField(_("what has been seen"), max_length=5000)
    advice = models.TextField(_("advice for staff and people who use drugs"), max_length=5000)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    expires_on = models.DateField(_("shown until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LIVE)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE and (self.expires_on is None or self.expires_on >= timezone.localdate())


class DrugAlertTransition(models.Model):
    alert = models.ForeignKey(DrugAlert, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=DrugAlert.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DrugAlert.Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class DrugAlertAcknowledgement(models.Model):
    """A member of staff has read the alert: who and when (append-only)."""

    alert = models.ForeignKey(DrugAlert, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["acknowledged_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="drug_alert_acknowledged_once")]
