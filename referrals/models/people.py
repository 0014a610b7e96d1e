"""A person who is referred, and the coded values their record uses (REF-1 to REF-9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Council
from referrals.models.references import new_person_reference


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known")


class Substance(models.TextChoices):
    """Coded substances (ASM-4); the same list the assessment will use."""

    ALCOHOL = "alcohol", _("Alcohol")
    OPIOIDS = "opioids", _("Opioids (for example heroin)")
    CRACK = "crack", _("Crack cocaine")
    COCAINE = "cocaine", _("Powder cocaine")
    CANNABIS = "cannabis", _("Cannabis")
    BENZODIAZEPINES = "benzodiazepines", _("Benzodiazepines")
    NPS = "nps", _("New psychoactive substances")
    IPED = "iped", _("Image and performance enhancing drugs")
    PRESCRIPTION = "prescription", _("Prescription or over-the-counter medicines")
    OTHER = "other", _("Something else")


# §3.1.2: every coded substance is in scope (alcohol, any illicit drug, misused medicines,
# poly-substance use, emerging trends). "Other" is in scope too: emerging trends count.
SUBSTANCES_IN_SCOPE = frozenset(Substance.values)


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")


class CommunicationNeed(models.TextChoices):
    """§3.2.8, §3.19.6: what helps a person take part, asked at referral and passed on."""

    INTERPRETER = "interpreter", _("An interpreter")
    BSL = "bsl", _("A British Sign Language interpreter")
    LARGE_PRINT = "large_print", _("Large print")
    EASY_READ = "easy_read", _("Easy read")
    BRAILLE = "braille", _("Braille")
    OTHER = "other", _("Something else")


def describe_communication_needs(needs, interpreter_language: str = "", other: str = "") -> str:
    """Coded communication needs in words, in the order of the choices, with the interpreter's
    language and the description of "something else": for the referral page and the dataset."""
    parts = []
    for value, label in CommunicationNeed.choices:
        if value not in (needs or ()):
            continue
        if value == CommunicationNeed.INTERPRETER and interpreter_language:
            parts.append(f"{label} ({interpreter_language})")
        elif value == CommunicationNeed.OTHER and other:
            parts.append(f"{label}: {other}")
        else:
            parts.append(str(label))
    return "; ".join(parts)


class Person(models.Model):
    """Someone the service supports. Created or matched at triage (REF-4), never by the public form."""

    # In URLs and on screen instead of the row's number (referrals.models.references).
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_person_reference, editable=False
    )
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    # In the person's own words ("she/her", "they/them"), shown beside their name on every page
    # of their record so nobody has to ask twice. Blank: not asked or not given.
    pronouns = models.CharField(_("pronouns"), max_length=50, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    nhs_number = models.CharField(_("NHS number"), max_length=10, blank=True, db_index=True)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Coded for the quarterly reports; derived from the postcode where it can be
    # (referrals.places), otherwise asked. Blank: not known.
    council_of_residence = models.CharField(
        _("council of residence"), max_length=30, choices=Council.choices, blank=True
    )
    # PAR-6 (§3.16.4, UK GDPR Art. 18): while restricted the record is kept but services refuse
    # to change it (referrals.data_rights.restriction); set and lifted by the DPO with a reason.
    processing_restricted = models.BooleanField(_("processing restricted"), default=False)
    processing_restricted_at = models.DateTimeField(_("processing restricted on"), null=True, blank=True)
    processing_restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    processing_restriction_reason = models.CharField(_("why processing is restricted"), max_length=500, blank=True)
    # Lower-cased, accent-free "given family" for duplicate matching (REF-4).
    search_name = models.CharField(max_length=201, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name"]), models.Index(fields=["date_of_birth"])]
        permissions = [
            # Granted per object, to an organisation's group, only while a lawful basis for
            # sharing holds (PAR-2, SEC-1): see referrals.services.grants.
            ("view_shared_record", "Can view the dataset shared with their organisation"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
