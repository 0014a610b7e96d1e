"""The staff referral form (REF-1, REF-2) and its validation.

SPOC staff type up referrals taken by phone, e-mail, in person or on outreach. Every error has
its own message (constants below, so tests can assert them), everything typed is kept when
the form is shown again, and no input can raise an error the form does not catch.
"""

from __future__ import annotations

import datetime as dt
import uuid

from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import fields as govuk
from common.forms.dates import YEAR_FOUR_DIGITS, DateOfBirthField, GovUKDateField, GovUKTimeField
from common.forms.errors import GovUKFormMixin
from common.forms.identifiers import NHSNumberField, UKPhoneField, UKPostcodeField
from partnership.models import Council
from referrals import places, rules
from referrals.forms import intake_messages as msg
from referrals.forms.communication import clean_communication, communication_data, communication_fields
from referrals.forms.council import council_field
from referrals.models import ContactMethod, Referral, Substance, YesNoUnknown

REASON_MAX_LENGTH = 5000
# A referral typed up late is fine; one from over a year ago is a typing mistake.
OLDEST_RECEIVED = dt.timedelta(days=365)
# Clocks on two machines disagree a little; a referral is not "in the future" by seconds.

# REF-1: staff record every channel except "online" (that is the public form's).
STAFF_CHANNELS = [(value, label) for value, label in Referral.Channel.choices if value != Referral.Channel.ONLINE]
# Referrers who are not the person themselves: we need a way to reach them.
REFERRERS_NEEDING_DETAILS = frozenset(
    {Referral.ReferrerType.PROFESSIONAL, Referral.ReferrerType.TRANSFER, Referral.ReferrerType.FAMILY}
)
PROFESSIONAL_REFERRERS = frozenset({Referral.ReferrerType.PROFESSIONAL, Referral.ReferrerType.TRANSFER})


