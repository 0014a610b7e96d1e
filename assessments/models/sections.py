"""The sections of a person's living assessment: one row each per person, every field optional,
every save a version (ASM-1 to ASM-4, ASM-7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessments.models.codes import (
    NOT_ASKED,
    PREFER_NOT_TO_SAY,
    Answer,
    Injecting,
    ReportingGroup,
    Route,
    Substance,
    reporting_group,
)

TEXT_MAX = 2000


def _text(label):
    return models.TextField(label, blank=True, max_length=TEXT_MAX)


def _coded(label, choices, default=NOT_ASKED):
    return models.CharField(label, max_length=30, choices=choices, default=default)


class Section(models.Model):
    """What every section has: whose it is and when it last changed."""

    person = models.OneToOneField("referrals.Person", on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class NeedsSection(Section):
    """ASM-1: needs, aspirations and goals, in the person's own words."""

    needs = _text(_("needs"))
    strengths = _text(_("strengths and what is going well"))
    aspirations = _text(_("aspirations"))
    goals = _text(_("goals"))
    history = HistoricalRecords()


class RiskSection(Section):
    """ASM-1 and ASM-6: risks, safeguarding and co-occurring mental health. The whole record is
    safeguarding detail (registered in ``assessments.apps``): never for peer workers."""

    class MentalHealth(models.TextChoices):
        DIAGNOSED = "diagnosed", _("Yes, with a diagnosis")
        UNDIAGNOSED = "undiagnosed", _("Yes, not diagnosed")
        NO = "no", _("No")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    risk_to_self = _text(_("risk to self"))
    risk_to_others = _text(_("risk to others"))
    risk_from_others = _text(_("risk from others"))
    safeguarding = _text(_("safeguarding concerns"))
    mental_health = _coded(_("co-occurring mental health needs"), MentalHealth.choices)
    mental_health_notes = _text(_("mental health notes"))
    # ASM-6: Trigger values; any one prompts an escalation to the Treatment Service.
    triggers = models.JSONField(_("escalation triggers"), default=list, blank=True)
    trigger_notes = _text(_("about the triggers"))
    history = HistoricalRecords()


class SubstanceSection(Section):
    """ASM-4: coded substances, route and injecting status, and the reporting group."""

    primary_substance = models.CharField(_("main substance"), max_length=30, choices=Substance.choices, blank=True)
    secondary_substance = models.CharField(_("second substance"), max_length=30, choices=Substance.choices, blank=True)
    route = _coded(_("how the main substance is used"), Route.choices)
    injecting = _coded(_("injecting"), Injecting.choices)
    notes = _text(_("notes"))
    history = HistoricalRecords()

    @property
    def reporting_group(self) -> ReportingGroup | None:
        return reporting_group(self.primary_substance, self.secondary_substance)


