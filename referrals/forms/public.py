"""The public self-referral form (REF-3, §3.1.1.c, §3.2.8): no login, plain English, translatable.

One page with fieldsets, not one question per page. A person who may be in crisis sees the
whole of what we ask at once (about ten questions, most of them short), so nobody is
surprised by a question four pages in. The page works without JavaScript, including the
"someone else" details, which GOV.UK Frontend reveals when JavaScript is on and which
otherwise simply show. Nothing personal is held in a half-finished session between pages:
the answers exist only in the browser until the person presses "Send referral", and are
stored in one step. One page is also the fewest steps, which matters most to someone
filling this in on a phone, on a slow connection, or in a hurry.

Every message a person can see is a constant below, so tests can assert it, and every one is
a gettext string, so the Polish page shows Polish messages (§3.2.8).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from referrals.matching import normalise_postcode
from referrals.models import ContactMethod, Referral, Substance, YesNoUnknown

# --- Choices -----------------------------------------------------------------------------

FOR_MYSELF = "myself"
FOR_SOMEONE_ELSE = "someone_else"
REFERRAL_FOR_CHOICES = [
    (FOR_MYSELF, _("Myself")),
    (FOR_SOMEONE_ELSE, _("Someone I care about")),
]
FOR_SOMEONE_ELSE_HINT = _("For example, a family member, a friend or someone I care for")

# The public wording for YesNoUnknown: "Not sure" reads better here than "Not known".
YES_NO_NOT_SURE = [
    (YesNoUnknown.YES, _("Yes")),
    (YesNoUnknown.NO, _("No")),
    (YesNoUnknown.UNKNOWN, _("Not sure")),
]

# --- Limits (the model's max_length, so nothing is cut off when saved) --------------------

NAME_MAX = Referral._meta.get_field("subject_given_name").max_length  # 100
REFERRER_NAME_MAX = Referral._meta.get_field("referrer_name").max_length  # 200
RELATIONSHIP_MAX = Referral._meta.get_field("referrer_relationship").max_length  # 100
PHONE_MAX = Referral._meta.get_field("subject_phone").max_length  # 20
EMAIL_MAX = 254
ADDRESS_MAX = 500
REASON_MAX = Referral._meta.get_field("reason").max_length  # 5000
SAFE_TIMES_MAX = Referral._meta.get_field("safe_contact_times").max_length  # 500
OLDEST_AGE = 120

# --- Messages ------------------------------------------------------------------------------

REFERRAL_FOR_REQUIRED = _("Select who this referral is for")
REFERRER_NAME_REQUIRED = _("Enter your name")
REFERRER_NAME_TOO_LONG = _("Your name must be 200 characters or fewer")
REFERRER_RELATIONSHIP_REQUIRED = _("Enter your relationship to the person, for example mother, partner or friend")
REFERRER_RELATIONSHIP_TOO_LONG = _("Your relationship to the person must be 100 characters or fewer")
REFERRER_CONTACT_REQUIRED = _("Enter your phone number or email address, so we can contact you")

GIVEN_NAME_REQUIRED = _("Enter a first name")
GIVEN_NAME_TOO_LONG = _("First name must be 100 characters or fewer")
FAMILY_NAME_REQUIRED = _("Enter a last name")
FAMILY_NAME_TOO_LONG = _("Last name must be 100 characters or fewer")

DOB_REQUIRED = _("Enter your date of birth")
DOB_MISSING_DAY = _("Date of birth must include a day")
DOB_MISSING_MONTH = _("Date of birth must include a month")
DOB_MISSING_YEAR = _("Date of birth must include a year")
DOB_NOT_REAL = _("Date of birth must be a real date")
DOB_YEAR_FOUR_DIGITS = _("Year must include 4 numbers")
DOB_IN_FUTURE = _("Date of birth must be in the past")
DOB_TOO_OLD = _("Date of birth must be within the last 120 years")

ADDRESS_TOO_LONG = _("Address must be 500 characters or fewer")
POSTCODE_INVALID = _("Enter a real postcode, like CA1 1AA")

PHONE_INVALID = _("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
PHONE_TOO_LONG = _("Phone number must be 20 characters or fewer")
EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")
EMAIL_TOO_LONG = _("Email address must be 254 characters or fewer")

SUBSTANCES_REQUIRED = _("Select at least one substance, or select ‘Something else’")
REASON_TOO_LONG = _("Tell us about the help you would like in 5,000 characters or fewer")
PREGNANT_REQUIRED = _("Select whether the person is pregnant")
CHILDRENS_SERVICES_REQUIRED = _("Select whether a social worker or Children’s Services is involved with the family")

CONSENT_REQUIRED = _("We can only help if we can contact you. Tick the box to agree to us contacting you")
CONTACT_METHODS_REQUIRED = _("Select at least one way we can contact you")
PHONE_NEEDED_FOR_CALL = _("Enter a phone number so we can call, or choose another way to contact you")
PHONE_NEEDED_FOR_TEXT = _("Enter a mobile phone number so we can send a text message, or choose another way")
EMAIL_NEEDED = _("Enter an email address so we can email you, or choose another way to contact you")
ADDRESS_NEEDED_FOR_LETTER = _("Enter an address so we can send a letter, or choose another way to contact you")
POSTCODE_NEEDED_FOR_LETTER = _("Enter a postcode so we can send a letter, or choose another way to contact you")
SAFE_TIMES_TOO_LONG = _("When it is safe to contact you must be 500 characters or fewer")

# --- Validation helpers ---------------------------------------------------------------------

# Royal Mail postcode format (including GIR 0AA); the space is optional and case is ignored.
UK_POSTCODE_RE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$",
    re.IGNORECASE,
)
PHONE_ALLOWED_RE = re.compile(r"^[0-9+() \-.]+$")


def is_uk_phone_number(value: str) -> bool:
    """A UK number as people type it: "01632 960 001", "07700-900982", "+44 (0)7700 900982"."""
    if not PHONE_ALLOWED_RE.match(value) or value.count("+") > 1 or ("+" in value and not value.startswith("+")):
        return False
    digits = re.sub(r"\D", "", value.replace("(0)", ""))
    if value.startswith("+44") or digits.startswith("0044"):
        national = digits[2:] if value.startswith("+") else digits[4:]
        return national[:1] != "0" and 9 <= len(national) <= 10
    return digits.startswith("0") and len(digits) in (10, 11)


def _normalise_newlines(value: str) -> str:
    # Browsers send a new line as CRLF; count it as one character, as the character count does.
    return value.replace("\r\n", "\n").replace("\r", "\n")


class PublicCharField(forms.CharField):
    """A text field with its own "too long" message and new lines counted once."""

    def __init__(self, *, max_length: int, too_long: str, required: bool = False, **kwargs):
        super().__init__(max_length=max_length, required=required, **kwargs)
        self.error_messages["max_length"] = too_long
        # Browsers would silently cut pasted text at maxlength; we say so instead (SEC-4).
        self.widget.attrs.pop("maxlength", None)

    def to_python(self, value):
        value = super().to_python(value)
        return _normalise_newlines(value) if value else value


class DayMonthYearWidget(DateInputWidget):
    """The GOV.UK date input, with labels in our catalogue and autocomplete for WCAG 1.3.5."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for widget, label, autocomplete, inputmode in zip(
            self.widgets,
            (_("Day"), _("Month"), _("Year")),
            ("bday-day", "bday-month", "bday-year"),
            ("numeric", "numeric", "numeric"),
            strict=True,
        ):
            widget.attrs.update({"label": label, "autocomplete": autocomplete, "inputmode": inputmode})


