"""Serious incidents and near misses (SAF-3, §3.18, §4.4.4), deaths in service and drug and
alcohol related death review panels (§3.29.2, §3.29.3), non-fatal overdoses and naloxone
administered (§3.29.2), and data-security incidents (SAF-6, §3.23.8). Re-exported by
``notifications.py``.

Each is linked to a person where there is one (``person`` may be empty: an incident in a hub's
waiting room, a lost laptop), and named by a random reference."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safeguarding.references import (
    new_data_security_reference,
    new_death_reference,
    new_overdose_reference,
    new_serious_incident_reference,
)

__all__ = ["DataSecurityIncident", "DeathInService", "IncidentAction", "NonFatalOverdose", "SeriousIncident"]


class IncidentCategory(models.TextChoices):
    """The three groups of §3.18.1."""

    REGULATORY_SAFETY = "regulatory_safety", _("Regulatory and safety")
    HARM_SAFEGUARDING = "harm_safeguarding", _("Harm and safeguarding")
    VIOLENCE_EMERGENCIES = "violence_emergencies", _("Violence and emergencies")


class IncidentType(models.TextChoices):
    """§3.18.1's examples within each group ("includes but is not limited to": each group has
    an "other" too). ``CATEGORY_OF`` says which group each belongs to."""

    REGULATOR_REPORTABLE = "regulator_reportable", _("Reportable to the CQC or another regulator")
    HSE_REPORTABLE = "hse_reportable", _("Reportable under Health and Safety Executive guidance (HSG245)")
    OTHER_REGULATORY = "other_regulatory", _("Another regulatory or safety incident")
    DEATH = "death", _("Death of a member of staff, a volunteer or a person using the service")
    ATTEMPTED_SUICIDE = (
        "attempted_suicide",
        _("Attempted suicide of a member of staff, a volunteer or a person using the service"),
    )
    SERIOUS_INJURY = "serious_injury", _("Serious injury needing medical treatment, from an attack or accident")
    SAFEGUARDING_ACTION = "safeguarding_action", _("Needing safeguarding action for an adult or a child")
    ABUSE = "abuse", _("Abuse of a child or an adult")
    OTHER_HARM = "other_harm", _("Another incident of harm")
    WEAPONS = "weapons", _("Use or threat of weapons")
    SERVICE_RESTRICTED = "service_restricted", _("An emergency leading to a service being restricted or closed")
    EMERGENCY_CALL = "emergency_call", _("An emergency call made during service provision")
    OTHER_VIOLENCE = "other_violence", _("Another incident of violence or an emergency")


CATEGORY_OF = {
    IncidentType.REGULATOR_REPORTABLE: IncidentCategory.REGULATORY_SAFETY,
    IncidentType.HSE_REPORTABLE: IncidentCategory.REGULATORY_SAFETY,
    IncidentType.OTHER_REGULATORY: IncidentCategory.REGULATORY_SAFETY,
    IncidentType.DEATH: IncidentCategory.HARM_SAFEGUARDING,
    IncidentType.ATTEMPTED_SUICIDE: IncidentCategory.HARM_SAFEGUARDING,
    IncidentType.SERIOUS_INJURY: IncidentCategory.HARM_SAFEGUARDING,
    IncidentType.SAFEGUARDING_ACTION: IncidentCategory.HARM_SAFEGUARDING,
    IncidentType.ABUSE: IncidentCategory.HARM_SAFEGUARDING,
    IncidentType.OTHER_HARM: IncidentCategory.HARM_SAFEGUARDING,
    IncidentType.WEAPONS: IncidentCategory.VIOLENCE_EMERGENCIES,
    IncidentType.SERVICE_RESTRICTED: IncidentCategory.VIOLENCE_EMERGENCIES,
    IncidentType.EMERGENCY_CALL: IncidentCategory.VIOLENCE_EMERGENCIES,
    IncidentType.OTHER_VIOLENCE: IncidentCategory.VIOLENCE_EMERGENCIES,
}


def _person_fk(related_name: str, *, required: bool = False):
    return models.ForeignKey(
        "referrals.Person",
        on_delete=models.PROTECT,
        null=not required,
        blank=not required,
        related_name=related_name,
        verbose_name=_("person"),
    )


class SeriousIncident(models.Model):
    """A serious incident or a near miss (§3.18.1), with root-cause analysis and learning
    (§4.4.4). Serious incidents are notified to the council; near misses are recorded and
    learned from."""

    class Seriousness(models.TextChoices):
        SERIOUS = "serious", _("Serious incident")
        NEAR_MISS = "near_miss", _("Near miss")

    reference = models.CharField(max_length=12, unique=True, editable=False, default=new_serious_incident_reference)
    seriousness = models.CharField(_("serious incident or near miss"), max_length=20, choices=Seriousness.choices)
    category = models.CharField(_("category"), max_length=30, choices=IncidentCategory.choices)
    incident_type = models.CharField(_("type"), max_length=30, choices=IncidentType.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    known_at = models.DateTimeField(_("when the service knew of it"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    immediate_action = models.TextField(_("immediate action taken"), blank=True)
    person = _person_fk("serious_incidents")
    root_cause = models.TextField(_("root-cause analysis"), blank=True)
    learning = models.TextField(_("learning"), blank=True)
    learning_shared_on = models.DateField(_("learning shared with the Partnership Board"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_seriousness_display()} {self.reference}"


class IncidentAction(models.Model):
    """An action from a serious incident's review (§4.4.4): who, by when, and when done."""

    incident = models.ForeignKey(SeriousIncident, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.CharField(_("owner"), max_length=120)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]


