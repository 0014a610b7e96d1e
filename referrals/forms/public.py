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

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.forms.dates import (
    DATE_OF_BIRTH_DAY,
    DATE_OF_BIRTH_IN_FUTURE,
    DATE_OF_BIRTH_MONTH,
    DATE_OF_BIRTH_REAL,
    DATE_OF_BIRTH_TOO_EARLY,
    DATE_OF_BIRTH_YEAR,
    YEAR_FOUR_DIGITS,
    DateOfBirthField,
)
from common.forms.errors import GovUKFormMixin
from common.forms.fields import EmailAddressField, address_field, heading, paragraph, text
from common.forms.identifiers import UKPhoneField, UKPostcodeField
from referrals.forms.communication import clean_communication, communication_data, communication_fields
from referrals.models import ContactMethod, Referral, Substance, YesNoUnknown

# --- Choices -----------------------------------------------------------------------------

FOR_MYSELF = "myself"
FOR_SOMEONE_ELSE = "someone_else"
# §3.1.1.c: a family member, friend or carer, of any age, asking for support for themselves.
FOR_MYSELF_AS_CARER = "carer"
REFERRAL_FOR_CHOICES = [
    (FOR_MYSELF, _("Myself")),
    (FOR_SOMEONE_ELSE, _("Someone I care about")),
    (FOR_MYSELF_AS_CARER, _("Me, because of someone else’s drinking or drug use")),
]
FOR_SOMEONE_ELSE_HINT = _("For example, a family member, a friend or someone I care for")
FOR_MYSELF_AS_CARER_HINT = _(
    "Support for you as a family member, friend or carer of someone who drinks or uses drugs. You can ask at any age."
)

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
REASON_MAX = Referral._meta.get_field("reason").max_length  # 5000
SAFE_TIMES_MAX = Referral._meta.get_field("safe_contact_times").max_length  # 500

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
# The date-of-birth messages are the toolkit's, shared with the staff forms; these names are
# what this module's tests and templates have always used.
DOB_MISSING_DAY = DATE_OF_BIRTH_DAY
DOB_MISSING_MONTH = DATE_OF_BIRTH_MONTH
DOB_MISSING_YEAR = DATE_OF_BIRTH_YEAR
DOB_NOT_REAL = DATE_OF_BIRTH_REAL
DOB_YEAR_FOUR_DIGITS = YEAR_FOUR_DIGITS
DOB_IN_FUTURE = DATE_OF_BIRTH_IN_FUTURE
DOB_TOO_OLD = DATE_OF_BIRTH_TOO_EARLY

