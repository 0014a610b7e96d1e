"""Forms for consent and sharing, referral to the Treatment Service and onward referrals
(PAR-2 to PAR-5). They validate what was typed; the services re-check the rules (a lawful
basis before sharing, dates) and the views put a service's errors back on the field."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import HTML, ConditionalRadios, Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import YES, YES_NO, helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from partnership.models import Organisation
from referrals.forms.triage import TriageConditionalQuestion
from referrals.models import Consent, OnwardReferral, TreatmentReferral, WarmIntroduction
from referrals.services.treatment import TREATMENT_CASE_ID_TOO_LONG

# --- Messages (constants so tests can assert them) -----------------------------------------

RECIPIENT_REQUIRED = _("Select who the information would be shared with")
AGENCY_NAME_REQUIRED = _("Enter the name of the agency")
AGENCY_NAME_TOO_LONG = _("The name of the agency must be 200 characters or fewer")
GIVEN_REQUIRED = _("Select whether the person agrees")
LAWFUL_BASIS_REQUIRED = _("Select the lawful basis for sharing")
BASIS_NOTE_REQUIRED = _("Explain why sharing is lawful without the person's consent")
BASIS_NOTE_TOO_LONG = _("The explanation must be 1,000 characters or fewer")
WITHDRAWAL_REASON_REQUIRED = _("Enter the reason for the withdrawal")
WITHDRAWAL_REASON_TOO_LONG = _("The reason must be 1,000 characters or fewer")

TREATMENT_ORGANISATION_REQUIRED = _("Select the Treatment Service to send the referral to")
REASON_FOR_REFERRAL_REQUIRED = _("Enter the reason for the referral")
REASON_FOR_REFERRAL_TOO_LONG = _("The reason for the referral must be 2,000 characters or fewer")
RISK_SUMMARY_TOO_LONG = _("The risk summary must be 1,000 characters or fewer")
INTRODUCTION_INVALID = _("Select a warm introduction from the list")

TREATMENT_OUTCOME_REQUIRED = _("Select whether the Treatment Service accepted the referral")
NOT_ACCEPTED_REASON_REQUIRED = _("Enter why the referral was not accepted")
NOT_ACCEPTED_REASON_TOO_LONG = _("The reason must be 2,000 characters or fewer")

SERVICE_TYPE_REQUIRED = _("Select the type of service")
ORGANISATION_NAME_REQUIRED = _("Enter the name of the organisation")
ORGANISATION_NAME_TOO_LONG = _("The name of the organisation must be 200 characters or fewer")
SHARE_REQUIRED = _("Select whether you sent the person's details")
SHARING_BASIS_INVALID = _("Select a consent or lawful basis from the list")
REFERRED_ON_IN_FUTURE = _("The date of the referral must be today or in the past")
ONWARD_OUTCOME_REQUIRED = _("Select the outcome of the referral")
OUTCOME_DATE_IN_FUTURE = _("The outcome date must be today or in the past")
NOTES_TOO_LONG = _("Notes must be 2,000 characters or fewer")
NO_BASIS_RECORDED = _(
    "No consent or other lawful basis for sharing with another agency is recorded. Record it under "
    "“Consent and sharing” first, or choose “No”."
)


def _plain_choices(choices) -> list[tuple[str, str]]:
    # ConditionalQuestion matches choices by label: make them plain strings in the language
    # of this request.
    return [(value, str(label)) for value, label in choices]


def _date_field(label, *, required: bool, help_text=None) -> GovUKDateField:
    return GovUKDateField(label=label, required=required, help_text=help_text or _("For example, 27 3 2026"))


# --- Consent (PAR-2) -----------------------------------------------------------------------


class ConsentForm(GovUKFormMixin, forms.Form):
    conditional_radio_fields = ("recipient",)

    recipient = radios(Consent.Recipient.choices, _("Who would the information be shared with?"), RECIPIENT_REQUIRED)
    agency_name = text(
        _("Name of the agency"),
        max_length=200,
        required=False,
        required_message=AGENCY_NAME_REQUIRED,
        too_long=AGENCY_NAME_TOO_LONG,
    )
    given = radios(YES_NO, _("Does the person agree to share their information with them?"), GIVEN_REQUIRED)
    lawful_basis = radios(
        Consent.LawfulBasis.choices,
        _("What is the lawful basis for sharing?"),
        LAWFUL_BASIS_REQUIRED,
        help_text=_("Usually the person's consent. Choose another basis only where the law allows sharing without it."),
    )
    basis_note = forms.CharField(
        label=_("Why is sharing lawful without consent?"),
        help_text=_("Only needed when the basis is not consent. Say what the risk or duty is."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"max_length": BASIS_NOTE_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("lawful_basis", Consent.LawfulBasis.CONSENT)
        choices = _plain_choices(Consent.Recipient.choices)
        self.fields["recipient"].choices = choices
        questions = [
            TriageConditionalQuestion(label, Field.text("agency_name", field_width=Fluid.TWO_THIRDS))
            if value == Consent.Recipient.OTHER_AGENCY
            else TriageConditionalQuestion(label)
            for value, label in choices
        ]
        self.helper = helper(
            ConditionalRadios("recipient", *questions),
            Field.radios("given", legend_size=Size.SMALL, inline=True),
            Field.radios("lawful_basis", legend_size=Size.SMALL),
            Field.textarea("basis_note", max_characters=1000),
            submit=_("Save"),
        )
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned_data = super().clean()
        recipient = cleaned_data.get("recipient")
        agency_name = (cleaned_data.get("agency_name") or "").strip()
        if recipient == Consent.Recipient.OTHER_AGENCY and not agency_name and "agency_name" not in self.errors:
            self.add_error("agency_name", AGENCY_NAME_REQUIRED)
        basis = cleaned_data.get("lawful_basis")
        note = (cleaned_data.get("basis_note") or "").strip()
        if basis and basis != Consent.LawfulBasis.CONSENT and not note and "basis_note" not in self.errors:
            self.add_error("basis_note", BASIS_NOTE_REQUIRED)
        return cleaned_data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "recipient": data["recipient"],
            "agency_name": data.get("agency_name") or "",
            "given": data["given"] == YES,
            "lawful_basis": data["lawful_basis"],
            "basis_note": data.get("basis_note") or "",
        }


class WithdrawConsentForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the consent (SEC-5)."""

    version_model = Consent

    version_field_map = {"reason": "withdrawal_reason"}
    version_extra_fields = ("withdrawn_at",)

    reason = forms.CharField(
        label=_("Why is this being withdrawn?"),
        help_text=_(
            "For example, the person asked on the phone today. Do not include anything they would not want written down."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"required": WITHDRAWAL_REASON_REQUIRED, "max_length": WITHDRAWAL_REASON_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.textarea("reason", max_characters=1000, label_size=Size.SMALL), submit=_("Withdraw now")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(WITHDRAWAL_REASON_REQUIRED, code="required")
        return reason


# --- Referral to the Treatment Service (PAR-3) ----------------------------------------------


def _introduction_label(intro: WarmIntroduction) -> str:
    when = formats.date_format(timezone.localtime(intro.introduced_at), "j F Y")
    return _("%(who)s, %(organisation)s, on %(when)s") % {
        "who": intro.introduced_to,
        "organisation": intro.organisation,
        "when": when,
    }


class TreatmentSendForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the referral to the Treatment Service (SEC-5)."""

    version_model = TreatmentReferral

    version_extra_fields = ("status",)

    organisation = forms.ModelChoiceField(
        label=_("Which Treatment Service?"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": TREATMENT_ORGANISATION_REQUIRED, "invalid_choice": TREATMENT_ORGANISATION_REQUIRED},
    )
    reason_for_referral = forms.CharField(
        label=_("Reason for referral"),
        help_text=_("Filled in from the referral. Change it if the Treatment Service needs it put differently."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": ""}),
        error_messages={"required": REASON_FOR_REFERRAL_REQUIRED, "max_length": REASON_FOR_REFERRAL_TOO_LONG},
    )
    risk_summary = forms.CharField(
        label=_("Risk summary"),
        help_text=_("Filled in from the triage risk rating. Triage notes are not sent."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"max_length": RISK_SUMMARY_TOO_LONG},
    )
    warm_introduction = forms.TypedChoiceField(
        label=_("Warm introduction"),
        help_text=_("Who the person was introduced to at the Treatment Service, if anyone yet"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": INTRODUCTION_INVALID},
    )

    def __init__(self, *args, organisations, introductions, **kwargs):
        super().__init__(*args, **kwargs)
        self.introductions = {intro.pk: intro for intro in introductions}
        self.fields["organisation"].queryset = organisations
        layout = [Field.radios("organisation", legend_size=Size.SMALL)]
        if self.introductions:
            self.fields["warm_introduction"].choices = [("", _("Not yet"))] + [
                (pk, _introduction_label(intro)) for pk, intro in self.introductions.items()
            ]
        else:
            del self.fields["warm_introduction"]
        layout += [
            Field.textarea("reason_for_referral", max_characters=2000),
            Field.textarea("risk_summary", max_characters=1000),
        ]
        if self.introductions:
            layout.append(Field.radios("warm_introduction", legend_size=Size.SMALL))
        self.helper = helper(*layout, submit=_("Send to the Treatment Service"))

    def chosen_introduction(self) -> WarmIntroduction | None:
        pk = self.cleaned_data.get("warm_introduction")
        return self.introductions.get(pk) if pk else None


class TreatmentOutcomeForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the referral to the Treatment Service (SEC-5)."""

    version_model = TreatmentReferral

    conditional_radio_fields = ("outcome",)
    version_field_map = {"outcome": "status", "reason": "outcome_reason"}
    ACCEPTED, NOT_ACCEPTED = "accepted", "declined"

    outcome = radios(
        [(ACCEPTED, _("Accepted")), (NOT_ACCEPTED, _("Not accepted"))],
        _("Has the Treatment Service accepted the referral?"),
        TREATMENT_OUTCOME_REQUIRED,
    )
    reason = forms.CharField(
        label=_("Why was it not accepted?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": ""}),
        error_messages={"max_length": NOT_ACCEPTED_REASON_TOO_LONG},
    )

    treatment_case_id = forms.CharField(
        label=_("Your case ID for this person (optional)"),
        help_text=_("The Treatment Service’s own reference, so both services can match their records"),
        required=False,
        max_length=50,
        error_messages={"max_length": TREATMENT_CASE_ID_TOO_LONG},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_appointment_on"] = _date_field(_("Date of the first appointment (optional)"), required=False)
        self.fields["treatment_started_on"] = _date_field(_("Date treatment started (optional)"), required=False)
        choices = _plain_choices(self.fields["outcome"].choices)
        self.fields["outcome"].choices = choices
        questions = [
            TriageConditionalQuestion(label, Field.textarea("reason", max_characters=2000))
            if value == self.NOT_ACCEPTED
            else TriageConditionalQuestion(label)
            for value, label in choices
        ]
        self.helper = helper(
            ConditionalRadios("outcome", *questions),
            Field.text("treatment_case_id", field_width=Fixed.TEN),
            Field("first_appointment_on"),
            Field("treatment_started_on"),
            submit=_("Save outcome"),
        )
        self.helper.legend_size = Size.SMALL

    def clean(self):
        cleaned_data = super().clean()
        declined = cleaned_data.get("outcome") == self.NOT_ACCEPTED
        if declined and not (cleaned_data.get("reason") or "").strip() and "reason" not in self.errors:
            self.add_error("reason", NOT_ACCEPTED_REASON_REQUIRED)
        return cleaned_data


# --- Onward referrals (PAR-4) ------------------------------------------------------------------


def _basis_label(consent: Consent) -> str:
    recorded = formats.date_format(timezone.localdate(consent.recorded_at), "j F Y")
    if consent.lawful_basis == Consent.LawfulBasis.CONSENT:
        return _("Consent to share with %(who)s, recorded %(when)s") % {
            "who": consent.recipient_label,
            "when": recorded,
        }
    return _("%(basis)s, for %(who)s, recorded %(when)s") % {
        "basis": consent.get_lawful_basis_display(),
        "who": consent.recipient_label,
        "when": recorded,
    }


def moment_on(day: dt.date) -> dt.datetime:
    """A date typed on a form as a moment: now for today, midday local time otherwise."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class OnwardReferralForm(GovUKFormMixin, forms.Form):
    conditional_radio_fields = ("share_personal_data",)

    service_type = radios(OnwardReferral.ServiceType.choices, _("What type of service?"), SERVICE_TYPE_REQUIRED)
    organisation_name = text(
        _("Name of the organisation"),
        max_length=200,
        required=True,
        required_message=ORGANISATION_NAME_REQUIRED,
        too_long=ORGANISATION_NAME_TOO_LONG,
    )
    share_personal_data = radios(YES_NO, _("Did you send the person's details to them?"), SHARE_REQUIRED)
    sharing_basis = forms.TypedChoiceField(
        label=_("On what consent or lawful basis?"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": SHARING_BASIS_INVALID},
    )
    notes = notes(2000, _("Notes (optional)"), NOTES_TOO_LONG)

    def __init__(self, *args, bases, **kwargs):
        super().__init__(*args, **kwargs)
        self.bases = {consent.pk: consent for consent in bases}
        self.fields["referred_on"] = _date_field(_("Date of the referral"), required=True)
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate())
        self.fields["sharing_basis"].choices = [(pk, _basis_label(c)) for pk, c in self.bases.items()]
        self.order_fields(["service_type", "organisation_name", "referred_on", "share_personal_data", "sharing_basis"])
        choices = _plain_choices(YES_NO)
        self.fields["share_personal_data"].choices = choices
        if self.bases:
            reveal = Field.radios("sharing_basis", legend_size=Size.SMALL)
        else:
            reveal = HTML(format_html('<p class="govuk-body">{}</p>', NO_BASIS_RECORDED))
        questions = [
            TriageConditionalQuestion(label, reveal) if value == YES else TriageConditionalQuestion(label)
            for value, label in choices
        ]
        self.helper = helper(
            Field.radios("service_type", legend_size=Size.SMALL),
            Field.text("organisation_name", field_width=Fluid.TWO_THIRDS),
            Field("referred_on"),
            ConditionalRadios("share_personal_data", *questions),
            Field.textarea("notes", max_characters=2000),
            submit=_("Save onward referral"),
        )
        self.helper.legend_size = Size.SMALL

    def clean_referred_on(self):
        day = self.cleaned_data["referred_on"]
        if day and day > timezone.localdate():
            raise ValidationError(REFERRED_ON_IN_FUTURE, code="future")
        return day

    def service_fields(self) -> dict:
        data = self.cleaned_data
        share = data["share_personal_data"] == YES
        return {
            "service_type": data["service_type"],
            "organisation_name": data["organisation_name"],
            "sent_at": moment_on(data["referred_on"]),
            "notes": data.get("notes") or "",
            "share_personal_data": share,
            "sharing_basis": self.bases.get(data.get("sharing_basis")) if share else None,
        }


class OnwardOutcomeForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the onward referral (SEC-5)."""

    version_model = OnwardReferral

    outcome = radios(OnwardReferral.Outcome.choices, _("What was the outcome?"), ONWARD_OUTCOME_REQUIRED)
    notes = notes(2000, _("Notes (optional)"), NOTES_TOO_LONG)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome_on"] = _date_field(_("Date of the outcome"), required=True)
        if not self.is_bound:
            self.initial.setdefault("outcome_on", timezone.localdate())
        self.order_fields(["outcome", "outcome_on", "notes"])
        self.helper = helper(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field("outcome_on"),
            Field.textarea("notes", max_characters=2000),
            submit=_("Save outcome"),
        )

    def clean_outcome_on(self):
        day = self.cleaned_data["outcome_on"]
        if day and day > timezone.localdate():
            raise ValidationError(OUTCOME_DATE_IN_FUTURE, code="future")
        return day
