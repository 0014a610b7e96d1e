"""Coded answers a report counts (ASM-3, ASM-4, ASM-6). "Not asked" is every coded field's
default and is distinct from "prefer not to say", which is an answer the person gave (ASM-3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

NOT_ASKED = "not_asked"
PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
    NOT_ASKED = NOT_ASKED, _("Not asked yet")


class Substance(models.TextChoices):
    # ASM-4's coded list.
    ALCOHOL = "alcohol", _("Alcohol")
    OPIOIDS = "opioids", _("Opioids (including heroin and illicit methadone)")
    CRACK = "crack", _("Crack cocaine")
    COCAINE = "cocaine", _("Powder cocaine")
    CANNABIS = "cannabis", _("Cannabis")
    BENZODIAZEPINES = "benzodiazepines", _("Benzodiazepines")
    NPS = "nps", _("New psychoactive substances")
    IPED = "iped", _("Image and performance enhancing drugs")
    PRESCRIPTION = "prescription", _("Prescription or over-the-counter medicines not as prescribed")
    OTHER = "other", _("Another substance")


OPIATES = frozenset({Substance.OPIOIDS})


class Route(models.TextChoices):
    ORAL = "oral", _("Swallowed or drunk")
    SMOKED = "smoked", _("Smoked")
    SNIFFED = "sniffed", _("Sniffed or snorted")
    INJECTED = "injected", _("Injected")
    OTHER = "other", _("Another way")
    NOT_ASKED = NOT_ASKED, _("Not asked yet")


class Injecting(models.TextChoices):
    NEVER = "never", _("Never injected")
    PREVIOUSLY = "previously", _("Injected before, not now")
    CURRENTLY = "currently", _("Injecting now")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")
    NOT_ASKED = NOT_ASKED, _("Not asked yet")


class ReportingGroup(models.TextChoices):
    """The groups commissioners report by (ASM-4, the NDTMS substance groups)."""

    OPIATE = "opiate", _("Opiate")
    NON_OPIATE_ONLY = "non_opiate_only", _("Non-opiate only")
    ALCOHOL_ONLY = "alcohol_only", _("Alcohol only")
    NON_OPIATE_AND_ALCOHOL = "non_opiate_and_alcohol", _("Non-opiate and alcohol")


def reporting_group(*substances: str) -> ReportingGroup | None:
    """The commissioners' group for the substances recorded (blanks ignored); None when none is.

    Any opiate makes the group "opiate", whatever else is used; otherwise alcohol with any
    other substance is "non-opiate and alcohol", alcohol alone "alcohol only" and anything
    else "non-opiate only"."""
    used = {substance for substance in substances if substance}
    if not used:
        return None
    if used & OPIATES:
        return ReportingGroup.OPIATE
    if Substance.ALCOHOL in used:
        return ReportingGroup.NON_OPIATE_AND_ALCOHOL if len(used) > 1 else ReportingGroup.ALCOHOL_ONLY
    return ReportingGroup.NON_OPIATE_ONLY


class Trigger(models.TextChoices):
    """The escalation triggers of §3.3.5 (ASM-6): any one prompts an escalation to Treatment."""

    CHILD_PROTECTION = "child_protection", _("Child protection or children's social care involvement")
    ADULT_SAFEGUARDING = "adult_safeguarding", _("Adult safeguarding or self-neglect (for example cuckooing)")
    CRIMINAL_JUSTICE = "criminal_justice", _("Criminal justice involvement")
    PHYSICAL_HEALTH = "physical_health", _("Serious physical health concern")
    PREGNANCY = "pregnancy", _("Pregnant or in the postnatal period")
    SUICIDAL = "suicidal", _("Active suicidal thoughts or a recent attempt")
    PSYCHOLOGICAL = "psychological", _("Worsening psychological wellbeing")


# Triggers that are an immediate risk: the safeguarding or crisis steps come first (§3.3.4).
IMMEDIATE_TRIGGERS = frozenset({Trigger.SUICIDAL, Trigger.CHILD_PROTECTION, Trigger.ADULT_SAFEGUARDING})

# Triggers that are a safeguarding concern: recording one is a safeguarding alert for the
# person's plan review (PLN-2, §3.4.2), as is anything written in the safeguarding field.
SAFEGUARDING_TRIGGERS = frozenset({Trigger.CHILD_PROTECTION, Trigger.ADULT_SAFEGUARDING})
