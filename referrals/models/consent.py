"""Consent, lawful basis and disclosures (PAR-2, PAR-5, §3.16, §3.24): what may be shared
about a person, and what has been, kept beside the person.

The tables keep the names they had when these models lived in ``partnership``
(``partnership_consent``, ``partnership_historicalconsent``, ``partnership_disclosure``):
the models moved, the rows did not (migrations partnership 0003 and referrals 0005).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Organisation
from referrals.models.people import Person

# TH information governance: consent "should be sought every 6 months to ensure its validity".
CONSENT_REVIEW_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the last day of the month where that day does not exist
    (31 August + 6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class Consent(models.Model):
    """One decision about sharing a person's information with one recipient, and the lawful
    basis for sharing (PAR-2, §3.16.2, §3.24.2).

    ``given`` is what the person said; ``lawful_basis`` is why sharing is lawful. Consent is
    the usual basis. Where it is not (vital interests, safeguarding, a legal duty), sharing can
    be lawful even though the person did not agree, and ``basis_note`` says why. Records are
    never edited: a new decision is a new row, a withdrawal fills in the ``withdrawn_*`` fields.
    """

    class Recipient(models.TextChoices):
        TREATMENT = "treatment", _("The Treatment Service")
        GP = "gp", _("Their GP")
        OTHER_AGENCY = "other_agency", _("Another agency (named)")
        NATIONAL_MONITORING = "ndtms", _("National monitoring (NDTMS)")
        RESEARCH = "research", _("Research")

    class LawfulBasis(models.TextChoices):
        """UK GDPR Article 6 and Article 9 conditions, coded so reports can count them."""

        CONSENT = "consent", _("Consent: the person agrees (UK GDPR Articles 6(1)(a) and 9(2)(a))")
        VITAL_INTERESTS = (
            "vital_interests",
            _("Vital interests: to protect someone's life (Articles 6(1)(d) and 9(2)(c))"),
        )
        SAFEGUARDING = (
            "safeguarding",
            _(
                "Safeguarding a child or an adult at risk (Articles 6(1)(e) and 9(2)(g), "
                "Data Protection Act 2018 Schedule 1 paragraph 18)"
            ),
        )
        HEALTH_CARE = (
            "health_care",
            _("Public task: providing health or social care (Articles 6(1)(e) and 9(2)(h))"),
        )
        LEGAL_OBLIGATION = (
            "legal_obligation",
            _("Legal obligation, such as a court order (Articles 6(1)(c) and 9(2)(f))"),
        )

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    recipient = models.CharField(_("who with"), max_length=20, choices=Recipient.choices)
    agency_name = models.CharField(_("agency"), max_length=200, blank=True)
    given = models.BooleanField(_("the person agreed"))
    lawful_basis = models.CharField(
        _("lawful basis"), max_length=30, choices=LawfulBasis.choices, default=LawfulBasis.CONSENT
    )
    basis_note = models.TextField(_("why sharing is lawful without consent"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), db_index=True)
    review_due = models.DateField(_("review due"), db_index=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=1000, blank=True)
    history = HistoricalRecords(table_name="partnership_historicalconsent")

    class Meta:
        db_table = "partnership_consent"
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["person", "recipient"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(recipient="other_agency") | ~models.Q(agency_name=""),
                name="consent_other_agency_is_named",
            ),
            models.CheckConstraint(
                condition=models.Q(lawful_basis="consent") | ~models.Q(basis_note=""),
                name="consent_other_basis_is_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_recipient_display()} ({self.get_lawful_basis_display()})"

    @property
    def recipient_label(self) -> str:
        if self.recipient == self.Recipient.OTHER_AGENCY and self.agency_name:
            return self.agency_name
        return str(self.get_recipient_display())

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def allows_sharing(self) -> bool:
        """Sharing is lawful under this record: the person agreed, or another basis applies."""
        if self.is_withdrawn:
            return False
        return self.given or self.lawful_basis != self.LawfulBasis.CONSENT


class Disclosure(models.Model):
    """Append-only: one row per disclosure of a person's data to another organisation
    (PAR-5, §3.16.6, §3.24.2). It says what kind of data went, to whom, on what lawful basis
    and who sent it: never the data itself."""

    class Dataset(models.TextChoices):
        # §3.2.10: the agreed minimum dataset.
        TREATMENT_REFERRAL = (
            "treatment_referral",
            _("Referral to the Treatment Service: the agreed minimum dataset"),
        )
        ONWARD_REFERRAL = "onward_referral", _("Onward referral: contact details and the reason for referral")
        # The secure records export for the Treatment Service or an incoming provider (PAR-7,
        # §3.23.4, §4.5.1).
        RECORDS_EXPORT = "records_export", _("Secure records export")
        # SAF-2, §3.15.9: a chronology for a case conference or a court (safeguarding).
        SAFEGUARDING_CHRONOLOGY = "safeguarding_chronology", _("Safeguarding chronology")
        # SAF-1: one safeguarding concern, shared with the Treatment Service on a recorded basis.
        SAFEGUARDING_CONCERN = "safeguarding_concern", _("Safeguarding concern")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_organisation_name = models.CharField(max_length=200)
    dataset = models.CharField(max_length=30, choices=Dataset.choices)
    description = models.CharField(max_length=500, blank=True)
    lawful_basis = models.CharField(max_length=30, choices=Consent.LawfulBasis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "partnership_disclosure"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The disclosure log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The disclosure log is append-only.")
