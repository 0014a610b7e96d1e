"""Safeguarding concerns (SAF-1, §3.15) and the chronology's own rows (SAF-2, §3.15.9).

A concern is about a person we support: someone at risk (the person, a child in their household
from the assessment, another adult or child), a category from the coded list, a risk level, the
actions agreed with their owners and due dates, the referral to the council's safeguarding team
with its reference, the multi-agency meetings (strategy meetings, case conferences, MASH) and the
outcome. Its status moves only along ``Concern.TRANSITIONS`` and each move writes a
``ConcernTransition`` row (reporting counts them).

The chronology itself is built from the person's timeline (``safeguarding.chronology``); what it
keeps of its own is the staff's marks on timeline entries (significant, the significance or impact,
the action taken and outcome) and chronology-only summaries.

Every row is safeguarding detail (``Detail.SAFEGUARDING``, registered in ``registry_concerns``):
peer support workers, volunteers and other organisations never see it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Council

__all__ = [
    "ChronologyMark",
    "ChronologySummary",
    "Concern",
    "ConcernAction",
    "ConcernMeeting",
    "ConcernTransition",
    "new_concern_reference",
]

# As referrals.models.references: random, eight characters without 0/O/1/I, a prefix saying what it is.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CONCERN_PATTERN = r"SG-[0-9A-Z]{8}"


def new_concern_reference() -> str:
    """A safeguarding concern: SG-7K3M9QAB (never counted, so a URL tells nobody how many there are)."""
    return "SG-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


class Concern(models.Model):
    class About(models.TextChoices):
        ADULT = "adult", _("Adult")
        CHILD = "child", _("Child")

    class Category(models.TextChoices):
        NEGLECT = "neglect", _("Neglect")
        PHYSICAL = "physical", _("Physical abuse")
        SEXUAL = "sexual", _("Sexual abuse or exploitation")
        EMOTIONAL = "emotional", _("Emotional or psychological abuse")
        DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
        EXPLOITATION = "exploitation", _("Exploitation: criminal or financial")
        CUCKOOING = "cuckooing", _("Exploitation: cuckooing (home taken over)")
        COUNTY_LINES = "county_lines", _("Exploitation: county lines")
        SELF_NEGLECT = "self_neglect", _("Self-neglect")
        MODERN_SLAVERY = "modern_slavery", _("Modern slavery")
        RADICALISATION = "radicalisation", _("Radicalisation (Prevent)")

    class AtRisk(models.TextChoices):
        PERSON = "person", _("The person we support")
        CHILD_IN_HOUSEHOLD = "child_in_household", _("A child in their household")
        OTHER_CHILD = "other_child", _("Another child")
        OTHER_ADULT = "other_adult", _("Another adult")

    class RiskLevel(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        AWAITING_REFERRAL = "awaiting_referral", _("Waiting for a referral to the council")
        REFERRED = "referred", _("Referred to the council")
        CLOSED = "closed", _("Closed")

    # The only moves a concern's status makes; closing needs an outcome, reopening a reason.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.RAISED: frozenset({Status.AWAITING_REFERRAL, Status.REFERRED, Status.CLOSED}),
        Status.AWAITING_REFERRAL: frozenset({Status.REFERRED, Status.CLOSED}),
        Status.REFERRED: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.RAISED}),
    }
    OPEN_STATUSES = (Status.RAISED, Status.AWAITING_REFERRAL, Status.REFERRED)

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", _("No further action needed")
        ADVICE_AND_SUPPORT = "advice_and_support", _("Advice and support given by the service")
        ADULT_ENQUIRY = "adult_enquiry", _("Adult safeguarding enquiry by the council")
        CHILD_PROTECTION_PLAN = "child_protection_plan", _("Child protection plan")
        CHILD_IN_NEED = "child_in_need", _("Child in need plan")
        EARLY_HELP = "early_help", _("Early Help")
        POLICE = "police", _("Passed to the police")
        RISK_REDUCED = "risk_reduced", _("Risk reduced, managed in the person's plan")
        OTHER = "other", _("Other")

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_concern_reference, editable=False
    )
    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="+")
    about = models.CharField(_("adult or child"), max_length=10, choices=About.choices)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    at_risk = models.CharField(_("who is at risk"), max_length=30, choices=AtRisk.choices)
    # A child from the person's assessment (ASM-7); kept as words too, should the row go.
    child = models.ForeignKey("assessments.Child", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at_risk_detail = models.CharField(_("about who is at risk"), max_length=200, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    summary = models.TextField(_("what happened or was seen"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RAISED)
    raised_at = models.DateTimeField(_("raised"), db_index=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The referral to the council's safeguarding team (§3.15.5).
    council = models.CharField(_("council"), max_length=30, choices=Council.choices, blank=True)
    council_reference = models.CharField(_("council's reference"), max_length=60, blank=True)
    referred_on = models.DateField(_("date referred to the council"), null=True, blank=True)
    # When the concern first counted as significant (``safeguarding.services_concerns.is_significant``).
    significant_since = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["person", "raised_at"]), models.Index(fields=["status", "raised_at"])]
        permissions = [
            # Granted per concern to an organisation's group while the concern is shared with
            # it on a recorded basis (SAF-1): see safeguarding.concern_grants.
            ("view_shared_concern", "Can view a concern shared with their organisation"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def may_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())


class ConcernTransition(models.Model):
    """One row per change of a concern's status (from, to, by, when, why): reporting reads these."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Concern.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Concern.Status.choices)
    at = models.DateTimeField(db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ConcernAction(models.Model):
    """Something agreed to keep someone safe, with who does it and by when."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A partner agency or someone outside the service, when no member of staff owns it.
    owner_other = models.CharField(_("owner outside the service"), max_length=200, blank=True)
    due_on = models.DateField(_("due by"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_at", "due_on"])]


class ConcernMeeting(models.Model):
    """A multi-agency meeting about the concern (§3.15.5): who came and what was decided."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Strategy meeting or discussion")
        CASE_CONFERENCE = "case_conference", _("Child protection case conference")
        MASH = "mash", _("Multi-agency safeguarding hub (MASH)")
        CORE_GROUP = "core_group", _("Core group meeting")
        MARAC = "marac", _("Multi-agency risk assessment conference (MARAC)")
        OTHER = "other", _("Other multi-agency meeting")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date of the meeting"))
    attendees = models.TextField(_("who attended"))
    decisions = models.TextField(_("decisions"))
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "pk"]