class DeathInService(models.Model):
    """A death of someone the service supports (§3.29.3), notified to the council, and the
    drug and alcohol related death review panel's consideration of it (§3.29.2)."""

    class Cause(models.TextChoices):
        DRUG = "drug", _("Drug-related (suspected or confirmed)")
        ALCOHOL = "alcohol", _("Alcohol-related (suspected or confirmed)")
        OTHER = "other", _("Another cause")
        NOT_KNOWN = "not_known", _("Not known yet")

    reference = models.CharField(max_length=12, unique=True, editable=False, default=new_death_reference)
    person = _person_fk("deaths_in_service", required=True)
    died_on = models.DateField(_("date of death"))
    known_at = models.DateTimeField(_("when the service learned of it"))
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    circumstances = models.TextField(_("what is known"), blank=True)
    coroner_informed = models.BooleanField(_("the coroner is involved"), default=False)
    panel_review_on = models.DateField(_("death review panel"), null=True, blank=True)
    panel_attended_by = models.CharField(_("who attended the panel for the service"), max_length=200, blank=True)
    panel_learning = models.TextField(_("the panel's learning"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-died_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person"], name="one_death_per_person")]

    def __str__(self) -> str:
        return f"Death in service {self.reference}"


class NonFatalOverdose(models.Model):
    """A non-fatal overdose, and naloxone if it was given (§3.29.2; Tower Hamlets' monitoring:
    overdoses and naloxone administered by staff in an emergency)."""

    class NaloxoneBy(models.TextChoices):
        NOT_GIVEN = "not_given", _("No naloxone was given")
        STAFF = "staff", _("A member of staff")
        PEER = "peer", _("A peer supporter or volunteer")
        PERSON_PRESENT = "person_present", _("Someone else present")
        EMERGENCY_SERVICES = "emergency_services", _("The emergency services")

    reference = models.CharField(max_length=12, unique=True, editable=False, default=new_overdose_reference)
    person = _person_fk("non_fatal_overdoses")
    occurred_at = models.DateTimeField(_("when it happened"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    substances = models.CharField(_("substances involved, if known"), max_length=200, blank=True)
    naloxone_by = models.CharField(_("naloxone given by"), max_length=20, choices=NaloxoneBy.choices)
    naloxone_doses = models.PositiveSmallIntegerField(_("doses of naloxone"), default=0)
    emergency_services_called = models.BooleanField(_("emergency services called"), default=False)
    taken_to_hospital = models.BooleanField(_("taken to hospital"), default=False)
    suspected_adulteration = models.BooleanField(
        _("a contaminated or unusually strong batch is suspected"), default=False
    )
    follow_up = models.TextField(_("follow-up"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"Non-fatal overdose {self.reference}"


class DataSecurityIncident(models.Model):
    """A security incident involving personal data (SAF-6, §3.23.8): each council notified
    within 72 hours of discovery, and whether it was reported to the ICO."""

    class Ico(models.TextChoices):
        NOT_DECIDED = "not_decided", _("Not decided yet")
        REPORTED = "reported", _("Reported to the ICO")
        NOT_REPORTABLE = "not_reportable", _("Not reportable: unlikely to risk people's rights")

    reference = models.CharField(max_length=12, unique=True, editable=False, default=new_data_security_reference)
    discovered_at = models.DateTimeField(_("when it was discovered"))
    occurred_at = models.DateTimeField(_("when it happened, if known"), null=True, blank=True)
    description = models.TextField(_("what happened"))
    people_affected = models.PositiveIntegerField(_("how many people are affected"), default=0)
    person = _person_fk("data_security_incidents")
    containment = models.TextField(_("what was done to contain it"), blank=True)
    ico = models.CharField(_("the ICO"), max_length=20, choices=Ico.choices, default=Ico.NOT_DECIDED)
    ico_reported_at = models.DateTimeField(_("reported to the ICO"), null=True, blank=True)
    ico_reference = models.CharField(_("the ICO's reference"), max_length=60, blank=True)
    learning = models.TextField(_("learning"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-discovered_at", "-pk"]

    def __str__(self) -> str:
        return f"Data-security incident {self.reference}"
