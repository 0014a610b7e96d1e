"""Outreach sessions and contacts with people not yet known (PLN-3; the Tower Hamlets
outreach minimum dataset and KPIs 1-3: hours of outreach, contacts, their profile)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Hub
from referrals.models.references import new_outreach_contact_reference


class OutreachSession(models.Model):
    """A period of outreach: KPI 1 counts its hours."""

    date = models.DateField(_("date"))
    started_at = models.TimeField(_("start time"))
    ended_at = models.TimeField(_("end time"))
    area = models.CharField(_("area or location"), max_length=200)
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="outreach_sessions", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gt=models.F("started_at")), name="outreach_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.area}, {self.date:%d %b %Y}"

    @property
    def minutes(self) -> int:
        return (self.ended_at.hour * 60 + self.ended_at.minute) - (self.started_at.hour * 60 + self.started_at.minute)


class OutreachContact(models.Model):
    """Someone met on outreach, recorded whether or not they engage, often before they are known
    to the service; linked to a person later (``person``)."""

    class Ethnicity(models.TextChoices):
        # The 2021 Census high-level groups, as reports count them.
        NOT_KNOWN = "", _("Not known")
        WHITE = "white", _("White")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        ASIAN = "asian", _("Asian or Asian British")
        BLACK = "black", _("Black, Black British, Caribbean or African")
        OTHER = "other", _("Other ethnic group")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Gender(models.TextChoices):
        NOT_KNOWN = "", _("Not known")
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        OTHER = "other", _("In another way")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Substance(models.TextChoices):
        # The grouping commissioners report by (KPI 2b-2e).
        NOT_KNOWN = "", _("Not known")
        OPIATE = "opiate", _("Opiates")
        NON_OPIATE = "non_opiate", _("Non-opiates only")
        ALCOHOL = "alcohol", _("Alcohol only")
        NON_OPIATE_AND_ALCOHOL = "non_opiate_alcohol", _("Non-opiates and alcohol")
        NONE = "none", _("None")

    class Housing(models.TextChoices):
        NOT_KNOWN = "", _("Not known")
        SETTLED = "settled", _("Settled accommodation")
        HOSTEL = "hostel", _("Hostel or supported housing")
        TEMPORARY = "temporary", _("Temporary accommodation or sofa surfing")
        ROUGH_SLEEPING = "rough_sleeping", _("Sleeping rough")
        OTHER = "other", _("Other")

    class KnownToTreatment(models.TextChoices):
        NOT_KNOWN = "", _("Not known")
        CURRENT = "current", _("In treatment now")
        PREVIOUS = "previous", _("Was in treatment before")
        NEVER = "never", _("Never in treatment")

    class ReferralMade(models.TextChoices):
        NONE = "none", _("No referral")
        ERS = "ers", _("To this service")
        TREATMENT = "treatment", _("To the Treatment Service")
        OTHER = "other", _("To another service")

    class NotEngagingReason(models.TextChoices):
        NONE = "", _("Not applicable")
        NOT_READY = "not_ready", _("Not ready to change")
        NO_PROBLEM = "no_problem", _("Does not see a problem")
        BAD_EXPERIENCE = "bad_experience", _("Bad experience of services before")
        ALREADY_SUPPORTED = "already_supported", _("Already supported elsewhere")
        PRACTICAL = "practical", _("Practical barriers (time, travel, caring)")
        DECLINED_TO_SAY = "declined", _("Did not say")
        OTHER = "other", _("Other")

    # How its page is addressed: random, never a count (referrals.models.references).
    reference = models.CharField(max_length=12, unique=True, default=new_outreach_contact_reference, editable=False)
    session = models.ForeignKey(
        OutreachSession, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=200)
    name = models.CharField(_("name, if given"), max_length=200, blank=True)
    contact_details = models.CharField(_("contact details, if given"), max_length=200, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    age_is_perceived = models.BooleanField(_("age is perceived"), default=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, choices=Ethnicity.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    substance = models.CharField(_("substance"), max_length=20, choices=Substance.choices, blank=True)
    housing = models.CharField(_("housing status"), max_length=20, choices=Housing.choices, blank=True)
    known_to_treatment = models.CharField(
        _("known to treatment"), max_length=20, choices=KnownToTreatment.choices, blank=True
    )
    referral_made = models.CharField(_("referral made"), max_length=20, choices=ReferralMade.choices, default="none")
    engaged = models.BooleanField(_("engaged"))
    not_engaging_reason = models.CharField(
        _("reason for not engaging"), max_length=30, choices=NotEngagingReason.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    # The recorder's hub: whose outreach list it appears on (the front door sees every hub's).
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        "referrals.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="outreach_contacts"
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["-occurred_at"]), models.Index(fields=["person", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.location}, {self.occurred_at:%d %b %Y %H:%M}"
