"""Recovery plans (PLN-1) and their reviews (PLN-2, §3.4.1, §3.4.2).

A person has at most one current plan; a new plan replaces the current one, which stays
readable (status ``replaced``). Goals are in the person's own words; risks are safeguarding
detail (registered in ``apps.py``: peer workers never see them). Every action has exactly one
owner: a member of staff, a partner agency from the directory, or the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recovery_plans.models.directory import DirectoryEntry
from referrals.review_triggers import ReviewTrigger


class RecoveryPlan(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        REPLACED = "replaced", _("Replaced by a newer plan")

    class Agreement(models.TextChoices):
        # PLN-1 "co-produced": how the person agreed to this plan.
        IN_PERSON_SIGNED = "in_person_signed", _("In person, signed")
        IN_PERSON_SPOKEN = "in_person_spoken", _("In person, said so")
        PHONE = "phone", _("By phone")
        VIDEO = "video", _("By video call")
        IN_WRITING = "in_writing", _("In writing (letter, e-mail or text)")

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="recovery_plans")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CURRENT)
    started_on = models.DateField(_("started on"))
    review_due = models.DateField(_("review due"))
    agreed_by_person = models.BooleanField(_("agreed by the person"), default=False)
    agreed_how = models.CharField(_("how the person agreed"), max_length=30, choices=Agreement.choices, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by", verbose_name=_("replaces")
    )
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("-started_on", "-pk")
        verbose_name = _("recovery plan")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="current"), name="one_current_plan_per_person"
            ),
            models.CheckConstraint(
                condition=Q(agreed_by_person=False) | ~Q(agreed_how=""), name="plan_agreement_says_how"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "review_due"], name="plan_status_review_due"),
            # The quarterly report finds the plans with a review falling due in a quarter.
            models.Index(fields=["review_due"], name="plan_review_due"),
        ]

    def __str__(self) -> str:
        return str(_("Recovery plan started %(date)s") % {"date": self.started_on.strftime("%-d %b %Y")})


class PlanGoal(models.Model):
    class Status(models.TextChoices):
        WORKING_ON = "working_on", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="goals")
    in_own_words = models.TextField(_("goal, in the person's own words"), max_length=1000)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WORKING_ON)
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    achieved_at = models.DateTimeField(_("achievement recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("goal")

    def __str__(self) -> str:
        return self.in_own_words


class PlanNeed(models.Model):
    class Area(models.TextChoices):
        SUBSTANCE_USE = "substance_use", _("Drug or alcohol use")
        PHYSICAL_HEALTH = "physical_health", _("Physical health")
        MENTAL_HEALTH = "mental_health", _("Mental health and wellbeing")
        HOUSING = "housing", _("Housing")
        MONEY = "money", _("Money and benefits")
        WORK = "work", _("Work, training and volunteering")
        FAMILY = "family", _("Family and relationships")
        SOCIAL = "social", _("Friends, community and activities")
        LEGAL = "legal", _("Legal matters")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="needs")
    area = models.CharField(_("area"), max_length=30, choices=Area.choices)
    description = models.TextField(_("need"), max_length=1000)
    support = models.TextField(_("how it will be met"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("need")


class PlanRisk(models.Model):
    """Safeguarding detail as a whole record (``apps.py``): never shown to peer workers, nor
    printed on the person's own copy of the plan."""

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="risks")
    description = models.TextField(_("risk"), max_length=1000)
    mitigation = models.TextField(_("how it is reduced"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("pk",)
        verbose_name = _("risk")


class PlanAction(models.Model):
    class Owner(models.TextChoices):
        WORKER = "worker", _("A member of staff")
        PARTNER = "partner", _("A partner agency")
        PERSON = "person", _("The person")

    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="actions")
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    description = models.TextField(_("action"), max_length=1000)
    owner = models.CharField(_("who will do it"), max_length=20, choices=Owner.choices)
    owner_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member of staff"),
    )
    owner_partner = models.ForeignKey(
        DirectoryEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("partner agency"),
    )
    # The owner's name when the action was written: what the person's copy prints, and what
    # a handover export carries (the receiving service has its own directory).
    owner_name = models.CharField(_("owner"), max_length=200, blank=True)
    target_date = models.DateField(_("target date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("target_date", "pk")
        verbose_name = _("action")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(owner="worker", owner_worker__isnull=False, owner_partner__isnull=True)
                    # A partner's action brought in by a handover export names the agency
                    # (``owner_name``) but not an entry in this service's directory.
                    | Q(owner="partner", owner_worker__isnull=True)
                    | Q(owner="person", owner_worker__isnull=True, owner_partner__isnull=True)
                ),
                name="plan_action_has_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["done_on", "target_date"], name="plan_action_due")]


class PlanReview(models.Model):
    plan = models.ForeignKey(RecoveryPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    what_changed = models.TextField(_("what has changed"), max_length=2000)
    goals_progress = models.TextField(_("progress with goals"), max_length=2000)
    next_review = models.DateField(_("next review"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("-reviewed_on", "-pk")
        # The quarterly report finds the reviews whose next review falls due in a quarter.
        indexes = [models.Index(fields=["next_review"], name="plan_review_next_review")]
        verbose_name = _("plan review")


class ReviewPrompt(models.Model):
    """PLN-2: something happened that should bring the plan's review forward (§3.4.2). It shows
    on the plan page until a review is recorded, which answers every open prompt."""

    # The codes other apps fire them by (referrals.review_triggers), so the two never drift.
    Trigger = ReviewTrigger

    person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT, related_name="review_prompts")
    trigger = models.CharField(_("trigger"), max_length=30, choices=Trigger.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_by_review = models.ForeignKey(
        PlanReview, on_delete=models.PROTECT, null=True, blank=True, related_name="prompts_answered"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("-raised_at", "-pk")
        verbose_name = _("review prompt")
        indexes = [models.Index(fields=["person", "answered_at"], name="review_prompt_open")]
