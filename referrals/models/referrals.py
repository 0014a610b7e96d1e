"""Referrals and triage: the front door (REF-1 to REF-9).

Values a report will count are coded (TextChoices), never free text. Every step a KPI
measures has its own timestamp on the referral (REF-9), and every change of status writes a
``StatusTransition`` row that reporting reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partnership.models import Council, Hub
from referrals.models.people import Person, YesNoUnknown, describe_communication_needs
from referrals.models.references import new_reference


class Referral(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        CONTACTING = "contacting", _("Contact attempted")
        IN_TRIAGE = "in_triage", _("In triage")
        TRIAGED = "triaged", _("Triaged, awaiting allocation")
        ALLOCATED = "allocated", _("Allocated")
        CLOSED = "closed", _("Closed")

    # The status pipeline (one table, as in django-oscar). Anything not listed is refused.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.RECEIVED: frozenset({Status.CONTACTING, Status.IN_TRIAGE, Status.CLOSED}),
        Status.CONTACTING: frozenset({Status.IN_TRIAGE, Status.CLOSED}),
        Status.IN_TRIAGE: frozenset({Status.TRIAGED, Status.CLOSED}),
        Status.TRIAGED: frozenset({Status.ALLOCATED, Status.CLOSED}),
        Status.ALLOCATED: frozenset({Status.CLOSED}),
        # A closed referral can be reopened (a wrong outcome, or contact made late).
        Status.CLOSED: frozenset({Status.RECEIVED}),
    }
    # The SPOC queue: referrals still waiting for contact or triage (REF-5).
    QUEUE_STATUSES = (Status.RECEIVED, Status.CONTACTING, Status.IN_TRIAGE, Status.TRIAGED)

    class Step(models.TextChoices):
        """Work recorded on a referral without (necessarily) changing its status."""

        CONTACT = "contact", _("Record a contact attempt")
        SCREENING = "screening", _("Record screening and risk")
        OUTCOME = "outcome", _("Record the triage outcome")
        ALLOCATE = "allocate", _("Allocate to a hub and worker")
        REALLOCATE = "reallocate", _("Reallocate")
        ESCALATE = "escalate", _("Record an escalation")
        FIRST_APPOINTMENT = "first_appointment", _("Record the first appointment")
        PRIORITISE = "prioritise", _("Change the priority")

    # Which statuses allow each step: the one table services enforce and views ask
    # (``Referral.allows``), beside the pipeline above. Closing and reopening are the
    # pipeline's own (``can_move_to``).
    STEPS: dict[str, frozenset[str]] = {
        # REF-6: contact attempts until triage is done.
        Step.CONTACT: frozenset({Status.RECEIVED, Status.CONTACTING, Status.IN_TRIAGE}),
        # Screening can be corrected until the person is allocated (then it is casework).
        Step.SCREENING: frozenset({Status.RECEIVED, Status.CONTACTING, Status.IN_TRIAGE, Status.TRIAGED}),
        # REF-7: one outcome per triage; reopening clears the way for another.
        Step.OUTCOME: frozenset({Status.RECEIVED, Status.CONTACTING, Status.IN_TRIAGE}),
        Step.ALLOCATE: frozenset({Status.TRIAGED}),
        Step.REALLOCATE: frozenset({Status.ALLOCATED}),
        # §3.2.6: the escalation protocol applies to any open referral.
        Step.ESCALATE: frozenset(set(Status) - {Status.CLOSED}),
        # REF-9: the first appointment is offered once ERS has accepted the person.
        Step.FIRST_APPOINTMENT: frozenset({Status.TRIAGED, Status.ALLOCATED}),
        # §3.2.6: the priority orders the queue, so it can change while the referral is in it.
        Step.PRIORITISE: frozenset(QUEUE_STATUSES),
    }

    class Priority(models.IntegerChoices):
        # Lower sorts first. Children's Services referrals are priority (§3.2.6, §3.15.5).
        URGENT = 1, _("Urgent")
        CHILDRENS_SERVICES = 2, _("Children's Services")
        ROUTINE = 3, _("Routine")

    class ReferrerType(models.TextChoices):
        SELF = "self", _("Self-referral")
        FAMILY = "family", _("Family member, friend or carer")
        PROFESSIONAL = "professional", _("Professional")
        TRANSFER = "transfer", _("Transfer from another agency")

    class Source(models.TextChoices):
        """REF-2: the fixed list of referral sources."""

        SELF = "self", _("Self")
        GP = "gp", _("GP")
        HOSPITAL = "hospital", _("Hospital or A&E")
        CHILDRENS_SERVICES = "childrens_services", _("Children's Services")
        EARLY_HELP = "early_help", _("Early Help")
        YOUTH_JUSTICE = "youth_justice", _("Youth Justice")
        CHILD_PROTECTION = "child_protection", _("Child Protection")
        ADULT_SOCIAL_CARE = "adult_social_care", _("Adult social care")
        PROBATION = "probation", _("Probation")
        POLICE = "police", _("Police or custody")
        PRISON = "prison", _("Prison")
        HOUSING = "housing", _("Housing")
        MENTAL_HEALTH = "mental_health", _("Mental health service")
        VCFSE = "vcfse", _("Other voluntary or community organisation")
        FAMILY = "family", _("Family member or carer")
        # Named by the specification (§1.1.6, §3.1.3, §3.11.1) and counted by the reports.
        TREATMENT_STEP_DOWN = "treatment_step_down", _("Treatment Service (stepping down from treatment)")
        YOUNG_PEOPLES_SERVICE = "young_peoples_service", _("Young people's substance use service")
        MATERNITY = "maternity", _("Maternity service")
        AMBULANCE = "ambulance", _("Ambulance service")
        DWP = "dwp", _("DWP or Jobcentre Plus")
        COURTS_IOM = "courts_iom", _("Courts or integrated offender management")
        DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse service")
        OTHER = "other", _("Other")

    # Sources that are Children's Services (incl. Early Help, Youth Justice, Child Protection).
    CHILDRENS_SERVICES_SOURCES = frozenset(
        {Source.CHILDRENS_SERVICES, Source.EARLY_HELP, Source.YOUTH_JUSTICE, Source.CHILD_PROTECTION}
    )

    class SupportFor(models.TextChoices):
        """Who the support is for (§3.1.1.b, §3.1.1.c): reports count carers separately."""

        OWN_USE = "own_use", _("The person's own alcohol or drug use")
        CARER = "carer", _("Support as a family member, friend or carer")

    class CaredForRelationship(models.TextChoices):
        """§3.1.1.c: who the carer cares for, as the cared-for person is to them."""

        PARTNER = "partner", _("Partner")
        PARENT = "parent", _("Parent")
        CHILD = "child", _("Son or daughter")
        SIBLING = "sibling", _("Brother or sister")
        FRIEND = "friend", _("Friend")
        OTHER = "other", _("Someone else")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        ONLINE = "online", _("Online")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        OUTREACH = "outreach", _("Outreach")
        # No wrong door: met by ERS staff at a partner's premises, or at a hub drop-in session.
        IN_REACH = "in_reach", _("In-reach at a partner venue")
        HUB_DROP_IN = "hub_drop_in", _("Hub drop-in")

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.ROUTINE)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    # Why the priority was last set by hand (referrals.services.allocation.referral_prioritise);
    # the history keeps who and when, and every earlier reason.
    priority_reason = models.CharField(_("why the priority was changed"), max_length=500, blank=True)

    referrer_type = models.CharField(max_length=20, choices=ReferrerType.choices)
    source = models.CharField(max_length=30, choices=Source.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)

    # The person as the referrer described them. Kept as given, even after the referral is
    # linked to a Person record, so the original words are never lost.
    subject_given_name = models.CharField(_("first name"), max_length=100)
    subject_family_name = models.CharField(_("last name"), max_length=100)
    subject_date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    subject_nhs_number = models.CharField(_("NHS number"), max_length=10, blank=True)
    subject_address = models.TextField(_("address"), blank=True)
    subject_postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    subject_phone = models.CharField(_("phone"), max_length=20, blank=True)
    subject_email = models.EmailField(_("email"), blank=True)
    # As given at referral (or derived from the postcode there): blank when not known.
    council_of_residence = models.CharField(
        _("council of residence"), max_length=30, choices=Council.choices, blank=True
    )

    # Who referred, when not the person themselves.
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    referrer_relationship = models.CharField(_("relationship to the person"), max_length=100, blank=True)
    referrer_organisation = models.CharField(_("referrer's organisation"), max_length=200, blank=True)
    referrer_role = models.CharField(_("referrer's job title"), max_length=100, blank=True)
    referrer_phone = models.CharField(_("referrer's phone"), max_length=20, blank=True)
    referrer_email = models.EmailField(_("referrer's email"), blank=True)

    substances = models.JSONField(_("substances"), default=list, blank=True)  # list of Substance values
    # §3.1.1.c: a family member, friend or carer (of any age) asking for support in their
    # caring role is a client in their own right. Their referral has no substances of its
    # own: the person they care for is described here, and never made a record of their own.
    support_for = models.CharField(
        _("who the support is for"), max_length=20, choices=SupportFor.choices, default=SupportFor.OWN_USE
    )
    cared_for_relationship = models.CharField(
        _("who they care for"), max_length=20, choices=CaredForRelationship.choices, blank=True
    )
    cared_for_given_name = models.CharField(_("first name of the person they care for"), max_length=100, blank=True)
    cared_for_substances = models.JSONField(
        _("substances the person they care for uses"), default=list, blank=True
    )  # list of Substance values
    reason = models.TextField(_("what help is wanted"), max_length=5000, blank=True)
    open_to_childrens_services = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    pregnant = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)

    # Consent to be contacted, and how (as given at referral).
    consent_to_contact = models.BooleanField(default=False)
    contact_methods = models.JSONField(default=list, blank=True)  # list of ContactMethod values
    safe_contact_times = models.CharField(_("safe times to contact"), max_length=500, blank=True)
    safe_to_leave_message = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    preferred_language = models.CharField(max_length=10, blank=True)
    # §3.2.8, §3.19.6: coded so the reports can count them; passed to the Treatment Service.
    communication_needs = models.JSONField(_("communication needs"), default=list, blank=True)  # CommunicationNeed
    interpreter_language = models.CharField(_("language for the interpreter"), max_length=100, blank=True)
    communication_needs_other = models.CharField(_("other communication needs"), max_length=500, blank=True)

    # REF-9: every step a KPI measures.
    received_at = models.DateTimeField(db_index=True)
    first_contact_attempt_at = models.DateTimeField(null=True, blank=True)
    first_contact_made_at = models.DateTimeField(null=True, blank=True)
    triage_completed_at = models.DateTimeField(null=True, blank=True)
    allocated_at = models.DateTimeField(null=True, blank=True)
    first_appointment_offered_at = models.DateTimeField(null=True, blank=True)
    first_appointment_attended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        help_text=_("The SPOC practitioner handling contact and triage."),
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="allocated_referrals"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A restricted referral (for example about a member of staff or their family) opens only
    # for the allocated worker, the allocated hub and the safeguarding lead; anyone else at the
    # front door must give a reason first ("break glass"), which is logged (SEC-1, SEC-2).
    # (Not PAR-6 "restriction of processing", which is on the person: this is about who opens it.)
    access_restricted = models.BooleanField(_("access restricted"), default=False)
    access_restricted_at = models.DateTimeField(_("access restricted on"), null=True, blank=True)
    access_restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("access restricted by"),
    )
    access_restriction_reason = models.CharField(_("why access is restricted"), max_length=500, blank=True)
    # A form's one-time token: a double submit finds the referral it already made.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    history = HistoricalRecords(excluded_fields=["submission_token"])

    class Meta:
        indexes = [
            # Referrals by status (and the queue's status filter), priority and age.
            models.Index(fields=["status", "priority", "received_at"], name="referral_queue_idx"),
            # The SPOC queue: only the open queue statuses, already in the queue's order, so
            # PostgreSQL reads the first page off the index instead of sorting every waiting
            # referral (IN over four statuses cannot use the order of the index above).
            models.Index(
                fields=["priority", "received_at", "id"],
                name="referral_open_queue_idx",
                condition=models.Q(status__in=["received", "contacting", "in_triage", "triaged"]),
            ),
            models.Index(fields=["hub", "status"]),
            models.Index(fields=["assigned_to", "status"]),
            models.Index(fields=["allocated_worker", "status"]),
            # The hub caseload: a hub's allocated referrals, newest allocation first. Without it
            # PostgreSQL sorted a county hub's whole allocation (benchmarks/: 178 -> 86 ms).
            models.Index(fields=["hub", "status", "-allocated_at", "-id"], name="referral_hub_caseload_idx"),
            # The quarterly report's caseload: referrals still open (closed_at is null) or closed
            # after a quarter's end, rather than every referral ever received.
            models.Index(fields=["closed_at"], name="referral_closed_at_idx"),
            # The quarterly report's equality tables: referrals allocated in the quarters reported.
            models.Index(fields=["allocated_at"], name="referral_allocated_at_idx"),
        ]
        permissions = [
            ("work_front_door", "Can take referrals, triage and allocate"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def preferred_language_name(self) -> str:
        return dict(settings.LANGUAGES).get(self.preferred_language, self.preferred_language)

    @property
    def communication_needs_summary(self) -> str:
        return describe_communication_needs(
            self.communication_needs, self.interpreter_language, self.communication_needs_other
        )

    @property
    def subject_full_name(self) -> str:
        return f"{self.subject_given_name} {self.subject_family_name}".strip()

    @property
    def is_carer(self) -> bool:
        return self.support_for == self.SupportFor.CARER

    @property
    def is_young_carer(self) -> bool:
        """§3.1.1.c: a carer under 18 by the date of birth given on the referral (no query, so
        queue rows can ask it); pages with a linked person use ``rules.is_young_carer``."""
        from referrals import rules

        return rules.is_young_carer(
            support_for=self.support_for,
            age=rules.age_on(self.subject_date_of_birth, timezone.localdate()),
        )

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    def allows(self, step: str) -> bool:
        """Whether this referral's status allows ``step`` (``Referral.STEPS``)."""
        return self.status in self.STEPS[step]

    def has_pending_treatment_referral(self) -> bool:
        """Whether a referral to the Treatment Service is still waiting to be sent (one query).

        The gate on closing (§3.2.6 "without unnecessary delay", §3.19): a referral is closed
        only once its referral to the Treatment Service has gone (or been withdrawn), never
        with one left unsent. Services refuse and views ask this same method."""
        return self.treatment_referrals.filter(status="pending").exists()

    def may_close(self) -> bool:
        return self.can_move_to(self.Status.CLOSED) and not self.has_pending_treatment_referral()


class StatusTransition(models.Model):
    """One row per change of a referral's status: reporting reads these."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ResponseTarget(models.Model):
    """A time target for a priority, effective from a date (§4.3.6: commissioners change them yearly)."""

    class Measure(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("First contact attempt")
        TRIAGE = "triage", _("Triage completed")

    class Unit(models.TextChoices):
        HOURS = "hours", _("Hours")
        WORKING_DAYS = "working_days", _("Working days")

    priority = models.PositiveSmallIntegerField(choices=Referral.Priority.choices)
    measure = models.CharField(max_length=20, choices=Measure.choices, default=Measure.TRIAGE)
    amount = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    effective_from = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "measure", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "measure", "effective_from"], name="one_target_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.get_measure_display()} within {self.amount} {self.get_unit_display().lower()}"
