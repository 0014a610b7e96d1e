"""Forms for recovery plans and reviews (PLN-1, PLN-2). The rules are the services'; these
validate what was typed, with GOV.UK messages."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, YES_NO, helper, notes, radios
from common.forms.versions import VersionedFormMixin
from recovery_plans.models import PlanAction, PlanGoal, PlanNeed, RecoveryPlan

EXAMPLE = _("For example, 27 3 2026")
REVIEW_DUE_REQUIRED = _("Enter the date the plan will be reviewed")
GOAL_REQUIRED = _("Enter the goal in the person's own words")
GOAL_TOO_LONG = _("The goal must be 1000 characters or fewer")
AREA_REQUIRED = _("Select the area of the person's life this need is about")
NEED_REQUIRED = _("Describe the need")
TEXT_TOO_LONG = _("This must be 1000 characters or fewer")
LONG_TEXT_TOO_LONG = _("This must be 2000 characters or fewer")
RISK_REQUIRED = _("Describe the risk")
MITIGATION_REQUIRED = _("Say how the risk will be reduced")
ACTION_REQUIRED = _("Describe the action")
OWNER_REQUIRED = _("Select who will do this")
TARGET_REQUIRED = _("Enter the target date")
AGREED_REQUIRED = _("Select whether the person has agreed to their plan")
REVIEWED_ON_REQUIRED = _("Enter the date of the review")
WHAT_CHANGED_REQUIRED = _("Say what has changed since the plan was written or last reviewed")
PROGRESS_REQUIRED = _("Say how the person is getting on with their goals")
NEXT_REVIEW_REQUIRED = _("Enter the date of the next review")


def _date(label, required_message, *, required=True) -> GovUKDateField:
    return GovUKDateField(label=label, required=required, required_message=required_message, help_text=EXAMPLE)


class PlanStartForm(GovUKFormMixin, forms.Form):
    def __init__(self, *args, replacing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_due"] = _date(_("When will the plan be reviewed?"), REVIEW_DUE_REQUIRED)
        self.helper = helper(Field("review_due"), submit=_("Start a new plan") if replacing else _("Start the plan"))


class PlanAgreementForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Co-production (PLN-1) and the review date (PLN-2) of the current plan."""

    version_model = RecoveryPlan
    version_field_map = {"agreed": "agreed_by_person"}

    agreed = radios(YES_NO, _("Has the person agreed to this plan?"), AGREED_REQUIRED)
    agreed_how = forms.ChoiceField(
        label=_("How did they agree?"),
        choices=RecoveryPlan.Agreement.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, plan: RecoveryPlan, **kwargs):
        super().__init__(*args, version_of=plan, **kwargs)
        self.fields["agreed_on"] = _date(_("Date they agreed (if they have)"), "", required=False)
        self.fields["review_due"] = _date(_("When will the plan be reviewed?"), REVIEW_DUE_REQUIRED)
        if not self.is_bound:
            self.initial.update(
                {
                    "agreed": YES if plan.agreed_by_person else NO,
                    "agreed_how": plan.agreed_how,
                    "agreed_on": plan.agreed_on or timezone.localdate(),
                    "review_due": plan.review_due,
                }
            )
        self.helper = helper(
            Field.radios("agreed", legend_size=Size.SMALL, inline=True),
            Field.radios("agreed_how", legend_size=Size.SMALL),
            Field("agreed_on"),
            Field("review_due"),
            submit=_("Save"),
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "agreed_by_person": data["agreed"] == YES,
            "agreed_how": data.get("agreed_how") or "",
            "agreed_on": data.get("agreed_on"),
            "review_due": data["review_due"],
        }


class GoalForm(GovUKFormMixin, forms.Form):
    in_own_words = notes(
        1000,
        _("The goal, in the person's own words"),
        GOAL_TOO_LONG,
        required=True,
        required_message=GOAL_REQUIRED,
        help_text=_('Write it as they said it, for example "I want to see my kids every weekend"'),
        rows=3,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.textarea("in_own_words", max_characters=1000), submit=_("Add goal"))


class NeedForm(GovUKFormMixin, forms.Form):
    area = radios(PlanNeed.Area.choices, _("What area of their life is this about?"), AREA_REQUIRED)
    description = notes(1000, _("The need"), TEXT_TOO_LONG, required=True, required_message=NEED_REQUIRED, rows=3)
    support = notes(1000, _("How it will be met (optional)"), TEXT_TOO_LONG, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("area", legend_size=Size.SMALL),
            Field.textarea("description", max_characters=1000),
            Field.textarea("support", max_characters=1000),
            submit=_("Add need"),
        )


class RiskForm(GovUKFormMixin, forms.Form):
    description = notes(1000, _("The risk"), TEXT_TOO_LONG, required=True, required_message=RISK_REQUIRED, rows=3)
    mitigation = notes(
        1000, _("How it will be reduced"), TEXT_TOO_LONG, required=True, required_message=MITIGATION_REQUIRED, rows=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.textarea("description", max_characters=1000),
            Field.textarea("mitigation", max_characters=1000),
            submit=_("Add risk"),
        )


class ActionForm(GovUKFormMixin, forms.Form):
    description = notes(
        1000, _("What will be done"), TEXT_TOO_LONG, required=True, required_message=ACTION_REQUIRED, rows=3
    )
    owner = radios(PlanAction.Owner.choices, _("Who will do it?"), OWNER_REQUIRED)
    owner_worker = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Member of staff (if a member of staff will do it)")
    )
    owner_partner = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Partner agency (if a partner agency will do it)")
    )
    goal = forms.ModelChoiceField(queryset=None, required=False, label=_("Which goal is it for? (optional)"))

    def __init__(self, *args, plan: RecoveryPlan, staff, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_worker"].queryset = staff
        self.fields["owner_worker"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["owner_partner"].queryset = partners
        self.fields["goal"].queryset = PlanGoal.objects.filter(plan=plan)
        self.fields["target_date"] = _date(_("Target date"), TARGET_REQUIRED)
        self.helper = helper(
            Field.textarea("description", max_characters=1000),
            Field.radios("owner", legend_size=Size.SMALL),
            Field.select("owner_worker"),
            Field.select("owner_partner"),
            Field.select("goal"),
            Field("target_date"),
            submit=_("Add action"),
        )


class GoalAchievedForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """A button on the plan page: the goal as the page showed it (SEC-5)."""

    version_model = PlanGoal
    version_extra_fields = ("status",)


class ActionDoneForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """A button on the plan page: the action as the page showed it (SEC-5)."""

    version_model = PlanAction
    version_extra_fields = ("done_on",)


class ReviewForm(GovUKFormMixin, forms.Form):
    what_changed = notes(
        2000, _("What has changed?"), LONG_TEXT_TOO_LONG, required=True, required_message=WHAT_CHANGED_REQUIRED
    )
    goals_progress = notes(
        2000,
        _("How are they getting on with their goals?"),
        LONG_TEXT_TOO_LONG,
        required=True,
        required_message=PROGRESS_REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"] = _date(_("Date of the review"), REVIEWED_ON_REQUIRED)
        self.fields["next_review"] = _date(_("Date of the next review"), NEXT_REVIEW_REQUIRED)
        if not self.is_bound:
            self.initial["reviewed_on"] = timezone.localdate()
        self.order_fields(["reviewed_on", "what_changed", "goals_progress", "next_review"])
        self.helper = helper(
            Field("reviewed_on"),
            Field.textarea("what_changed", max_characters=2000),
            Field.textarea("goals_progress", max_characters=2000),
            Field("next_review"),
            submit=_("Record review"),
        )
