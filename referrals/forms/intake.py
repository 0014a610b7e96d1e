"""The staff referral form (REF-1, REF-2) and its validation.

SPOC staff type up referrals taken by phone, e-mail, in person or on outreach. Every error has
its own message (constants below, so tests can assert them), everything typed is kept when
the form is shown again, and no input can raise an error the form does not catch.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fixed, Fluid, Layout, Size, Submit
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from referrals.matching import normalise_nhs_number, normalise_postcode
from referrals.models import ContactMethod, Referral, Substance, YesNoUnknown


def _max(name: str) -> int:
    return Referral._meta.get_field(name).max_length


# --- Error messages ----------------------------------------------------------------------

CHANNEL_REQUIRED = _("Select how the referral was received")
REFERRER_TYPE_REQUIRED = _("Select who is making the referral")
SOURCE_REQUIRED = _("Select where the referral came from")
GIVEN_NAME_REQUIRED = _("Enter the person’s first name")
GIVEN_NAME_TOO_LONG = format_lazy(_("First name must be {max} characters or fewer"), max=_max("subject_given_name"))
FAMILY_NAME_REQUIRED = _("Enter the person’s last name")
FAMILY_NAME_TOO_LONG = format_lazy(_("Last name must be {max} characters or fewer"), max=_max("subject_family_name"))
NAME_NEEDS_A_LETTER = _("Names must include at least one letter")

DATE_OF_BIRTH_REAL = _("Date of birth must be a real date")
DATE_OF_BIRTH_DAY = _("Date of birth must include a day")
DATE_OF_BIRTH_MONTH = _("Date of birth must include a month")
DATE_OF_BIRTH_YEAR = _("Date of birth must include a year")
DATE_OF_BIRTH_IN_FUTURE = _("Date of birth must be in the past")
DATE_OF_BIRTH_TOO_EARLY = _("Date of birth must be in 1900 or later")
YEAR_FOUR_DIGITS = _("Year must include 4 numbers")

NHS_NUMBER_LENGTH = _("NHS number must be 10 digits, like 485 777 3456")
NHS_NUMBER_INVALID = _(
    "This is not a valid NHS number. Check it against a letter or prescription, or leave it blank if it is not known"
)
ADDRESS_TOO_LONG = _("Address must be 500 characters or fewer")
POSTCODE_INVALID = _("Enter a real postcode, like CA1 1AA")
PHONE_INVALID = _("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")
EMAIL_TOO_LONG = _("Email address must be 254 characters or fewer")

REFERRER_NAME_REQUIRED = _("Enter the referrer’s name")
REFERRER_NAME_TOO_LONG = format_lazy(_("Referrer’s name must be {max} characters or fewer"), max=_max("referrer_name"))
REFERRER_RELATIONSHIP_REQUIRED = _("Enter the referrer’s relationship to the person")
REFERRER_RELATIONSHIP_TOO_LONG = format_lazy(
    _("Relationship must be {max} characters or fewer"), max=_max("referrer_relationship")
)
REFERRER_ORGANISATION_REQUIRED = _("Enter the referrer’s organisation")
REFERRER_ORGANISATION_TOO_LONG = format_lazy(
    _("Organisation must be {max} characters or fewer"), max=_max("referrer_organisation")
)
REFERRER_ROLE_REQUIRED = _("Enter the referrer’s job title")
REFERRER_ROLE_TOO_LONG = format_lazy(_("Job title must be {max} characters or fewer"), max=_max("referrer_role"))
REFERRER_CONTACT_REQUIRED = _("Enter a phone number or email address for the referrer")

SUBSTANCE_INVALID = _("Select substances from the list")
REASON_TOO_LONG = format_lazy(_("What help is wanted must be {max} characters or fewer"), max=5000)
PREGNANT_REQUIRED = _("Select whether the person is pregnant")
CHILDRENS_SERVICES_REQUIRED = _("Select whether the person is open to Children’s Services")
URGENT_REQUIRED = _("Select whether the referral is urgent")
CONSENT_REQUIRED = _("Select whether the person agrees to be contacted")
CONTACT_METHOD_REQUIRED = _("Select at least one way to contact the person")
CONTACT_METHOD_INVALID = _("Select ways to contact the person from the list")
PHONE_NEEDED_FOR_METHOD = _("Enter the person’s phone number to contact them by phone or text message")
EMAIL_NEEDED_FOR_METHOD = _("Enter the person’s email address to contact them by email")
ADDRESS_NEEDED_FOR_METHOD = _("Enter the person’s address to contact them by letter")
SAFE_TIMES_TOO_LONG = format_lazy(
    _("Safe times to contact must be {max} characters or fewer"), max=_max("safe_contact_times")
)
SAFE_TO_LEAVE_MESSAGE_REQUIRED = _("Select whether it is safe to leave a message")

RECEIVED_DATE_REQUIRED = _("Enter the date the referral was received")
RECEIVED_DATE_REAL = _("Date received must be a real date")
RECEIVED_DATE_DAY = _("Date received must include a day")
RECEIVED_DATE_MONTH = _("Date received must include a month")
RECEIVED_DATE_YEAR = _("Date received must include a year")
RECEIVED_DATE_IN_FUTURE = _("Date received must be today or in the past")
RECEIVED_DATE_TOO_OLD = _("Date received must be within the last year")
RECEIVED_TIME_REQUIRED = _("Enter the time the referral was received")
RECEIVED_TIME_INVALID = _("Enter the time received using the 24-hour clock, like 14:30")
RECEIVED_TIME_IN_FUTURE = _("Time received must be now or in the past")

ADDRESS_MAX_LENGTH = 500
REASON_MAX_LENGTH = 5000
EMAIL_MAX_LENGTH = 254
# A referral typed up late is fine; one from over a year ago is a typing mistake.
OLDEST_RECEIVED = dt.timedelta(days=365)
# Clocks on two machines disagree a little; a referral is not "in the future" by seconds.
CLOCK_SLACK = dt.timedelta(minutes=5)
EARLIEST_BIRTH_YEAR = 1900

YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]
# REF-1: staff record every channel except "online" (that is the public form's).
STAFF_CHANNELS = [(value, label) for value, label in Referral.Channel.choices if value != Referral.Channel.ONLINE]
# Referrers who are not the person themselves: we need a way to reach them.
REFERRERS_NEEDING_DETAILS = frozenset(
    {Referral.ReferrerType.PROFESSIONAL, Referral.ReferrerType.TRANSFER, Referral.ReferrerType.FAMILY}
)
PROFESSIONAL_REFERRERS = frozenset({Referral.ReferrerType.PROFESSIONAL, Referral.ReferrerType.TRANSFER})


# --- Validators (importable by other forms) ----------------------------------------------


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10 down to 2 on the first nine digits; the
    check digit is 11 minus the remainder (11 means 0, 10 means the number is invalid)."""
    if not re.fullmatch(r"[0-9]{10}", digits):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def clean_nhs_number(value: str) -> str:
    """ "485 777 3456" -> "4857773456"; raises ValidationError with a specific message."""
    value = (value or "").strip()
    if not value:
        return ""
    if not re.fullmatch(r"[0-9\s-]+", value):
        raise ValidationError(NHS_NUMBER_LENGTH, code="nhs_number_length")
    digits = normalise_nhs_number(value)
    if len(digits) != 10:
        raise ValidationError(NHS_NUMBER_LENGTH, code="nhs_number_length")
    if not nhs_number_is_valid(digits):
        raise ValidationError(NHS_NUMBER_INVALID, code="nhs_number_invalid")
    return digits


