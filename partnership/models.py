"""Organisations, hubs, staff membership and the append-only access log (PAR-1, SEC-2)."""

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


class Council(models.TextChoices):
    """Where someone lives, as the quarterly reports count it. Cumbria has two unitary councils
    since April 2023 (the specification's footnote 16). Defined here because a hub has a council
    too and partnership imports no other app; referrals use it for a person's council of
    residence, with "outside the area" for anyone living elsewhere."""

    CUMBERLAND = "cumberland", _("Cumberland")
    WESTMORLAND_AND_FURNESS = "westmorland_and_furness", _("Westmorland and Furness")
    OUTSIDE_AREA = "outside_area", _("Outside the area the service covers")


# The councils inside the area the service covers: the only ones a hub can belong to.
COUNCILS_IN_AREA = (Council.CUMBERLAND, Council.WESTMORLAND_AND_FURNESS)


class Hub(models.Model):
    """A recovery hub (PAR-1, §3.5.2): where allocated people are supported."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="hubs")
    name = models.CharField(max_length=100, unique=True)
    council = models.CharField(
        _("council"),
        max_length=30,
        choices=[(c.value, c.label) for c in COUNCILS_IN_AREA],
        blank=True,
    )
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


class AccessLogSubject(models.Model):
    """Append-only: one person whose row a list page showed, under that page's access-log row
    (SEC-2). A plain id, like ``AccessLog.person_id``: partnership points at no other app."""

    log = models.ForeignKey(AccessLog, on_delete=models.PROTECT, related_name="subjects")
    person_id = models.PositiveBigIntegerField(db_index=True)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only.")