class EqualitySection(Section):
    """ASM-3: the nine protected characteristics (age from the date of birth on the person's
    record) plus armed forces, care experience, neurodivergence, rurality and language."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Relationship(models.TextChoices):
        SINGLE = "single", _("Never married or in a civil partnership")
        MARRIED = "married", _("Married")
        CIVIL_PARTNERSHIP = "civil_partnership", _("In a civil partnership")
        SEPARATED = "separated", _("Separated")
        DIVORCED = "divorced", _("Divorced or civil partnership dissolved")
        WIDOWED = "widowed", _("Widowed or surviving civil partner")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Pregnancy(models.TextChoices):
        PREGNANT = "pregnant", _("Pregnant")
        POSTNATAL = "postnatal", _("Given birth in the last 12 months")
        NO = "no", _("No")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Ethnicity(models.TextChoices):
        # The five ONS 2021 groups; "other" for any the person describes differently.
        ASIAN = "asian", _("Asian or Asian British")
        BLACK = "black", _("Black, Black British, Caribbean or African")
        MIXED = "mixed", _("Mixed or multiple ethnic groups")
        WHITE = "white", _("White")
        OTHER = "other", _("Another ethnic group")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Religion(models.TextChoices):
        NONE = "none", _("No religion")
        BUDDHIST = "buddhist", _("Buddhist")
        CHRISTIAN = "christian", _("Christian")
        HINDU = "hindu", _("Hindu")
        JEWISH = "jewish", _("Jewish")
        MUSLIM = "muslim", _("Muslim")
        SIKH = "sikh", _("Sikh")
        OTHER = "other", _("Another religion or belief")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Orientation(models.TextChoices):
        STRAIGHT = "straight", _("Straight or heterosexual")
        GAY_LESBIAN = "gay_lesbian", _("Gay or lesbian")
        BISEXUAL = "bisexual", _("Bisexual")
        OTHER = "other", _("Another sexual orientation")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class ArmedForces(models.TextChoices):
        SERVING = "serving", _("Serving now")
        VETERAN = "veteran", _("Served in the past")
        FAMILY = "family", _("Family member of someone who serves or served")
        NO = "no", _("No")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Neurodivergence(models.TextChoices):
        DIAGNOSED = "diagnosed", _("Yes, diagnosed")
        SELF_IDENTIFIED = "self_identified", _("Yes, not diagnosed")
        NO = "no", _("No")
        PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class Rurality(models.TextChoices):
        URBAN = "urban", _("Town or city")
        RURAL = "rural", _("Village or countryside")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    disability = _coded(_("disability or long-term condition"), Answer.choices)
    gender_reassignment = _coded(_("gender identity differs from sex registered at birth"), Answer.choices)
    relationship = _coded(_("marriage or civil partnership"), Relationship.choices)
    pregnancy = _coded(_("pregnancy or maternity"), Pregnancy.choices)
    ethnicity = _coded(_("ethnic group"), Ethnicity.choices)
    religion = _coded(_("religion or belief"), Religion.choices)
    sex = _coded(_("sex"), Sex.choices)
    sexual_orientation = _coded(_("sexual orientation"), Orientation.choices)
    armed_forces = _coded(_("armed forces"), ArmedForces.choices)
    care_experienced = _coded(_("care experienced"), Answer.choices)
    neurodivergence = _coded(_("neurodivergent"), Neurodivergence.choices)
    rurality = _coded(_("where they live"), Rurality.choices)
    # Blank: not asked yet.
    first_language = models.CharField(_("first language"), max_length=100, blank=True)
    interpreter = _coded(_("needs an interpreter"), Answer.choices)
    history = HistoricalRecords()


class CarersSection(Section):
    """ASM-7: caring roles and carer support, and parental status (the children are ``Child``)."""

    caring_role = _coded(_("cares for someone"), Answer.choices)
    caring_for = _text(_("who they care for"))
    carer_support_offered = _coded(_("carer support offered"), Answer.choices)
    parent = _coded(_("parent or has parental responsibility"), Answer.choices)
    notes = _text(_("notes"))
    history = HistoricalRecords()


class Child(models.Model):
    """One child of the person (ASM-7, Tower Hamlets hidden harm fields)."""

    class MainCarer(models.TextChoices):
        PERSON = "person", _("The person we support")
        OTHER_PARENT = "other_parent", _("The other parent")
        FAMILY = "family", _("Another family member or friend")
        LOCAL_AUTHORITY = "local_authority", _("Foster care or the council")
        OTHER = "other", _("Someone else")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    class ProtectionPlan(models.TextChoices):
        NOW = "now", _("Yes, now")
        PAST = "past", _("In the past, not now")
        NEVER = "never", _("Never")
        NOT_ASKED = NOT_ASKED, _("Not asked yet")

    person = models.ForeignKey("referrals.Person", on_delete=models.CASCADE, related_name="+")
    # An age, not a date of birth: the least that answers the question.
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    main_carer = _coded(_("main carer"), MainCarer.choices)
    health_visitor = _coded(_("has a health visitor"), Answer.choices)
    early_help = _coded(_("Early Help assessment done"), Answer.choices)
    protection_plan = _coded(_("child protection plan"), ProtectionPlan.choices)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
