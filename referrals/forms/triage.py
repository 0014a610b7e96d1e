"""Forms for the SPOC triage pages (REF-6 to REF-9).

Forms validate what was typed and give a specific message per field; the services re-check
the rules that matter (times, eligibility, allocation) and the views put any error a service
raises back on the field it is about.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import HTML, ConditionalQuestion, ConditionalRadios, Field, Fixed, Fluid, Size
from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField, GovUKTimeField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios
from common.forms.versions import VersionedFormMixin
from referrals import rules
from referrals.forms.council import council_field
from referrals.models import ContactAttempt, Escalation, Substance, Triage, YesNoUnknown

# --- Messages (constants so tests can assert them) --------------------------------------

WHEN_IN_FUTURE = _("The date and time must be now or in the past")
CONTACT_BEFORE_RECEIVED = _("The contact attempt must be after the referral was received on %(received)s")
ACTION_BEFORE_RECEIVED = _("The action must be after the referral was received on %(received)s")
INTRODUCTION_BEFORE_RECEIVED = _("The introduction must be after the referral was received on %(received)s")

METHOD_REQUIRED = _("Select how you tried to contact the person")
CONTACT_OUTCOME_REQUIRED = _("Select what happened")
NOTES_TOO_LONG_2000 = _("Notes must be 2,000 characters or fewer")
NOTES_TOO_LONG_5000 = _("Notes must be 5,000 characters or fewer")

COUNCIL_REQUIRED = _("Select the council the person lives in, outside the area, or not known")
PREGNANT_REQUIRED = _("Select whether the person is pregnant, or not known")
CHILDRENS_SERVICES_REQUIRED = _("Select whether the person is open to Children's Services, or not known")
MENTAL_HEALTH_REQUIRED = _("Select whether there is a mental health concern, or not known")
HOMELESS_REQUIRED = _("Select whether the person is homeless or at risk of homelessness, or not known")
AGREEMENT_REFERENCE_REQUIRED = _("Enter the reference of the commissioners' agreement")
AGREEMENT_REFERENCE_WITHOUT_AGREEMENT = _("Tick the box to confirm the commissioners agreed, or remove the reference")
AGREEMENT_REFERENCE_TOO_LONG = _("The agreement reference must be 100 characters or fewer")
RISK_REASONS_REQUIRED = _("Select at least one reason for a red or amber risk rating")
RISK_REQUIRED_FOR_REASONS = _("Select a risk rating for the reasons you have chosen")

OUTCOME_REQUIRED = _("Select the outcome of triage")
OUTCOME_REASON_TOO_LONG = _("The reason must be 2,000 characters or fewer")
SIGNPOSTED_TO_TOO_LONG = _("Where the person was signposted to must be 200 characters or fewer")

ACTION_REQUIRED = _("Select the action taken")
DONE_BY_REQUIRED = _("Enter who took the action")
DONE_BY_TOO_LONG = _("Who took the action must be 200 characters or fewer")

INTRODUCED_TO_REQUIRED = _("Enter the name of the person they were introduced to")
INTRODUCED_TO_TOO_LONG = _("The name must be 200 characters or fewer")
ORGANISATION_REQUIRED = _("Enter the organisation or team")
ORGANISATION_TOO_LONG = _("The organisation must be 200 characters or fewer")

# Grace for clocks a little apart (the services allow the same).


def _yes_no_unknown(label, required_message, *, help_text=None) -> forms.ChoiceField:
    return radios(YesNoUnknown.choices, label, required_message, help_text=help_text)


# --- Shared behaviour -------------------------------------------------------------------


class WhenMixin:
    """A date and a time typed separately, combined into an aware ``cleaned_data["when"]``."""

    when_label_date = _("Date")
    when_label_time = _("Time")
    before_received_message = CONTACT_BEFORE_RECEIVED

    def _init_when(self, *, default_now: bool = True) -> None:
        self.fields["when_date"] = GovUKDateField(label=self.when_label_date, help_text=_("For example, 27 3 2026"))
        self.fields["when_time"] = GovUKTimeField(label=self.when_label_time)
        if default_now and not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("when_date", now.date())
            self.initial.setdefault("when_time", now.strftime("%H:%M"))

    def _clean_when(self, cleaned_data: dict) -> dt.datetime | None:
        day, time = cleaned_data.get("when_date"), cleaned_data.get("when_time")
        if day is None or time is None:
            return None
        when = timezone.make_aware(dt.datetime.combine(day, time))
        if when > timezone.now() + rules.CLOCK_GRACE:
            field = "when_time" if day == timezone.localdate() else "when_date"
            self.add_error(field, WHEN_IN_FUTURE)
            return None
        referral = getattr(self, "referral", None)
        if referral is not None and when < referral.received_at - rules.CLOCK_GRACE:
            received = formats.date_format(timezone.localtime(referral.received_at), "j F Y \\a\\t H:i")
            self.add_error("when_date", self.before_received_message % {"received": received})
            return None
        cleaned_data["when"] = when
        return when


def _when_fields() -> list:
    return [Field("when_date"), Field.text("when_time", field_width=Fixed.FIVE)]


# --- Contact attempt (REF-9) -----------------------------------------------------------


class ContactAttemptForm(GovUKFormMixin, WhenMixin, forms.Form):
    when_label_date = _("Date of the contact attempt")
    when_label_time = _("Time of the contact attempt")

    method = radios(ContactAttempt.Method.choices, _("How did you try to contact them?"), METHOD_REQUIRED)
    outcome = radios(ContactAttempt.Outcome.choices, _("What happened?"), CONTACT_OUTCOME_REQUIRED)
    notes = notes(2000, _("Notes (optional)"), NOTES_TOO_LONG_2000)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self._init_when()
        self.order_fields(["when_date", "when_time", "method", "outcome", "notes"])
        self.helper = helper(
            *_when_fields(),
            Field.radios("method", legend_size=Size.SMALL),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("notes", max_characters=2000),
            submit=_("Save contact attempt"),
        )

    def clean(self):
        cleaned_data = super().clean()
        self._clean_when(cleaned_data)
        return cleaned_data


# --- Screening and initial risk (REF-6) ---------------------------------------------------


class ScreeningForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Triage

    substances = forms.MultipleChoiceField(
        label=_("Which substances is the person using, or in recovery from?"),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply"),
        error_messages={"invalid_choice": _("Select substances from the list")},
    )
    cared_for_substances = forms.MultipleChoiceField(
        label=_("Which substances does the person they care for use?"),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Select all that apply. The person asking for support is a carer: this is not a record of their own use."
        ),
        error_messages={"invalid_choice": _("Select substances from the list")},
    )
    # §3.1.3: under-18s only by the commissioners' agreement, case by case.
    under_18_commissioner_agreement = forms.BooleanField(
        label=_("The commissioners have agreed this young person may be supported"), required=False
    )
    commissioner_agreement_reference = forms.CharField(
        label=_("Commissioners' agreement reference"),
        max_length=100,
        required=False,
        error_messages={"max_length": AGREEMENT_REFERENCE_TOO_LONG},
    )
    pregnant = _yes_no_unknown(_("Is the person pregnant?"), PREGNANT_REQUIRED)
    open_to_childrens_services = _yes_no_unknown(
        _("Is the person open to Children's Services (including Early Help, Youth Justice or Child Protection)?"),
        CHILDRENS_SERVICES_REQUIRED,
    )
    mental_health_concern = _yes_no_unknown(
        _("Is there a mental health concern?"),
        MENTAL_HEALTH_REQUIRED,
        help_text=_("These never exclude anyone from support"),  # §3.1.4
    )
    homeless = _yes_no_unknown(
        _("Is the person homeless or at risk of homelessness?"),
        HOMELESS_REQUIRED,
        help_text=_("These never exclude anyone from support"),  # §3.1.4
    )
    screening_notes = notes(5000, _("Screening notes (optional)"), NOTES_TOO_LONG_5000)
    risk = radios(
        Triage.Risk.choices,
        _("Initial risk rating"),
        _("Select red, amber or green"),
        required=False,
        help_text=_("Red or amber needs at least one reason"),
    )
    risk_reasons = forms.MultipleChoiceField(
        label=_("Reasons for the risk rating"),
        choices=Triage.RiskReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select all that apply"),
        error_messages={"invalid_choice": _("Select reasons from the list")},
    )
    risk_notes = notes(5000, _("Risk notes (optional)"), NOTES_TOO_LONG_5000)

    def __init__(self, *args, under_18: bool, carer: bool = False, ask_council: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # §3.1.1.c: the under-18 rule does not apply to a carer, and a carer has no
        # substances of their own: what the person they care for uses is asked instead.
        under_18 = under_18 and not carer
        self.under_18 = under_18
        del self.fields["substances" if carer else "cared_for_substances"]
        if ask_council:
            # Only when the postcode cannot tell: whether the person lives in the area is
            # derived from this (§3.1.1), never asked on its own.
            self.fields["council_of_residence"] = council_field(
                _("Which council area does the person live in?"),
                COUNCIL_REQUIRED,
                help_text=_("We could not tell from the postcode. Ask the person where they live."),
            )
            self.order_fields(["substances", "cared_for_substances", "council_of_residence"])
        if not under_18:
            # The agreement only means something for a young person (§3.1.3).
            del self.fields["under_18_commissioner_agreement"]
            del self.fields["commissioner_agreement_reference"]
        layout = [
            HTML('<h2 class="govuk-heading-m">{}</h2>'.format(_("Screening"))),
            Field.checkboxes("cared_for_substances" if carer else "substances", legend_size=Size.SMALL, small=True),
        ]
        if ask_council:
            layout.append(Field.radios("council_of_residence", legend_size=Size.SMALL))
        if under_18:
            layout += [
                Field.checkbox("under_18_commissioner_agreement"),
                Field.text("commissioner_agreement_reference", field_width=Fluid.ONE_THIRD),
            ]
        layout += [
            Field.radios("pregnant", legend_size=Size.SMALL, inline=True),
            Field.radios("open_to_childrens_services", legend_size=Size.SMALL, inline=True),
            Field.radios("mental_health_concern", legend_size=Size.SMALL, inline=True),
            Field.radios("homeless", legend_size=Size.SMALL, inline=True),
            Field.textarea("screening_notes", max_characters=5000),
            HTML('<h2 class="govuk-heading-m">{}</h2>'.format(_("Initial risk"))),
            Field.radios("risk", legend_size=Size.SMALL, inline=True),
            Field.checkboxes("risk_reasons", legend_size=Size.SMALL, small=True),
            Field.textarea("risk_notes", max_characters=5000),
        ]
        self.helper = helper(
            *layout, submit=_("Save screening"), secondary=("save_and_return", _("Save and return to the referral"))
        )

    def clean(self):
        cleaned_data = super().clean()
        risk, reasons = cleaned_data.get("risk"), cleaned_data.get("risk_reasons")
        if risk in (Triage.Risk.RED, Triage.Risk.AMBER) and not reasons and "risk_reasons" not in self.errors:
            self.add_error("risk_reasons", RISK_REASONS_REQUIRED)
        if reasons and not risk and "risk" not in self.errors:
            self.add_error("risk", RISK_REQUIRED_FOR_REASONS)
        if self.under_18:
            agreed = cleaned_data.get("under_18_commissioner_agreement")
            reference = (cleaned_data.get("commissioner_agreement_reference") or "").strip()
            if agreed and not reference and "commissioner_agreement_reference" not in self.errors:
                self.add_error("commissioner_agreement_reference", AGREEMENT_REFERENCE_REQUIRED)
            elif reference and not agreed:
                self.add_error("under_18_commissioner_agreement", AGREEMENT_REFERENCE_WITHOUT_AGREEMENT)
        return cleaned_data

    def service_fields(self) -> dict:
        """The cleaned values in the shape ``services.triage_save_screening`` takes."""
        data = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        data["risk_reasons"] = list(data["risk_reasons"]) if data.get("risk") else []
        for name in ("substances", "cared_for_substances"):
            if name in data:
                data[name] = [s for s in Substance.values if s in data[name]]
        return data


# --- Outcome (REF-7) ---------------------------------------------------------------------


# Outcomes that are about a person's own alcohol or drug use (§3.1.1.b).
CARER_HIDDEN_OUTCOMES = frozenset({Triage.Outcome.ERS, Triage.Outcome.TREATMENT, Triage.Outcome.BOTH})


class OutcomeForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Triage

    conditional_radio_fields = ("outcome",)

    outcome = radios(Triage.Outcome.choices, _("What is the outcome of triage?"), OUTCOME_REQUIRED)
    outcome_reason = forms.CharField(
        label=_("Why is the person not eligible?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"max_length": OUTCOME_REASON_TOO_LONG},
    )
    signposted_to = forms.CharField(
        label=_("Where was the person signposted to?"),
        required=False,
        max_length=200,
        error_messages={"max_length": SIGNPOSTED_TO_TOO_LONG},
    )

    def __init__(self, *args, carer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # §3.1.1.c: a carer is offered family and carer support, never ERS support or the
        # Treatment Service for the person they care for; anyone else is offered the reverse.
        hidden = CARER_HIDDEN_OUTCOMES if carer else {Triage.Outcome.CARER_SUPPORT}
        # ConditionalQuestion matches choices by label: make them plain strings in the
        # language of this request.
        choices = [(value, str(label)) for value, label in Triage.Outcome.choices if value not in hidden]
        self.fields["outcome"].choices = choices
        questions = []
        for value, label in choices:
            if value == Triage.Outcome.NOT_ELIGIBLE:
                questions.append(
                    TriageConditionalQuestion(label, Field.textarea("outcome_reason", max_characters=2000))
                )
            elif value == Triage.Outcome.SIGNPOST:
                questions.append(TriageConditionalQuestion(label, Field.text("signposted_to")))
            else:
                questions.append(TriageConditionalQuestion(label))
        self.helper = helper(ConditionalRadios("outcome", *questions), submit=_("Save outcome"))
        self.helper.legend_size = Size.MEDIUM


class TriageConditionalQuestion(ConditionalQuestion):
    # Our template links a radio only to a reveal that exists, without the aria-expanded
    # GOV.UK Frontend would add (not allowed on a radio): see the template for the detail.
    template = "referrals/triage/crispy/conditional_question.html"


# --- Escalation (§3.2.6) -----------------------------------------------------------------


class EscalationForm(GovUKFormMixin, WhenMixin, forms.Form):
    when_label_date = _("Date the action was taken")
    when_label_time = _("Time the action was taken")
    before_received_message = ACTION_BEFORE_RECEIVED

    action = radios(Escalation.Action.choices, _("What action was taken?"), ACTION_REQUIRED)
    done_by_name = forms.CharField(
        label=_("Who took the action?"),
        max_length=200,
        error_messages={"required": DONE_BY_REQUIRED, "max_length": DONE_BY_TOO_LONG},
    )
    notes = notes(2000, _("Notes (optional)"), NOTES_TOO_LONG_2000)

    def __init__(self, *args, referral, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self._init_when()
        if not self.is_bound:
            self.initial.setdefault("done_by_name", user.get_full_name() or user.get_username())
        self.order_fields(["action", "when_date", "when_time", "done_by_name", "notes"])
        self.helper = helper(
            Field.radios("action", legend_size=Size.SMALL),
            *_when_fields(),
            Field.text("done_by_name", field_width=Fluid.TWO_THIRDS),
            Field.textarea("notes", max_characters=2000),
            submit=_("Record action"),
            secondary=("save_and_add", _("Record and add another action")),
        )

    def clean(self):
        cleaned_data = super().clean()
        self._clean_when(cleaned_data)
        return cleaned_data


# --- Warm introduction (REF-8) -----------------------------------------------------------


class WarmIntroductionForm(GovUKFormMixin, WhenMixin, forms.Form):
    when_label_date = _("Date of the introduction")
    when_label_time = _("Time of the introduction")
    before_received_message = INTRODUCTION_BEFORE_RECEIVED

    introduced_to = forms.CharField(
        label=_("Who was the person introduced to?"),
        max_length=200,
        error_messages={"required": INTRODUCED_TO_REQUIRED, "max_length": INTRODUCED_TO_TOO_LONG},
    )
    organisation = forms.CharField(
        label=_("Organisation or team"),
        max_length=200,
        error_messages={"required": ORGANISATION_REQUIRED, "max_length": ORGANISATION_TOO_LONG},
    )
    notes = notes(2000, _("Notes (optional)"), NOTES_TOO_LONG_2000)

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        self._init_when()
        self.order_fields(["introduced_to", "organisation", "when_date", "when_time", "notes"])
        self.helper = helper(
            Field.text("introduced_to", field_width=Fluid.TWO_THIRDS),
            Field.text("organisation", field_width=Fluid.TWO_THIRDS),
            *_when_fields(),
            Field.textarea("notes", max_characters=2000),
            submit=_("Save introduction"),
        )

    def clean(self):
        cleaned_data = super().clean()
        self._clean_when(cleaned_data)
        return cleaned_data