_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")


def clean_uk_postcode(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    compact = re.sub(r"\s+", "", value).upper()
    if not _POSTCODE.match(compact):
        raise ValidationError(POSTCODE_INVALID, code="postcode_invalid")
    return normalise_postcode(compact)


def clean_uk_phone(value: str) -> str:
    """A UK number, stored as digits starting 0: "+44 (0)7700 900982" -> "07700900982"."""
    value = (value or "").strip()
    if not value:
        return ""
    if not re.fullmatch(r"[0-9+()\s.-]+", value) or len(value) > 30:
        raise ValidationError(PHONE_INVALID, code="phone_invalid")
    compact = re.sub(r"[\s().-]", "", value.replace("(0)", ""))
    if compact.startswith("+44"):
        compact = "0" + compact[3:]
    elif compact.startswith("0044"):
        compact = "0" + compact[4:]
    if not re.fullmatch(r"0[1-9][0-9]{8,9}", compact):
        raise ValidationError(PHONE_INVALID, code="phone_invalid")
    return compact


def clean_person_name(value: str) -> str:
    """Any script, accents, hyphens and apostrophes ("Siân Ó Briain-Nakamura"); but a name
    has at least one letter in it."""
    value = " ".join((value or "").split())
    if value and not any(c.isalpha() for c in value):
        raise ValidationError(NAME_NEEDS_A_LETTER, code="name_letter")
    return value


_TIME = re.compile(r"^\s*([01]?[0-9]|2[0-3])\s*[:.]\s*([0-5][0-9])\s*$")
_TIME_12H = re.compile(r"^\s*(1[0-2]|0?[1-9])(?:\s*[:.]\s*([0-5][0-9]))?\s*([ap])\.?\s*m\.?\s*$", re.IGNORECASE)


def parse_time(value: str) -> dt.time | None:
    """ "14:30", "9.05", "2:30pm" or "9am"; None if it is not a time."""
    match = _TIME.match(value or "")
    if match:
        return dt.time(int(match.group(1)), int(match.group(2)))
    match = _TIME_12H.match(value or "")
    if match:
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
        return dt.time(hour, int(match.group(2) or 0))
    return None


# --- Fields ------------------------------------------------------------------------------


class NumericDateInputWidget(DateInputWidget):
    """GOV.UK date input with the numeric keyboard on phones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"


class GovUKDateField(DateInputField):
    """A GOV.UK date input with specific messages: which part is missing, a real date, a
    4-digit year. Never raises anything but ValidationError, whatever is typed."""

    widget = NumericDateInputWidget

    def __init__(self, *, required_message, real_message, day_message, month_message, year_message, **kwargs):
        self.real_message = real_message
        only_digits = RegexValidator(r"^[0-9]+$", real_message)
        fields = (
            forms.CharField(label=_("Day"), error_messages={"incomplete": day_message}, validators=[only_digits]),
            forms.CharField(label=_("Month"), error_messages={"incomplete": month_message}, validators=[only_digits]),
            forms.CharField(
                label=_("Year"),
                error_messages={"incomplete": year_message},
                validators=[only_digits, RegexValidator(r"^[0-9]{4}$", YEAR_FOUR_DIGITS)],
            ),
        )
        error_messages = {"required": required_message, "incomplete": required_message, "invalid": real_message}
        # Skip DateInputField.__init__: it fixes generic messages.
        forms.MultiValueField.__init__(
            self, error_messages=error_messages, fields=fields, require_all_fields=False, **kwargs
        )

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(day) > 2 or len(month) > 2:
            raise ValidationError(self.real_message, code="invalid_date")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:
            raise ValidationError(self.real_message, code="invalid_date") from error


class TextField(forms.CharField):
    """Newlines counted once: browsers send a line break in a textarea as two characters."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def error_summary_items(form: forms.Form) -> list[tuple[str, str]]:
    """(anchor id, message) for the GOV.UK error summary, each linking to the input to fix:
    the first radio or checkbox of a group (crispy-forms-gds numbers them from 1), the day,
    month or year box of a date."""
    items: list[tuple[str, str]] = []
    first_id = next((bf.auto_id for bf in form.visible_fields()), "main-content")
    for error in form.non_field_errors():
        items.append((first_id, error))
    for bf in form.visible_fields():
        if not bf.errors:
            continue
        widget = bf.field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            items.extend((f"{bf.auto_id}_1", error) for error in bf.errors)
        elif isinstance(widget, forms.MultiWidget):
            seen = []
            for index, subfield in enumerate(getattr(bf.field, "fields", ())):
                for error in getattr(subfield.widget, "errors", []):
                    if error not in seen:
                        items.append((f"{bf.auto_id}_{index}", error))
                        seen.append(error)
            items.extend((f"{bf.auto_id}_0", error) for error in bf.errors if error not in seen)
        else:
            items.extend((bf.auto_id, error) for error in bf.errors)
    return items


def _text(label, *, max_length, too_long, required=False, required_message=None, help_text="", **kwargs):
    messages = {"max_length": too_long}
    if required_message:
        messages["required"] = required_message
    return TextField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages=messages,
        help_text=help_text,
        **kwargs,
    )


