"""Contacts and interventions (PLN-3), naloxone kits to partner agencies, and engagement
status with the re-engagement flag (PLN-4, §3.4.6, §3.8.6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Hub


class HarmReductionTopic(models.TextChoices):
    """§3.8.4: the topics harm reduction advice covers, coded so reports count them."""

    RELAPSE_PREVENTION = "relapse_prevention", _("Relapse prevention")
    SAFER_INJECTING = "safer_injecting", _("Safer injecting")
    SAFER_DRINKING = "safer_drinking", _("Safer drinking")
    SAFER_STIMULANT_USE = "safer_stimulant_use", _("Safer stimulant and recreational drug use")
    IPEDS = "ipeds", _("Image and performance-enhancing drugs")
    MEDICATIONS = "medications", _("Prescribed and over-the-counter medicines")
    SAFER_SEX = "safer_sex", _("Safer sex")
    BBV_PREVENTION = "bbv_prevention", _("Blood-borne virus prevention")
    OVERDOSE = "overdose", _("Overdose prevention and treatment")


class Contact(models.Model):
    """One contact or intervention with a person. Quick to record: the type, the setting and
    the time are all most contacts need."""

    class Type(models.TextChoices):
        BRIEF_ADVICE = "brief_advice", _("Brief advice")
        BRIEF_INTERVENTION = "brief_intervention", _("Brief intervention")
        HARM_REDUCTION = "harm_reduction", _("Harm reduction")
        PEER_SUPPORT = "peer_support", _("Peer support")
        GROUP = "group", _("Group")
        COUNSELLING = "counselling", _("Counselling")
        HOUSING = "housing", _("Practical support: housing")
        EMPLOYMENT = "employment", _("Practical support: employment")
        BENEFITS = "benefits", _("Practical support: benefits")

    class Setting(models.TextChoices):
        HUB = "hub", _("Recovery hub")
        IN_REACH = "in_reach", _("In-reach venue")
        OUTREACH = "outreach", _("Outreach")
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")

    class FamilySupport(models.TextChoices):
        # §3.10.10: support for families and carers, CRAFT among them.
        NONE = "", _("None")
        CRAFT = "craft", _("CRAFT session")
        FAMILY_SUPPORT = "family_support", _("Other family or carer support session")

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField(_("when"))
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    setting = models.CharField(_("setting"), max_length=20, choices=Setting.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"))
    # Coded, several at once (HarmReductionTopic values); a list so a report counts each.
    harm_reduction_topics = models.JSONField(_("harm reduction topics"), default=list, blank=True)
    naloxone_kits_supplied = models.PositiveSmallIntegerField(_("naloxone kits supplied"), default=0)
    naloxone_administered = models.BooleanField(_("naloxone administered"), default=False)
    needle_syringe_provided = models.BooleanField(_("needle and syringe provision"), default=False)
    family_support = models.CharField(
        _("family and carer support"), max_length=20, choices=FamilySupport.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"]),
            # The quarterly report's contact KPIs select a quarter's contacts by when they happened.
            models.Index(fields=["occurred_at"], name="contact_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.occurred_at:%d %b %Y})"

    def harm_reduction_topic_labels(self) -> list[str]:
        labels = dict(HarmReductionTopic.choices)
        return [str(labels.get(code, code)) for code in self.harm_reduction_topics]


class NaloxonePartnerSupply(models.Model):
    """Naloxone kits given to a partner agency such as a hostel: about no one person."""

    agency_name = models.CharField(_("agency"), max_length=200)
    kits = models.PositiveSmallIntegerField(_("kits"))
    supplied_on = models.DateField(_("date supplied"))
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supplied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-supplied_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(kits__gte=1), name="naloxone_supply_at_least_one_kit")]


class EngagementStatus(models.Model):
    """PLN-4: a person is active, or inactive with a coded reason and since when. No row: active
    (everyone allocated starts active)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Reason(models.TextChoices):
        NONE = "", _("None")
        DISENGAGED = "disengaged", _("Disengaged")
        ASKED_NOT_TO_BE_CONTACTED = "asked_not_contacted", _("Asked not to be contacted")
        GOALS_MET = "goals_met", _("Recovery goals met")
        MOVED_AWAY = "moved_away", _("Moved away")
        DIED = "died", _("Died")

    # The status pipeline in one table; re-entry is inactive -> active (§3.4.6).
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.ACTIVE: frozenset({Status.INACTIVE}),
        Status.INACTIVE: frozenset({Status.ACTIVE}),
    }

    person = models.OneToOneField("referrals.Person", on_delete=models.PROTECT, related_name="engagement")
    status = models.CharField(_("engagement"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    since = models.DateTimeField(_("since"))
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.get_status_display()

    @classmethod
    def allows(cls, from_status: str, to_status: str) -> bool:
        return to_status in cls.TRANSITIONS.get(from_status, frozenset())


class EngagementTransition(models.Model):
    """Every change of engagement status (from, to, reason, by, when): reporting reads these."""

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="engagement_transitions")
    from_status = models.CharField(max_length=10, choices=EngagementStatus.Status.choices)
    to_status = models.CharField(max_length=10, choices=EngagementStatus.Status.choices)
    reason = models.CharField(max_length=30, choices=EngagementStatus.Reason.choices, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["person", "-at"]),
            # The quarterly report counts the changes of engagement in a quarter.
            models.Index(fields=["at"], name="engagement_transition_at"),
        ]


class ReengagementFlag(models.Model):
    """§3.8.6: a person with no contact for the configured period, flagged for re-engagement by
    the nightly job. At most one open flag per person (a constraint, so a job delivered twice
    cannot flag twice); a contact, or re-entry, clears it."""

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="reengagement_flags")
    flagged_at = models.DateTimeField()
    # The last contact the flag was raised after (None: no contact at all since allocation).
    last_contact_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-flagged_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(cleared_at__isnull=True), name="one_open_reengagement_flag"
            )
        ]
