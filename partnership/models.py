"""Organisations, hubs, staff membership and the append-only access log (PAR-1, SEC-2)."""

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def staff_display_name(user) -> str:
    """How a member of staff is named on every page: full name, else username; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ERS = "ers", _("Engagement and Recovery Support service")
        TREATMENT = "treatment", _("Treatment Service")
        COUNCIL = "council", _("Council")
        PARTNER = "partner", _("Partner agency")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Hub(models.Model):
    """A recovery hub (PAR-1, §3.5.2): where allocated people are supported."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hubs")
    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Roles from the table in REQUIREMENTS.md. Each has a Django group of the same code."""

    SPOC_PRACTITIONER = "spoc_practitioner", _("SPOC practitioner")
    HUB_WORKER = "hub_worker", _("Recovery worker")
    PEER_WORKER = "peer_worker", _("Peer support worker or volunteer")
    MANAGER = "manager", _("Team manager")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    TREATMENT_PRACTITIONER = "treatment_practitioner", _("Treatment Service practitioner")
    COMMISSIONER = "commissioner", _("Commissioner")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")


class Membership(models.Model):
    """A member of staff's place: their organisation, hub and role.

    One active membership per user for now; managers covering several hubs come with the
    full access model.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    job_title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["role", "hub"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Roles, hubs and organisations are Django groups, so model-level permissions, the
        # admin and per-object grants follow the membership: partnership.grants decides which.
        from partnership.grants import sync_membership

        sync_membership(membership=self)


class AccessLog(models.Model):
    """Append-only: one row per view of a person's record, export or disclosure (SEC-2)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        DISCLOSE = "disclose", _("Disclosed")
        # A restricted record opened without routine access, with the reason given (SEC-1).
        BREAK_GLASS = "break_glass", _("Opened a restricted record")
        # Access to a person's record given to, or taken from, an organisation (PAR-2).
        GRANT = "grant", _("Access granted")
        REVOKE = "revoke", _("Access withdrawn")
        # Records brought in from another system's secure export (PAR-7, referrals.data_rights).
        IMPORT = "import", _("Imported")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    person_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only.")


# --- Consent, lawful basis and disclosures (PAR-2, PAR-5, §3.16, §3.24) ---------------------

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

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="consents")
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
    history = HistoricalRecords()

    class Meta:
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
        TREATMENT_REFERRAL = (
            "treatment_referral",
            _("Referral to the Treatment Service: the agreed minimum dataset (§3.2.10)"),
        )
        ONWARD_REFERRAL = "onward_referral", _("Onward referral: contact details and the reason for referral")
        # The secure records export for the Treatment Service or an incoming provider (PAR-7).
        RECORDS_EXPORT = "records_export", _("Secure records export (§3.23.4, §4.5.1)")

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="disclosures")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_organisation_name = models.CharField(max_length=200)
    dataset = models.CharField(max_length=30, choices=Dataset.choices)
    description = models.CharField(max_length=500, blank=True)
    lawful_basis = models.CharField(max_length=30, choices=Consent.LawfulBasis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosures")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The disclosure log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The disclosure log is append-only.")