CARED_FOR_RELATIONSHIP_REQUIRED = _("Select who the person whose drinking or drug use affects you is")
CARED_FOR_NAME_TOO_LONG = _("Their first name must be 100 characters or fewer")
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


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class PublicReferralForm(GovUKFormMixin, forms.Form):
    """Everything the public form asks; ``referral_data()`` maps it onto a ``Referral``."""

    # A fresh UUID each time the page is shown: the same form sent twice makes one referral.
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Honeypot: hidden from people (visually, from screen readers and from the tab order);
    # bots fill in every box they find. Rendered by the page template, not the layout.
    homepage = forms.CharField(required=False, label=_("Leave this box empty"))
    error_summary_skip = ("homepage",)
    non_field_errors_anchor = "id_given_name"

    referral_for = forms.ChoiceField(
        label=_("Who is this referral for?"),
        choices=REFERRAL_FOR_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": REFERRAL_FOR_REQUIRED, "invalid_choice": REFERRAL_FOR_REQUIRED},
    )
    referrer_name = text(
        _("Your name"),
        max_length=REFERRER_NAME_MAX,
        too_long=REFERRER_NAME_TOO_LONG,
        autocomplete="name",
        spellcheck="false",
    )
    referrer_relationship = text(
        _("Your relationship to the person"),
        max_length=RELATIONSHIP_MAX,
        too_long=REFERRER_RELATIONSHIP_TOO_LONG,
        help_text=_("For example, mother, partner, friend or carer"),
    )
    referrer_phone = UKPhoneField(
        label=_("Your phone number"),
        help_text=_("Give a phone number, an email address or both"),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    referrer_email = EmailAddressField(label=_("Your email address"), autocomplete="email")

    # §3.1.1.c: the person the carer cares for. Never a record of their own: a relationship,
    # an optional first name, and (from "What is causing concern?") what they use.
    cared_for_relationship = forms.ChoiceField(
        label=_("Who is the person whose drinking or drug use affects you?"),
        choices=Referral.CaredForRelationship.choices,
        widget=forms.RadioSelect,
        required=False,  # required for a carer: checked in clean()
        error_messages={"invalid_choice": CARED_FOR_RELATIONSHIP_REQUIRED},
    )
    cared_for_given_name = text(
        _("Their first name (optional)"),
        max_length=NAME_MAX,
        too_long=CARED_FOR_NAME_TOO_LONG,
        spellcheck="false",
    )

    given_name = text(
        _("First name"),
        max_length=NAME_MAX,
        too_long=GIVEN_NAME_TOO_LONG,
        required=True,
        required_message=GIVEN_NAME_REQUIRED,
        autocomplete="given-name",
        spellcheck="false",
    )
    family_name = text(
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
        birthday=True,
        help_text=_(
            "For example, 27 3 1985. If you are referring someone else and do not know their date of birth, "
            "you can leave this blank."
        ),
    )
    address = address_field(
        _("Address (optional)"),
        help_text=_("We only need this if you would like us to write to you"),
        autocomplete="street-address",
    )
    postcode = UKPostcodeField(
        label=_("Postcode (optional)"), widget=forms.TextInput(attrs={"autocomplete": "postal-code"})
    )

    phone = UKPhoneField(
        label=_("Phone number"),
        help_text=_("We need this if you would like a phone call or a text message"),
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    email = EmailAddressField(
        label=_("Email address"), help_text=_("We need this if you would like us to email you"), autocomplete="email"
    )

    substances = forms.MultipleChoiceField(
        label=_("What is causing concern?"),
        help_text=_("Select all that apply"),
        choices=Substance.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": SUBSTANCES_REQUIRED, "invalid_choice": SUBSTANCES_REQUIRED},
    )
    reason = text(
        _("What help would you like? (optional)"),
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
    safe_contact_times = text(
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
        self.fields.update(communication_fields(public=True))  # §3.2.8
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
                context={"someone_else_hint": FOR_SOMEONE_ELSE_HINT, "carer_hint": FOR_MYSELF_AS_CARER_HINT},
            ),
            Fieldset(
                paragraph(_("If the referral is for you, give your own details.")),
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
            heading(_("Support")),
            Field.checkboxes("substances"),
            Field("reason", template="referrals/public/fields/character_count.html"),
            Field.radios("pregnant"),
            Field.radios("open_to_childrens_services"),
            heading(_("Contacting you safely")),
            Field.checkbox("consent_to_contact"),
            Field.checkboxes("contact_methods"),
            Field.text("safe_contact_times"),
            Field.radios("safe_to_leave_message"),
            Field.checkboxes("communication_needs"),
            Field.text("interpreter_language", field_width=20),
            Field.text("communication_needs_other"),
        )

    # --- Field cleaning ---------------------------------------------------------------------

    def clean_submission_token(self) -> uuid.UUID:
        return uuid.UUID(self.cleaned_data["submission_token"])  # made valid in __init__

    def clean(self):
        data = super().clean()
        for_someone_else = data.get("referral_for") == FOR_SOMEONE_ELSE
        for_carer = data.get("referral_for") == FOR_MYSELF_AS_CARER
        if (
            data.get("referral_for") in (FOR_MYSELF, FOR_MYSELF_AS_CARER)
            and "date_of_birth" in data
            and data["date_of_birth"] is None
        ):
            self.add_error("date_of_birth", DOB_REQUIRED)
        if for_carer and "cared_for_relationship" in data and not data["cared_for_relationship"]:
            self.add_error("cared_for_relationship", CARED_FOR_RELATIONSHIP_REQUIRED)

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
        clean_communication(self, data)
        return data

    # --- Output -------------------------------------------------------------------------------

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())

    def referral_data(self) -> dict:
        """The cleaned answers as ``Referral`` intake fields, coded as reports count them."""
        d = self.cleaned_data
        someone_else = d["referral_for"] == FOR_SOMEONE_ELSE
        carer = d["referral_for"] == FOR_MYSELF_AS_CARER
        substances = [s for s in Substance.values if s in d["substances"]]
        return {
            # A carer refers herself: the referrer is the person who needs support.
            "referrer_type": Referral.ReferrerType.FAMILY if someone_else else Referral.ReferrerType.SELF,
            "source": Referral.Source.FAMILY if someone_else else Referral.Source.SELF,
            "support_for": Referral.SupportFor.CARER if carer else Referral.SupportFor.OWN_USE,
            "cared_for_relationship": d["cared_for_relationship"] if carer else "",
            "cared_for_given_name": d["cared_for_given_name"] if carer else "",
            # What is causing concern is the cared-for person's use: never the carer's own.
            "cared_for_substances": substances if carer else [],
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
            "substances": [] if carer else substances,
            "reason": d["reason"],
            "pregnant": d["pregnant"],
            "open_to_childrens_services": d["open_to_childrens_services"],
            "consent_to_contact": d["consent_to_contact"],
            "contact_methods": [m for m in ContactMethod.values if m in d["contact_methods"]],
            "safe_contact_times": d["safe_contact_times"],
            "safe_to_leave_message": d["safe_to_leave_message"] or YesNoUnknown.UNKNOWN,
            "preferred_language": (get_language() or "")[:10],
            **communication_data(d),
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