class DateOfBirthField(DateInputField):
    """Day, month and year with one specific message for each way a date of birth can be wrong.

    The messages are also put on the part of the date that is wrong (``widget.errors``), which
    the GDS pack uses to outline just that box in red.
    """

    widget = DayMonthYearWidget

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.require_all_fields = False
        for subfield in self.fields:
            subfield.required = True
            subfield.validators = []

    def clean(self, value):
        year_field = self.fields[2]
        for subfield in self.fields:
            subfield.widget.errors = []
        parts = [str(v).strip() if v is not None else "" for v in (value or [])]
        parts = (parts + ["", "", ""])[:3]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        for part, subfield, message in zip(
            parts, self.fields, (DOB_MISSING_DAY, DOB_MISSING_MONTH, DOB_MISSING_YEAR), strict=True
        ):
            if not part:
                subfield.widget.errors.append(message)
                raise ValidationError(message, code="incomplete")
        day, month, year = parts
        if not all(p.isdecimal() and p.isascii() for p in parts):
            for part, subfield in zip(parts, self.fields, strict=True):
                if not (part.isdecimal() and part.isascii()):
                    subfield.widget.errors.append(DOB_NOT_REAL)
            raise ValidationError(DOB_NOT_REAL, code="invalid")
        if len(year) != 4:
            year_field.widget.errors.append(DOB_YEAR_FOUR_DIGITS)
            raise ValidationError(DOB_YEAR_FOUR_DIGITS, code="invalid_year")
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            # 31 February, month 13, day 0: the whole date is wrong, so every box is outlined.
            raise ValidationError(DOB_NOT_REAL, code="invalid") from None
        today = timezone.localdate()
        if date > today:
            raise ValidationError(DOB_IN_FUTURE, code="future")
        try:
            oldest = today.replace(year=today.year - OLDEST_AGE)
        except ValueError:  # today is 29 February
            oldest = today.replace(year=today.year - OLDEST_AGE, day=28)
        if date < oldest:
            year_field.widget.errors.append(DOB_TOO_OLD)
            raise ValidationError(DOB_TOO_OLD, code="too_old")
        return date


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _html_paragraph(text) -> HTML:
    # Built when the form is made, i.e. in the language of the request, and escaped.
    return HTML(format_html('<p class="govuk-body">{}</p>', text))