class ChronologyMark(models.Model):
    """A member of staff's note on one timeline entry, for the chronology only: whether it is
    significant, what its significance or impact was, and the action taken and its outcome.

    A timeline entry has no row of its own here (it is read from its app each time), so it is
    named by ``entry_key``: its kind, time and a hash of its title (``safeguarding.chronology``)."""

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="+")
    entry_key = models.CharField(max_length=80)
    kind = models.CharField(max_length=40)
    event_at = models.DateTimeField()
    significant = models.BooleanField(_("significant"), default=False)
    significance = models.TextField(_("significance or impact"), blank=True)
    action_outcome = models.TextField(_("action taken and outcome"), blank=True)
    marked_at = models.DateTimeField()
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["event_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["person", "entry_key"], name="one_mark_per_chronology_entry")]


class ChronologySummary(models.Model):
    """A row written for the chronology alone: a summary of a period, or an event another agency
    told us about that is not in the casework (a joint visit, a call from Children's Services)."""

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("date and time"), db_index=True)
    agency = models.CharField(_("agency"), max_length=200)
    event = models.TextField(_("significant event"))
    significance = models.TextField(_("significance or impact"), blank=True)
    action_outcome = models.TextField(_("action taken and outcome"), blank=True)
    significant = models.BooleanField(_("significant"), default=True)
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name_plural = "chronology summaries"