def _radios(label, choices, *, required_message, help_text="", initial=None):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
        help_text=help_text,
        initial=initial,
    )


class StaffReferralForm(forms.Form):
    """REF-1, REF-2: a referral recorded by SPOC staff."""

    # About the referral
    channel = _radios(_("How was the referral received?"), STAFF_CHANNELS, required_message=CHANNEL_REQUIRED)
    referrer_type = _radios(
        _("Who is making the referral?"), Referral.ReferrerType.choices, required_message=REFERRER_TYPE_REQUIRED
    )
    source = forms.ChoiceField(
        label=_("Where did the referral come from?"),
        choices=[("", _("Choose a source"))] + list(Referral.Source.choices),
        error_messages={"required": SOURCE_REQUIRED, "invalid_choice": SOURCE_REQUIRED},
    )

    # The person
    subject_given_name = _text(
        _("First name"),
        max_length=_max("subject_given_name"),
        too_long=GIVEN_NAME_TOO_LONG,
        required=True,
        required_message=GIVEN_NAME_REQUIRED,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    subject_family_name = _text(
        _("Last name"),
        max_length=_max("subject_family_name"),
        too_long=FAMILY_NAME_TOO_LONG,
        required=True,
        required_message=FAMILY_NAME_REQUIRED,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    subject_date_of_birth = GovUKDateField(
        label=_("Date of birth"),
        help_text=_("For example, 27 3 1985. Leave blank if it is not known."),
        required=False,
        required_message=DATE_OF_BIRTH_REAL,
        real_message=DATE_OF_BIRTH_REAL,
        day_message=DATE_OF_BIRTH_DAY,
        month_message=DATE_OF_BIRTH_MONTH,
        year_message=DATE_OF_BIRTH_YEAR,
    )
    subject_nhs_number = _text(
        _("NHS number (optional)"),
        max_length=20,
        too_long=NHS_NUMBER_LENGTH,
        help_text=_("A 10 digit number, like 485 777 3456"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    subject_address = _text(
        _("Address (optional)"),
        max_length=ADDRESS_MAX_LENGTH,
        too_long=ADDRESS_TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )
    subject_postcode = _text(
        _("Postcode (optional)"),
        max_length=10,
        too_long=POSTCODE_INVALID,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    subject_phone = _text(
        _("Phone number (optional)"),
        max_length=30,
        too_long=PHONE_INVALID,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    subject_email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_TOO_LONG},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    # The referrer
    referrer_name = _text(_("Referrer’s name"), max_length=_max("referrer_name"), too_long=REFERRER_NAME_TOO_LONG)
    referrer_relationship = _text(
        _("Relationship to the person"),
        max_length=_max("referrer_relationship"),
        too_long=REFERRER_RELATIONSHIP_TOO_LONG,
        help_text=_("Needed for a family member, friend or carer. For example, mother or neighbour."),
    )
    referrer_organisation = _text(
        _("Organisation"),
        max_length=_max("referrer_organisation"),
        too_long=REFERRER_ORGANISATION_TOO_LONG,
        help_text=_("Needed for a professional or another agency."),
    )
    referrer_role = _text(
        _("Job title"),
        max_length=_max("referrer_role"),
        too_long=REFERRER_ROLE_TOO_LONG,
        help_text=_("Needed for a professional or another agency."),
    )
    referrer_phone = _text(
        _("Referrer’s phone number"),
        max_length=30,
        too_long=PHONE_INVALID,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    referrer_email = forms.EmailField(
        label=_("Referrer’s email address"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"invalid": EMAIL_INVALID, "max_length": EMAIL_TOO_LONG},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    # Substances and support
    substances = forms.MultipleChoiceField(
        label=_("Which substances does the person use?"),
        help_text=_("Select all that apply. Leave blank if not known yet: it is asked at triage."),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": SUBSTANCE_INVALID, "invalid_list": SUBSTANCE_INVALID},
    )
    reason = _text(
        _("What help is wanted?"),
        max_length=REASON_MAX_LENGTH,
        too_long=REASON_TOO_LONG,
        help_text=_("In the person’s or referrer’s words where possible."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    # Risk and priority
    is_urgent = _radios(
        _("Is this referral urgent?"),
        YES_NO,
        required_message=URGENT_REQUIRED,
        help_text=_("Urgent means an immediate risk to life or safety. Follow the escalation protocol straight away."),
        initial=NO,
    )
    pregnant = _radios(
        _("Is the person pregnant?"),
        YesNoUnknown.choices,
        required_message=PREGNANT_REQUIRED,
        initial=YesNoUnknown.UNKNOWN,
    )
    open_to_childrens_services = _radios(
        _("Is the person open to Children’s Services?"),
        YesNoUnknown.choices,
        required_message=CHILDRENS_SERVICES_REQUIRED,
        help_text=_("Including Early Help, Youth Justice or Child Protection."),
        initial=YesNoUnknown.UNKNOWN,
    )

    # Contacting the person
    consent_to_contact = _radios(
        _("Does the person agree to be contacted by the service?"), YES_NO, required_message=CONSENT_REQUIRED
    )
    contact_methods = forms.MultipleChoiceField(
        label=_("How can we contact them?"),
        help_text=_("Select all that the person agrees to."),
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": CONTACT_METHOD_INVALID, "invalid_list": CONTACT_METHOD_INVALID},
    )
    safe_contact_times = _text(
        _("Safe times to contact (optional)"),
        max_length=_max("safe_contact_times"),
        too_long=SAFE_TIMES_TOO_LONG,
        help_text=_("For example, weekday mornings, not after 5pm."),
    )
    safe_to_leave_message = _radios(
        _("Is it safe to leave a message?"),
        YesNoUnknown.choices,
        required_message=SAFE_TO_LEAVE_MESSAGE_REQUIRED,
        initial=YesNoUnknown.UNKNOWN,
    )

    # When it was received (REF-9): phone referrals are sometimes typed up later.
    received_date = GovUKDateField(
        label=_("Date received"),
        help_text=_("For example, 27 3 2025"),
        required_message=RECEIVED_DATE_REQUIRED,
        real_message=RECEIVED_DATE_REAL,
        day_message=RECEIVED_DATE_DAY,
        month_message=RECEIVED_DATE_MONTH,
        year_message=RECEIVED_DATE_YEAR,
    )
    received_time = forms.CharField(
        label=_("Time received"),
        help_text=_("Use the 24-hour clock, for example 14:30"),
        max_length=20,
        error_messages={"required": RECEIVED_TIME_REQUIRED, "max_length": RECEIVED_TIME_INVALID},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    # A one-time token: submitting the same form twice finds the referral it already made.
    submission_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        return error_summary_items(self)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.setdefault("received_date", now.date())
            self.initial.setdefault("received_time", now.strftime("%H:%M"))
            self.initial.setdefault("submission_token", str(uuid.uuid4()))
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("About the referral"))),
            Field.radios("channel", legend_size=Size.SMALL, small=True),
            Field.radios("referrer_type", legend_size=Size.SMALL, small=True),
            Field.select("source"),
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("The person being referred"))),
            Field.text("subject_given_name", field_width=Fluid.ONE_HALF),
            Field.text("subject_family_name", field_width=Fluid.ONE_HALF),
            Field("subject_date_of_birth", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("subject_nhs_number", field_width=Fixed.TEN),
            Field.textarea("subject_address", rows=3),
            Field.text("subject_postcode", field_width=Fixed.TEN),
            Field.text("subject_phone", field_width=Fixed.TWENTY),
            Field.text("subject_email", field_width=Fluid.TWO_THIRDS),
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("Who is referring"))),
            HTML(
                format_html(
                    '<p class="govuk-body">{}</p>',
                    _(
                        "Leave this section blank for a self-referral. For anyone else, give their name "
                        "and a phone number or email address so we can reach them."
                    ),
                )
            ),
            Field.text("referrer_name", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_relationship", field_width=Fluid.ONE_HALF),
            Field.text("referrer_organisation", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_role", field_width=Fluid.ONE_HALF),
            Field.text("referrer_phone", field_width=Fixed.TWENTY),
            Field.text("referrer_email", field_width=Fluid.TWO_THIRDS),
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("Substances and support"))),
            Field.checkboxes("substances", legend_size=Size.SMALL, small=True),
            Field.textarea("reason", rows=5, max_characters=REASON_MAX_LENGTH),
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("Risk and priority"))),
            Field.radios("is_urgent", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("pregnant", legend_size=Size.SMALL, small=True, inline=True),
            Field.radios("open_to_childrens_services", legend_size=Size.SMALL, small=True, inline=True),
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("Contacting the person"))),
            Field.radios("consent_to_contact", legend_size=Size.SMALL, small=True, inline=True),
            Field.checkboxes("contact_methods", legend_size=Size.SMALL, small=True),
            Field.text("safe_contact_times", field_width=Fluid.TWO_THIRDS),
            Field.radios("safe_to_leave_message", legend_size=Size.SMALL, small=True, inline=True),
            HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', _("When the referral was received"))),
            Field("received_date", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("received_time", field_width=Fixed.FIVE),
            Field("submission_token"),
            Submit("save", _("Save referral")),
        )

    # --- Single fields -------------------------------------------------------------------

    def clean_subject_given_name(self):
        return clean_person_name(self.cleaned_data["subject_given_name"])

    def clean_subject_family_name(self):
        return clean_person_name(self.cleaned_data["subject_family_name"])

    def clean_subject_date_of_birth(self):
        born = self.cleaned_data.get("subject_date_of_birth")
        if born is None:
            return None
        if born > timezone.localdate():
            raise ValidationError(DATE_OF_BIRTH_IN_FUTURE, code="future")
        if born.year < EARLIEST_BIRTH_YEAR:
            raise ValidationError(DATE_OF_BIRTH_TOO_EARLY, code="too_early")
        return born

    def clean_subject_nhs_number(self):
        return clean_nhs_number(self.cleaned_data["subject_nhs_number"])

    def clean_subject_postcode(self):
        return clean_uk_postcode(self.cleaned_data["subject_postcode"])

    def clean_subject_phone(self):
        return clean_uk_phone(self.cleaned_data["subject_phone"])

    def clean_referrer_phone(self):
        return clean_uk_phone(self.cleaned_data["referrer_phone"])

    def clean_referrer_name(self):
        return " ".join(self.cleaned_data["referrer_name"].split())

    def clean_received_date(self):
        received = self.cleaned_data.get("received_date")
        if received is None:
            return None
        today = timezone.localdate()
        if received > today:
            raise ValidationError(RECEIVED_DATE_IN_FUTURE, code="future")
        if received < today - OLDEST_RECEIVED:
            raise ValidationError(RECEIVED_DATE_TOO_OLD, code="too_old")
        return received

    def clean_received_time(self):
        parsed = parse_time(self.cleaned_data["received_time"])
        if parsed is None:
            raise ValidationError(RECEIVED_TIME_INVALID, code="invalid_time")
        return parsed

    def clean_submission_token(self):
        try:
            return uuid.UUID(self.cleaned_data.get("submission_token") or "")
        except ValueError:
            # A missing or altered token: the referral is still saved, just without the
            # double-submit guard.
            return None

    # --- Rules across fields -------------------------------------------------------------

    def _blank(self, name: str) -> bool:
        """Blank, and not already in error (so one problem gets one message)."""
        return not self.cleaned_data.get(name) and name not in self.errors

    def clean(self):
        data = super().clean()
        referrer_type = data.get("referrer_type")
        if referrer_type in REFERRERS_NEEDING_DETAILS:
            if self._blank("referrer_name"):
                self.add_error("referrer_name", REFERRER_NAME_REQUIRED)
            if self._blank("referrer_phone") and self._blank("referrer_email"):
                self.add_error("referrer_phone", REFERRER_CONTACT_REQUIRED)
        if referrer_type in PROFESSIONAL_REFERRERS:
            if self._blank("referrer_organisation"):
                self.add_error("referrer_organisation", REFERRER_ORGANISATION_REQUIRED)
            if self._blank("referrer_role"):
                self.add_error("referrer_role", REFERRER_ROLE_REQUIRED)
        if referrer_type == Referral.ReferrerType.FAMILY and self._blank("referrer_relationship"):
            self.add_error("referrer_relationship", REFERRER_RELATIONSHIP_REQUIRED)

        if data.get("consent_to_contact") == YES:
            methods = data.get("contact_methods") or []
            if not methods and "contact_methods" not in self.errors:
                self.add_error("contact_methods", CONTACT_METHOD_REQUIRED)
            if {ContactMethod.PHONE, ContactMethod.TEXT} & set(methods) and self._blank("subject_phone"):
                self.add_error("subject_phone", PHONE_NEEDED_FOR_METHOD)
            if ContactMethod.EMAIL in methods and self._blank("subject_email"):
                self.add_error("subject_email", EMAIL_NEEDED_FOR_METHOD)
            if ContactMethod.LETTER in methods and self._blank("subject_address"):
                self.add_error("subject_address", ADDRESS_NEEDED_FOR_METHOD)

        received_date, received_time = data.get("received_date"), data.get("received_time")
        if received_date is not None and received_time is not None:
            received_at = timezone.make_aware(dt.datetime.combine(received_date, received_time))
            if received_at > timezone.now() + CLOCK_SLACK:
                self.add_error("received_time", RECEIVED_TIME_IN_FUTURE)
            else:
                data["received_at"] = received_at
        return data

    # --- What the service is given -------------------------------------------------------

    def referral_data(self) -> dict:
        """The cleaned form as ``referral_create(data=...)`` takes it."""
        data = self.cleaned_data
        referrer_type = data["referrer_type"]
        consent = data["consent_to_contact"] == YES
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
        return {
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
            "is_urgent": data["is_urgent"] == YES,
            "pregnant": data["pregnant"],
            "open_to_childrens_services": data["open_to_childrens_services"],
            "consent_to_contact": consent,
            "contact_methods": list(data["contact_methods"]) if consent else [],
            "safe_contact_times": data["safe_contact_times"],
            "safe_to_leave_message": data["safe_to_leave_message"],
        }
