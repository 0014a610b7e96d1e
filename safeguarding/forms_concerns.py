"""Forms for safeguarding concerns (SAF-1). They validate what was typed, with GOV.UK messages;
the rules (who is at risk, the transitions, closing with an outcome) are the services'."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from partnership.models import Council
from safeguarding.models import Concern, ConcernAction, ConcernMeeting

EXAMPLE = _("For example, 27 3 2026")
CATEGORY_REQUIRED = _("Select the kind of concern")
AT_RISK_REQUIRED = _("Select who is at risk")
RISK_REQUIRED = _("Select the risk level")
SUMMARY_REQUIRED = _("Say what happened or what was seen, in plain words")
TEXT_TOO_LONG = _("This must be 4000 characters or fewer")
SHORT_TOO_LONG = _("This must be 200 characters or fewer")
ACTION_TOO_LONG = _("The action must be 500 characters or fewer")
ACTION_REQUIRED = _("Describe the action")
DUE_REQUIRED = _("Enter the date the action is due by")
COUNCIL_REQUIRED = _("Select the council the referral went to")
COUNCIL_REFERENCE_REQUIRED = _("Enter the council's reference for the referral")
COUNCIL_REFERENCE_TOO_LONG = _("The council's reference must be 60 characters or fewer")
REFERRED_ON_REQUIRED = _("Enter the date of the referral to the council")
STATUS_REQUIRED = _("Select what happens to the concern now")
MEETING_KIND_REQUIRED = _("Select the kind of meeting")
HELD_ON_REQUIRED = _("Enter the date of the meeting")
ATTENDEES_REQUIRED = _("List who attended, with their role and agency")
DECISIONS_REQUIRED = _("Record the decisions made")
REASON_TOO_LONG = _("The reason must be 500 characters or fewer")


def _date(label, required_message) -> GovUKDateField:
    return GovUKDateField(label=label, required=True, required_message=required_message, help_text=EXAMPLE)


class ConcernRaiseForm(GovUKFormMixin, forms.Form):
    category = radios(Concern.Category.choices, _("What kind of concern is it?"), CATEGORY_REQUIRED)
    at_risk = radios(Concern.AtRisk.choices, _("Who is at risk?"), AT_RISK_REQUIRED)
    child = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Which child in the household? (from the assessment)"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    at_risk_detail = text(
        _("About who is at risk (optional)"),
        max_length=200,
        too_long=SHORT_TOO_LONG,
        help_text=_("Their relationship to the person, for example partner or neighbour's child. No names needed."),
    )
    risk_level = radios(Concern.RiskLevel.choices, _("Risk level"), RISK_REQUIRED)
    summary = notes(
        4000,
        _("What happened or was seen"),
        TEXT_TOO_LONG,
        required=True,
        required_message=SUMMARY_REQUIRED,
        help_text=_("Facts in plain words: what, when, who said it. Keep opinions apart and say whose they are."),
        rows=6,
    )

    submit_label = _("Raise the concern")

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["child"].label_from_instance = _child_label
        self.helper = helper(
            Field.radios("category", legend_size=Size.SMALL),
            Field.radios("at_risk", legend_size=Size.SMALL),
            Field.radios("child", legend_size=Size.SMALL),
            Field.text("at_risk_detail"),
            Field.radios("risk_level", legend_size=Size.SMALL, inline=True),
            Field.textarea("summary", max_characters=4000),
            submit=self.submit_label,
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "at_risk": data["at_risk"],
            "child": data.get("child"),
            "at_risk_detail": data.get("at_risk_detail") or "",
            "risk_level": data["risk_level"],
            "summary": data["summary"],
        }


def _child_label(child) -> str:
    if child.age is None:
        return str(_("A child (age not recorded)"))
    return str(_("Child aged %(age)s") % {"age": child.age})


class ConcernEditForm(VersionedFormMixin, ConcernRaiseForm):
    version_model = Concern
    submit_label = _("Save changes")

    def __init__(self, *args, concern: Concern, children, **kwargs):
        super().__init__(*args, children=children, version_of=concern, **kwargs)
        if not self.is_bound:
            self.initial.update({name: getattr(concern, name) for name in ("category", "at_risk", "risk_level")})
            self.initial.update(
                {"child": concern.child_id, "at_risk_detail": concern.at_risk_detail, "summary": concern.summary}
            )


class CouncilReferralForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """§3.15.5: the referral to the council's safeguarding team and its reference."""

    version_model = Concern

    council = radios(Council.choices, _("Which council's safeguarding team?"), COUNCIL_REQUIRED)
    council_reference = text(
        _("The council's reference"),
        max_length=60,
        too_long=COUNCIL_REFERENCE_TOO_LONG,
        required=True,
        required_message=COUNCIL_REFERENCE_REQUIRED,
        autocomplete="off",
        spellcheck="false",
    )

    def __init__(self, *args, concern: Concern, **kwargs):
        super().__init__(*args, version_of=concern, **kwargs)
        self.fields["referred_on"] = _date(_("Date of the referral"), REFERRED_ON_REQUIRED)
        if not self.is_bound:
            self.initial.update(
                {
                    "council": concern.council or concern.person.council_of_residence,
                    "council_reference": concern.council_reference,
                    "referred_on": concern.referred_on,
                }
            )
        self.helper = helper(
            Field.radios("council", legend_size=Size.SMALL),
            Field.text("council_reference"),
            Field("referred_on"),
            submit=_("Save the referral"),
        )


class ConcernStatusForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Where the concern goes next, along ``Concern.TRANSITIONS`` (closing needs an outcome)."""

    version_model = Concern
    version_extra_fields = ("status",)
    version_field_map = {"to_status": "status"}

    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"),
        choices=Concern.Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    outcome_note = notes(4000, _("About the outcome (optional)"), TEXT_TOO_LONG, rows=3)
    reason = text(_("Reason (needed when reopening)"), max_length=500, too_long=REASON_TOO_LONG)

    def __init__(self, *args, concern: Concern, **kwargs):
        super().__init__(*args, version_of=concern, **kwargs)
        moves = [
            (status, Concern.Status(status).label)
            for status in Concern.Status.values
            if concern.may_move_to(status) and status != Concern.Status.REFERRED
        ]
        self.fields["to_status"] = radios(moves, _("What happens to the concern now?"), STATUS_REQUIRED)
        self.helper = helper(
            Field.radios("to_status", legend_size=Size.SMALL),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("outcome_note", max_characters=4000),
            Field.text("reason"),
            submit=_("Save"),
        )


class ConcernActionForm(GovUKFormMixin, forms.Form):
    description = notes(500, _("What will be done"), ACTION_TOO_LONG, required=True, required_message=ACTION_REQUIRED)
    owner = forms.ModelChoiceField(queryset=None, required=False, label=_("Member of staff who will do it"))
    owner_other = text(
        _("Or someone outside the service who will do it"),
        max_length=200,
        too_long=SHORT_TOO_LONG,
        help_text=_("Their role and agency, for example social worker, Children's Services"),
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.fields["due_on"] = _date(_("Due by"), DUE_REQUIRED)
        self.helper = helper(
            Field.textarea("description", max_characters=500),
            Field.select("owner"),
            Field.text("owner_other"),
            Field("due_on"),
            submit=_("Add the action"),
        )


class ConcernActionDoneForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """A button on the concern's page: the action as the page showed it (SEC-5)."""

    version_model = ConcernAction
    version_extra_fields = ("done_at",)


class ConcernMeetingForm(GovUKFormMixin, forms.Form):
    kind = radios(ConcernMeeting.Kind.choices, _("Kind of meeting"), MEETING_KIND_REQUIRED)
    attendees = notes(
        4000,
        _("Who attended"),
        TEXT_TOO_LONG,
        required=True,
        required_message=ATTENDEES_REQUIRED,
        help_text=_("Each person's role and agency, one a line"),
    )
    decisions = notes(4000, _("Decisions"), TEXT_TOO_LONG, required=True, required_message=DECISIONS_REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"] = _date(_("Date of the meeting"), HELD_ON_REQUIRED)
        self.helper = helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("held_on"),
            Field.textarea("attendees", max_characters=4000),
            Field.textarea("decisions", max_characters=4000),
            submit=_("Save the meeting"),
        )