class StaffReferralForm(GovUKFormMixin, forms.Form):
    """REF-1, REF-2: a referral recorded by SPOC staff."""

    # About the referral
    channel = govuk.radios(STAFF_CHANNELS, _("How was the referral received?"), msg.CHANNEL_REQUIRED)
    referrer_type = govuk.radios(
        Referral.ReferrerType.choices, _("Who is making the referral?"), msg.REFERRER_TYPE_REQUIRED
    )
    source = forms.ChoiceField(
        label=_("Where did the referral come from?"),
        choices=[("", _("Choose a source"))] + list(Referral.Source.choices),
        error_messages={"required": msg.SOURCE_REQUIRED, "invalid_choice": msg.SOURCE_REQUIRED},
    )
    # §3.1.1.c: a family member, friend or carer of any age asking for support for themselves.
    support_for = govuk.radios(
        Referral.SupportFor.choices,
        _("Who is the support for?"),
        msg.SUPPORT_FOR_REQUIRED,
        help_text=_("A family member, friend or carer can ask for support for themselves, at any age."),
        initial=Referral.SupportFor.OWN_USE,
        # Chosen by default; a form sent without it is about the person's own use.
        required=False,
    )

    # The person a carer cares for: never a record of their own.
    cared_for_relationship = forms.ChoiceField(
        label=_("Who do they care for?"),
        choices=[("", _("Choose who they care for"))] + list(Referral.CaredForRelationship.choices),
        required=False,
        error_messages={"invalid_choice": msg.CARED_FOR_RELATIONSHIP_REQUIRED},
    )
    cared_for_given_name = govuk.text(
        _("First name of the person they care for (optional)"),
        max_length=msg.max_length_of("cared_for_given_name"),
        too_long=msg.CARED_FOR_NAME_TOO_LONG,
    )
    cared_for_substances = forms.MultipleChoiceField(
        label=_("What does the person they care for use?"),
        help_text=_("Select all that apply"),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": msg.SUBSTANCE_INVALID, "invalid_list": msg.SUBSTANCE_INVALID},
    )

    # The person
    subject_given_name = govuk.PersonNameField(
        label=_("First name"),
        max_length=msg.max_length_of("subject_given_name"),
        too_long=msg.GIVEN_NAME_TOO_LONG,
        required_message=msg.GIVEN_NAME_REQUIRED,
    )
    subject_family_name = govuk.PersonNameField(
        label=_("Last name"),
        max_length=msg.max_length_of("subject_family_name"),
        too_long=msg.FAMILY_NAME_TOO_LONG,
        required_message=msg.FAMILY_NAME_REQUIRED,
    )
    subject_date_of_birth = DateOfBirthField(
        label=_("Date of birth"), help_text=_("For example, 27 3 1985. Leave blank if it is not known."), required=False
    )
    subject_nhs_number = NHSNumberField(label=_("NHS number (optional)"))
    subject_address = govuk.address_field()
    subject_postcode = UKPostcodeField(label=_("Postcode (optional)"))
    subject_phone = UKPhoneField(label=_("Phone number (optional)"))
    subject_email = govuk.EmailAddressField(label=_("Email address (optional)"))
    # Worked out from a Cumbrian postcode (referrals.places); asked when the postcode cannot tell.
    council_of_residence = council_field(
        _("Which council area does the person live in? (optional)"),
        msg.COUNCIL_INVALID,
        required=False,
        help_text=_("You do not need to answer if you gave a postcode: we work it out from the postcode."),
    )

    # The referrer
    referrer_name = govuk.text(
        _("Referrer’s name"), max_length=msg.max_length_of("referrer_name"), too_long=msg.REFERRER_NAME_TOO_LONG
    )
    referrer_relationship = govuk.text(
        _("Relationship to the person"),
        max_length=msg.max_length_of("referrer_relationship"),
        too_long=msg.REFERRER_RELATIONSHIP_TOO_LONG,
        help_text=_("Needed for a family member, friend or carer. For example, mother or neighbour."),
    )
    referrer_organisation = govuk.text(
        _("Organisation"),
        max_length=msg.max_length_of("referrer_organisation"),
        too_long=msg.REFERRER_ORGANISATION_TOO_LONG,
        help_text=_("Needed for a professional or another agency."),
    )
    referrer_role = govuk.text(
        _("Job title"),
        max_length=msg.max_length_of("referrer_role"),
        too_long=msg.REFERRER_ROLE_TOO_LONG,
        help_text=_("Needed for a professional or another agency."),
    )
    referrer_phone = UKPhoneField(label=_("Referrer’s phone number"))
    referrer_email = govuk.EmailAddressField(label=_("Referrer’s email address"))

    # Substances and support
    substances = forms.MultipleChoiceField(
        label=_("Which substances does the person use?"),
        help_text=_("Select all that apply. Leave blank if not known yet: it is asked at triage."),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": msg.SUBSTANCE_INVALID, "invalid_list": msg.SUBSTANCE_INVALID},
    )
    reason = govuk.text(
        _("What help is wanted?"),
        max_length=REASON_MAX_LENGTH,
        too_long=msg.REASON_TOO_LONG,
        help_text=_("In the person’s or referrer’s words where possible."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    # Risk and priority
    is_urgent = govuk.radios(
        govuk.YES_NO,
        _("Is this referral urgent?"),
        msg.URGENT_REQUIRED,
        help_text=_("Urgent means an immediate risk to life or safety. Follow the escalation protocol straight away."),
        initial=govuk.NO,
    )
    pregnant = govuk.radios(
        YesNoUnknown.choices, _("Is the person pregnant?"), msg.PREGNANT_REQUIRED, initial=YesNoUnknown.UNKNOWN
    )
    open_to_childrens_services = govuk.radios(
        YesNoUnknown.choices,
        _("Is the person open to Children’s Services?"),
        msg.CHILDRENS_SERVICES_REQUIRED,
        help_text=_("Including Early Help, Youth Justice or Child Protection."),
        initial=YesNoUnknown.UNKNOWN,
    )

    # Contacting the person
    consent_to_contact = govuk.radios(
        govuk.YES_NO, _("Does the person agree to be contacted by the service?"), msg.CONSENT_REQUIRED
    )
    contact_methods = forms.MultipleChoiceField(
        label=_("How can we contact them?"),
        help_text=_("Select all that the person agrees to."),
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": msg.CONTACT_METHOD_INVALID, "invalid_list": msg.CONTACT_METHOD_INVALID},
    )
    safe_contact_times = govuk.text(
        _("Safe times to contact (optional)"),
        max_length=msg.max_length_of("safe_contact_times"),
        too_long=msg.SAFE_TIMES_TOO_LONG,
        help_text=_("For example, weekday mornings, not after 5pm."),
    )
    safe_to_leave_message = govuk.radios(
        YesNoUnknown.choices,
        _("Is it safe to leave a message?"),
        msg.SAFE_TO_LEAVE_MESSAGE_REQUIRED,
        initial=YesNoUnknown.UNKNOWN,
    )

    # Communication needs (§3.2.8): added in __init__, shared with the public form.

    # When it was received (REF-9): phone referrals are sometimes typed up later.
    received_date = GovUKDateField(
        label=_("Date received"),
        help_text=_("For example, 27 3 2025"),
        required_message=msg.RECEIVED_DATE_REQUIRED,
        real_message=msg.RECEIVED_DATE_REAL,
        not_numbers_message=msg.RECEIVED_DATE_REAL,
        day_message=msg.RECEIVED_DATE_DAY,
        month_message=msg.RECEIVED_DATE_MONTH,
        year_message=msg.RECEIVED_DATE_YEAR,
        year_digits_message=YEAR_FOUR_DIGITS,
    )
    received_time = GovUKTimeField(
        label=_("Time received"), required_message=msg.RECEIVED_TIME_REQUIRED, invalid_message=msg.RECEIVED_TIME_INVALID
    )

    # A one-time token: submitting the same form twice finds the referral it already made.
    submission_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(communication_fields(public=False))
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("received_date", now.date())
            self.initial.setdefault("received_time", now.strftime("%H:%M"))
            self.initial.setdefault("submission_token", str(uuid.uuid4()))
        self.helper = govuk.helper(
            govuk.heading(_("About the referral")),
            Field.radios("channel", legend_size=Size.SMALL, small=True),
            Field.radios("referrer_type", legend_size=Size.SMALL, small=True),
            Field.select("source"),
            Field.radios("support_for", legend_size=Size.SMALL, small=True),
            govuk.heading(_("The person being referred")),
            Field.text("subject_given_name", field_width=Fluid.ONE_HALF),
            Field.text("subject_family_name", field_width=Fluid.ONE_HALF),
            Field("subject_date_of_birth", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("subject_nhs_number", field_width=Fixed.TEN),
            Field.textarea("subject_address", rows=3),
            Field.text("subject_postcode", field_width=Fixed.TEN),
            Field.text("subject_phone", field_width=Fixed.TWENTY),
            Field.text("subject_email", field_width=Fluid.TWO_THIRDS),
            Field.radios("council_of_residence", legend_size=Size.SMALL, small=True),
            govuk.heading(_("Who is referring")),
            govuk.paragraph(
                _(
                    "Leave this section blank for a self-referral. For anyone else, give their name "
                    "and a phone number or email address so we can reach them."
                )
            ),
            Field.text("referrer_name", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_relationship", field_width=Fluid.ONE_HALF),
            Field.text("referrer_organisation", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_role", field_width=Fluid.ONE_HALF),
            Field.text("referrer_phone", field_width=Fixed.TWENTY),
            Field.text("referrer_email", field_width=Fluid.TWO_THIRDS),
            govuk.heading(_("The person they care for")),
            govuk.paragraph(
                _(
                    "Only for a family member, friend or carer asking for support for themselves. We never contact this person."
                )
            ),
            Field.select("cared_for_relationship"),
            Field.text("cared_for_given_name", field_width=Fluid.ONE_HALF),
            Field.checkboxes("cared_for_substances", legend_size=Size.SMALL, small=True),
            govuk.heading(_("Substances and support")),
            Field.checkboxes("substances", legend_size=Size.SMALL, small=True),
            Field.textarea("reason", rows=5, max_characters=REASON_MAX_LENGTH),
            govuk.heading(_("Risk and priority")),
            Field.radios("is_urgent", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("pregnant", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("open_to_childrens_services", legend_size=Size.SMALL, small=True, inline=True),
            govuk.heading(_("Contacting the person")),
            Field.radios("consent_to_contact", legend_size=Size.SMALL, small=True, inline=True),
            Field.checkboxes("contact_methods", legend_size=Size.SMALL, small=True),
            Field.text("safe_contact_times", field_width=Fluid.TWO_THIRDS),
            Field.radios("safe_to_leave_message", legend_size=Size.SMALL, small=True, inline=True),
            Field.checkboxes("communication_needs", legend_size=Size.SMALL, small=True),
            Field.text("interpreter_language", field_width=Fluid.ONE_HALF),
            Field.text("communication_needs_other", field_width=Fluid.TWO_THIRDS),
            govuk.heading(_("When the referral was received")),
            Field("received_date", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("received_time", field_width=Fixed.FIVE),
            Field("submission_token"),
            submit=_("Save referral"),
        )

    # --- Single fields -------------------------------------------------------------------

    def clean_referrer_name(self):
        return " ".join(self.cleaned_data["referrer_name"].split())

    def clean_received_date(self):
        received = self.cleaned_data.get("received_date")
        if received is None:
            return None
        today = timezone.localdate()
        if received > today:
            raise ValidationError(msg.RECEIVED_DATE_IN_FUTURE, code="future")
        if received < today - OLDEST_RECEIVED:
            raise ValidationError(msg.RECEIVED_DATE_TOO_OLD, code="too_old")
        return received

    def clean_submission_token(self):
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            # A missing or altered token: the referral is still saved, just without the
            # double-submit guard.
            return None

    # --- Rules across fields -------------------------------------------------------------

    def clean_support_for(self):
        return self.cleaned_data.get("support_for") or Referral.SupportFor.OWN_USE

    def _blank(self, name: str) -> bool:
        """Blank, and not already in error (so one problem gets one message)."""
        return not self.cleaned_data.get(name) and name not in self.errors

    def clean(self):
        data = super().clean()
        referrer_type = data.get("referrer_type")
        if referrer_type in REFERRERS_NEEDING_DETAILS:
            if self._blank("referrer_name"):
                self.add_error("referrer_name", msg.REFERRER_NAME_REQUIRED)
            if self._blank("referrer_phone") and self._blank("referrer_email"):
                self.add_error("referrer_phone", msg.REFERRER_CONTACT_REQUIRED)
        if referrer_type in PROFESSIONAL_REFERRERS:
            if self._blank("referrer_organisation"):
                self.add_error("referrer_organisation", msg.REFERRER_ORGANISATION_REQUIRED)
            if self._blank("referrer_role"):
                self.add_error("referrer_role", msg.REFERRER_ROLE_REQUIRED)
        if referrer_type == Referral.ReferrerType.FAMILY and self._blank("referrer_relationship"):
            self.add_error("referrer_relationship", msg.REFERRER_RELATIONSHIP_REQUIRED)

        if data.get("support_for") == Referral.SupportFor.CARER:
            if self._blank("cared_for_relationship"):
                self.add_error("cared_for_relationship", msg.CARED_FOR_RELATIONSHIP_REQUIRED)
            if self._blank("cared_for_substances"):
                self.add_error("cared_for_substances", msg.CARED_FOR_SUBSTANCES_REQUIRED)
            if data.get("substances"):
                self.add_error("substances", msg.CARER_OWN_SUBSTANCES)

        if data.get("consent_to_contact") == govuk.YES:
            methods = data.get("contact_methods") or []
            if not methods and "contact_methods" not in self.errors:
                self.add_error("contact_methods", msg.CONTACT_METHOD_REQUIRED)
            if {ContactMethod.PHONE, ContactMethod.TEXT} & set(methods) and self._blank("subject_phone"):
                self.add_error("subject_phone", msg.PHONE_NEEDED_FOR_METHOD)
            if ContactMethod.EMAIL in methods and self._blank("subject_email"):
                self.add_error("subject_email", msg.EMAIL_NEEDED_FOR_METHOD)
            if ContactMethod.LETTER in methods and self._blank("subject_address"):
                self.add_error("subject_address", msg.ADDRESS_NEEDED_FOR_METHOD)

        clean_communication(self, data)
        derived = places.council_for_postcode(data.get("subject_postcode") or "")
        given = data.get("council_of_residence")
        if derived and given and given != derived:
            self.add_error(
                "council_of_residence", msg.COUNCIL_DOES_NOT_MATCH_POSTCODE % {"council": Council(derived).label}
            )

        received_date, received_time = data.get("received_date"), data.get("received_time")
        if received_date is not None and received_time is not None:
            received_at = timezone.make_aware(dt.datetime.combine(received_date, received_time))
            if received_at > timezone.now() + rules.CLOCK_GRACE:
                self.add_error("received_time", msg.RECEIVED_TIME_IN_FUTURE)
            else:
                data["received_at"] = received_at
        return data

    # --- What the service is given -------------------------------------------------------

    def referral_data(self) -> dict:
        """The cleaned form as ``referral_create(data=...)`` takes it."""
        data = self.cleaned_data
        referrer_type = data["referrer_type"]
        consent = data["consent_to_contact"] == govuk.YES
        referrer = {
            name: data[name]
            for name in (
                "referrer_name",
                "referrer_relationship",
                "referrer_organisation",
                "referrer_role",
                "referrer_phone",
                "referrer_email",
            )
        }
        if referrer_type == Referral.ReferrerType.SELF:
            # The person referred themselves: they are not also "the referrer".
            referrer = dict.fromkeys(referrer, "")
        carer = data["support_for"] == Referral.SupportFor.CARER
        return {
            "support_for": data["support_for"],
            "cared_for_relationship": data["cared_for_relationship"] if carer else "",
            "cared_for_given_name": data["cared_for_given_name"] if carer else "",
            "cared_for_substances": [s for s in Substance.values if s in data["cared_for_substances"]] if carer else [],
            "referrer_type": referrer_type,
            "source": data["source"],
            "subject_given_name": data["subject_given_name"],
            "subject_family_name": data["subject_family_name"],
            "subject_date_of_birth": data["subject_date_of_birth"],
            "subject_nhs_number": data["subject_nhs_number"],
            "subject_address": data["subject_address"].strip(),
            "subject_postcode": data["subject_postcode"],
            "subject_phone": data["subject_phone"],
            "subject_email": data["subject_email"],
            **referrer,
            "substances": list(data["substances"]),
            "reason": data["reason"].strip(),
            "is_urgent": data["is_urgent"] == govuk.YES,
            "pregnant": data["pregnant"],
            "open_to_childrens_services": data["open_to_childrens_services"],
            "consent_to_contact": consent,
            "contact_methods": list(data["contact_methods"]) if consent else [],
            "safe_contact_times": data["safe_contact_times"],
            "safe_to_leave_message": data["safe_to_leave_message"],
            "council_of_residence": data["council_of_residence"],
            **communication_data(data),
        }