def _html_heading(text) -> HTML:
    return HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', text))


def _text(
    label,
    *,
    max_length,
    too_long,
    required=False,
    required_message=None,
    help_text="",
    autocomplete=None,
    input_type=None,
    **attrs,
):
    field = PublicCharField(
        label=label, max_length=max_length, too_long=too_long, required=required, help_text=help_text
    )
    if required_message:
        field.error_messages["required"] = required_message
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete
    if input_type:
        # type="tel"/"email" brings the right phone keyboard; the form has novalidate, so the
        # browser leaves the checking (and the wording of the message) to us.
        field.widget.input_type = input_type
    field.widget.attrs.update(attrs)
    return field


class PublicReferralForm(forms.Form):
    """Everything the public form asks; ``referral_data()`` maps it onto a ``Referral``."""

    # A fresh UUID each time the page is shown: the same form sent twice makes one referral.
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Honeypot: hidden from people (visually, from screen readers and from the tab order);
    # bots fill in every box they find. Rendered by the page template, not the layout.
    homepage = forms.CharField(required=False, label=_("Leave this box empty"))

    referral_for = forms.ChoiceField(
        label=_("Who is this referral for?"),
        choices=REFERRAL_FOR_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": REFERRAL_FOR_REQUIRED, "invalid_choice": REFERRAL_FOR_REQUIRED},
    )
    referrer_name = _text(
        _("Your name"),
        max_length=REFERRER_NAME_MAX,
        too_long=REFERRER_NAME_TOO_LONG,
        autocomplete="name",
        spellcheck="false",
    )
    referrer_relationship = _text(
        _("Your relationship to the person"),
        max_length=RELATIONSHIP_MAX,
        too_long=REFERRER_RELATIONSHIP_TOO_LONG,
        help_text=_("For example, mother, partner, friend or carer"),
    )
    referrer_phone = _text(
        _("Your phone number"),
        max_length=PHONE_MAX,
        too_long=PHONE_TOO_LONG,
        help_text=_("Give a phone number, an email address or both"),
        autocomplete="tel",
        input_type="tel",
    )
    referrer_email = _text(
        _("Your email address"),
        max_length=EMAIL_MAX,
        too_long=EMAIL_TOO_LONG,
        autocomplete="email",
        input_type="email",
        spellcheck="false",
    )

    given_name = _text(
        _("First name"),
        max_length=NAME_MAX,
        too_long=GIVEN_NAME_TOO_LONG,
        required=True,
        required_message=GIVEN_NAME_REQUIRED,
        autocomplete="given-name",
        spellcheck="false",
    )
    family_name = _text(
        _("Last name"),
        max_length=NAME_MAX,
        too_long=FAMILY_NAME_TOO_LONG,
        required=True,
        required_message=FAMILY_NAME_REQUIRED,
        autocomplete="family-name",
        spellcheck="false",
    )
    date_of_birth = DateOfBirthField(
        label=_("Date of birth"),
        required=False,  # required for a self-referral: checked in clean()
        help_text=_(
            "For example, 27 3 1985. If you are referring someone else and do not know their date of birth, "
            "you can leave this blank."
        ),
    )
    address = PublicCharField(
        label=_("Address (optional)"),
        max_length=ADDRESS_MAX,
        too_long=ADDRESS_TOO_LONG,
        help_text=_("We only need this if you would like us to write to you"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    postcode = _text(
        _("Postcode (optional)"),
        max_length=10,
        too_long=POSTCODE_INVALID,
        autocomplete="postal-code",
        spellcheck="false",
    )

    phone = _text(
        _("Phone number"),
        max_length=PHONE_MAX,
        too_long=PHONE_TOO_LONG,
        help_text=_("We need this if you would like a phone call or a text message"),
        autocomplete="tel",
        input_type="tel",
    )
    email = _text(
        _("Email address"),
        max_length=EMAIL_MAX,
        too_long=EMAIL_TOO_LONG,
        help_text=_("We need this if you would like us to email you"),
        autocomplete="email",
        input_type="email",
        spellcheck="false",
    )

    substances = forms.MultipleChoiceField(
        label=_("What is causing concern?"),
        help_text=_("Select all that apply"),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": SUBSTANCES_REQUIRED, "invalid_choice": SUBSTANCES_REQUIRED},
    )
    reason = PublicCharField(
        label=_("What help would you like? (optional)"),
        max_length=REASON_MAX,
        too_long=REASON_TOO_LONG,
        help_text=_(
            "For example, someone to talk to, help to cut down, or support for your family. "
            "You do not need to have decided anything yet."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    pregnant = forms.ChoiceField(
        label=_("Is the person pregnant?"),
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
        error_messages={"required": PREGNANT_REQUIRED, "invalid_choice": PREGNANT_REQUIRED},
    )
    open_to_childrens_services = forms.ChoiceField(
        label=_("Is a social worker or Children’s Services involved with the person’s family?"),
        help_text=_("This includes Early Help, Youth Justice and child protection"),
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
        error_messages={"required": CHILDRENS_SERVICES_REQUIRED, "invalid_choice": CHILDRENS_SERVICES_REQUIRED},
    )

    consent_to_contact = forms.BooleanField(
        label=_("I agree to the service contacting me, or the person I am referring, about this referral"),
        help_text=_("We can only help if we can contact you. We will only use these details to offer support."),
        error_messages={"required": CONSENT_REQUIRED},
    )
    contact_methods = forms.MultipleChoiceField(
        label=_("How can we contact you?"),
        help_text=_("Select all the ways that are safe"),
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": CONTACT_METHODS_REQUIRED, "invalid_choice": CONTACT_METHODS_REQUIRED},
    )
    safe_contact_times = _text(
        _("When is it safe to contact you? (optional)"),
        max_length=SAFE_TIMES_MAX,
        too_long=SAFE_TIMES_TOO_LONG,
        help_text=_("For example, weekdays after 5pm, or not at weekends"),
    )
    safe_to_leave_message = forms.ChoiceField(
        label=_("Is it safe for us to leave a message? (optional)"),
        help_text=_("For example, a voicemail or a text message that says who it is from"),
        choices=YES_NO_NOT_SURE,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not _is_uuid(self.data.get("submission_token")):
            # A missing or altered token is not the person's problem: give the form a new one,
            # which the re-rendered page carries, so the corrected form is still sent once.
            self.data = self.data.copy()
            self.data["submission_token"] = str(uuid.uuid4())
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page template writes the <form>, with the honeypot
        self.helper.form_show_errors = True
        self.helper.disable_csrf = True  # the page template writes the token with the <form>
        self.helper.layout = Layout(
            Field("submission_token"),
            Field(
                "referral_for",
                template="referrals/public/fields/referral_for.html",
                context={"someone_else_hint": FOR_SOMEONE_ELSE_HINT},
            ),
            Fieldset(
                _html_paragraph(_("If the referral is for you, give your own details.")),
                Field.text("given_name", field_width=20),
                Field.text("family_name", field_width=20),
                Field("date_of_birth"),
                Field.textarea("address", rows=3),
                Field.text("postcode", field_width=10),
                legend=_("About the person who needs support"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Fieldset(
                Field.text("phone", field_width=20),
                Field.text("email", field_width=Fluid.TWO_THIRDS),
                legend=_("Contact details"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            _html_heading(_("Support")),
            Field.checkboxes("substances"),
            Field("reason", template="referrals/public/fields/character_count.html"),
            Field.radios("pregnant"),
            Field.radios("open_to_childrens_services"),
            _html_heading(_("Contacting you safely")),
            Field.checkbox("consent_to_contact"),
            Field.checkboxes("contact_methods"),
            Field.text("safe_contact_times"),
            Field.radios("safe_to_leave_message"),
        )

    # --- Field cleaning ---------------------------------------------------------------------

    def _clean_phone(self, name: str) -> str:
        value = " ".join(self.cleaned_data.get(name, "").split())
        if value and not is_uk_phone_number(value):
            raise ValidationError(PHONE_INVALID, code="invalid")
        return value

    def _clean_email(self, name: str) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if value:
            try:
                forms.EmailField().clean(value)
            except ValidationError:
                raise ValidationError(EMAIL_INVALID, code="invalid") from None
        return value

    def clean_submission_token(self) -> uuid.UUID:
        return uuid.UUID(self.cleaned_data["submission_token"])  # made valid in __init__

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_referrer_phone(self) -> str:
        return self._clean_phone("referrer_phone")

    def clean_email(self) -> str:
        return self._clean_email("email")

    def clean_referrer_email(self) -> str:
        return self._clean_email("referrer_email")

    def clean_postcode(self) -> str:
        value = self.cleaned_data.get("postcode", "").strip()
        if not value:
            return ""
        if not UK_POSTCODE_RE.match(" ".join(value.split())):
            raise ValidationError(POSTCODE_INVALID, code="invalid")
        return normalise_postcode(value)

    def clean(self):
        data = super().clean()
        for_someone_else = data.get("referral_for") == FOR_SOMEONE_ELSE
        if data.get("referral_for") == FOR_MYSELF and "date_of_birth" in data and data["date_of_birth"] is None:
            self.add_error("date_of_birth", DOB_REQUIRED)

        # §3.1.1.c: when someone refers a person they care about, we need to reach them too.
        # Without JavaScript these boxes always show, so they are only required here.
        if for_someone_else:
            if "referrer_name" in data and not data["referrer_name"]:
                self.add_error("referrer_name", REFERRER_NAME_REQUIRED)
            if "referrer_relationship" in data and not data["referrer_relationship"]:
                self.add_error("referrer_relationship", REFERRER_RELATIONSHIP_REQUIRED)
            if (
                "referrer_phone" in data
                and "referrer_email" in data
                and not (data["referrer_phone"] or data["referrer_email"])
            ):
                self.add_error("referrer_phone", REFERRER_CONTACT_REQUIRED)

        # Each way of contacting the person needs its own detail, with its own message.
        methods = set(data.get("contact_methods") or [])
        if "phone" in data and not data["phone"]:
            if ContactMethod.PHONE in methods:
                self.add_error("phone", PHONE_NEEDED_FOR_CALL)
            elif ContactMethod.TEXT in methods:
                self.add_error("phone", PHONE_NEEDED_FOR_TEXT)
        if ContactMethod.EMAIL in methods and "email" in data and not data["email"]:
            self.add_error("email", EMAIL_NEEDED)
        if ContactMethod.LETTER in methods:
            if "address" in data and not data["address"]:
                self.add_error("address", ADDRESS_NEEDED_FOR_LETTER)
            if "postcode" in data and not data["postcode"]:
                self.add_error("postcode", POSTCODE_NEEDED_FOR_LETTER)
        return data

    # --- Output -------------------------------------------------------------------------------

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())

    def referral_data(self) -> dict:
        """The cleaned answers as ``Referral`` intake fields, coded as reports count them."""
        d = self.cleaned_data
        someone_else = d["referral_for"] == FOR_SOMEONE_ELSE
        return {
            "referrer_type": Referral.ReferrerType.FAMILY if someone_else else Referral.ReferrerType.SELF,
            "source": Referral.Source.FAMILY if someone_else else Referral.Source.SELF,
            "referrer_name": d["referrer_name"] if someone_else else "",
            "referrer_relationship": d["referrer_relationship"] if someone_else else "",
            "referrer_phone": d["referrer_phone"] if someone_else else "",
            "referrer_email": d["referrer_email"] if someone_else else "",
            "subject_given_name": d["given_name"],
            "subject_family_name": d["family_name"],
            "subject_date_of_birth": d["date_of_birth"],
            "subject_address": d["address"],
            "subject_postcode": d["postcode"],
            "subject_phone": d["phone"],
            "subject_email": d["email"],
            "substances": [s for s in Substance.values if s in d["substances"]],
            "reason": d["reason"],
            "pregnant": d["pregnant"],
            "open_to_childrens_services": d["open_to_childrens_services"],
            "consent_to_contact": d["consent_to_contact"],
            "contact_methods": [m for m in ContactMethod.values if m in d["contact_methods"]],
            "safe_contact_times": d["safe_contact_times"],
            "safe_to_leave_message": d["safe_to_leave_message"] or YesNoUnknown.UNKNOWN,
            "preferred_language": (get_language() or "")[:10],
        }

    # Model field -> form field, for errors a service raises keyed by model field.
    MODEL_TO_FORM_FIELD = {
        "subject_given_name": "given_name",
        "subject_family_name": "family_name",
        "subject_date_of_birth": "date_of_birth",
        "subject_address": "address",
        "subject_postcode": "postcode",
        "subject_phone": "phone",
        "subject_email": "email",
    }

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary, in page order, each pointing at the
        input to fix: the first radio or checkbox of a group, the wrong box of a date."""
        links = []
        for message in self.non_field_errors():
            links.append(("id_given_name", message))
        for name in self.fields:
            if name in ("submission_token", "homepage") or name not in self.errors:
                continue
            field = self.fields[name]
            if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"id_{name}_1"
            elif isinstance(field, DateOfBirthField):
                anchor = f"id_{name}_0"
                for index, subfield in enumerate(field.fields):
                    if getattr(subfield.widget, "errors", None):
                        anchor = f"id_{name}_{index}"
                        break
            else:
                anchor = f"id_{name}"
            for message in self.errors[name]:
                links.append((anchor, message))
        return links
