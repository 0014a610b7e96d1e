"""Forms for the data rights pages (PAR-6). Messages are constants so tests can assert them;
person fields are the shared toolkit's (common.forms), so a correction is checked exactly as
the original details were on the public and staff referral forms."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms.dates import DateOfBirthField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import (
    EmailAddressField,
    TextField,
    address_field,
    clean_person_name,
    helper,
    required_text,
)
from common.forms.identifiers import NHSNumberField, UKPhoneField, UKPostcodeField
from common.forms.versions import VersionedFormMixin
from referrals.data_rights.services import (
    LIFT_REASON_REQUIRED,
    REQUEST_REASON_REQUIRED,
    REQUEST_REFERENCE_REQUIRED,
    RESTRICTION_REASON_REQUIRED,
)
from referrals.forms.intake_messages import FAMILY_NAME_REQUIRED, GIVEN_NAME_REQUIRED
from referrals.models import Person, SubjectAccessRequest


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


REQUEST_REFERENCE_TOO_LONG = format_lazy(
    _("The reference must be {max} characters or fewer"), max=_max(SubjectAccessRequest, "request_reference")
)
REQUEST_REASON_TOO_LONG = format_lazy(
    _("The details must be {max} characters or fewer"), max=_max(SubjectAccessRequest, "reason")
)
GIVEN_NAME_TOO_LONG = format_lazy(_("First name must be {max} characters or fewer"), max=_max(Person, "given_name"))
FAMILY_NAME_TOO_LONG = format_lazy(_("Last name must be {max} characters or fewer"), max=_max(Person, "family_name"))
PREFERRED_NAME_TOO_LONG = format_lazy(
    _("Preferred name must be {max} characters or fewer"), max=_max(Person, "preferred_name")
)
PRONOUNS_TOO_LONG = format_lazy(_("Pronouns must be {max} characters or fewer"), max=_max(Person, "pronouns"))
# The history keeps a change's reason in 100 characters: the form allows no more, so none is cut.
RECTIFY_REASON_MAX = 100
RECTIFY_REASON_REQUIRED = _("Enter the reason for the correction")
RECTIFY_REASON_TOO_LONG = format_lazy(_("The reason must be {max} characters or fewer"), max=RECTIFY_REASON_MAX)
NOTHING_CHANGED = _("Change at least one detail, or go back without saving")
RESTRICTION_REASON_MAX = 500
RESTRICTION_REASON_TOO_LONG = format_lazy(_("The reason must be {max} characters or fewer"), max=RESTRICTION_REASON_MAX)
SEARCH_REQUIRED = _("Enter a name, NHS number or referral reference")
SEARCH_TOO_LONG = _("Search must be 100 characters or fewer")


class SubjectAccessRequestForm(GovUKFormMixin, forms.Form):
    request_reference = TextField(
        label=_("Request reference"),
        help_text=_("The reference of the request in your case or correspondence system, for example DPO-2026-014"),
        max_length=_max(SubjectAccessRequest, "request_reference"),
        error_messages={"required": REQUEST_REFERENCE_REQUIRED, "max_length": REQUEST_REFERENCE_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    reason = TextField(
        label=_("Details of the request"),
        help_text=_("Who asked, when the request was received and how their identity was checked"),
        max_length=_max(SubjectAccessRequest, "reason"),
        error_messages={"required": REQUEST_REASON_REQUIRED, "max_length": REQUEST_REASON_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("request_reference", field_width=Fluid.ONE_HALF),
            Field.textarea("reason", rows=4, max_characters=_max(SubjectAccessRequest, "reason")),
            submit=_("Prepare the export"),
        )

    def clean_request_reference(self):
        return required_text(self.cleaned_data["request_reference"], REQUEST_REFERENCE_REQUIRED)

    def clean_reason(self):
        return required_text(self.cleaned_data["reason"], REQUEST_REASON_REQUIRED)


# The person's details a correction may change, in the order the form shows them.
RECTIFIABLE_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "nhs_number",
    "address",
    "postcode",
    "phone",
    "email",
)


class RectifyForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """PAR-6: correct a person's details. Everything typed is kept on error; the reason goes
    into the history with the old values."""

    version_model = Person

    given_name = TextField(
        label=_("First name"),
        max_length=_max(Person, "given_name"),
        error_messages={"required": GIVEN_NAME_REQUIRED, "max_length": GIVEN_NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = TextField(
        label=_("Last name"),
        max_length=_max(Person, "family_name"),
        error_messages={"required": FAMILY_NAME_REQUIRED, "max_length": FAMILY_NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    preferred_name = TextField(
        label=_("Preferred name (optional)"),
        required=False,
        max_length=_max(Person, "preferred_name"),
        error_messages={"max_length": PREFERRED_NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pronouns = TextField(
        label=_("Pronouns (optional)"),
        help_text=_("In the person's own words, for example she/her or they/them."),
        required=False,
        max_length=_max(Person, "pronouns"),
        error_messages={"max_length": PRONOUNS_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = DateOfBirthField(
        label=_("Date of birth"),
        help_text=_("For example, 27 3 1985. Leave blank if it is not known."),
        required=False,
    )
    nhs_number = NHSNumberField(label=_("NHS number (optional)"))
    address = address_field()
    postcode = UKPostcodeField(label=_("Postcode (optional)"))
    phone = UKPhoneField(label=_("Phone number (optional)"))
    email = EmailAddressField(label=_("Email address (optional)"))
    reason = TextField(
        label=_("Reason for the correction"),
        help_text=_("For example, “Person phoned to say their date of birth was wrong”. Kept in the history."),
        max_length=RECTIFY_REASON_MAX,
        error_messages={"required": RECTIFY_REASON_REQUIRED, "max_length": RECTIFY_REASON_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, person: Person, **kwargs):
        self.person = person
        kwargs.setdefault("initial", {name: getattr(person, name) or "" for name in RECTIFIABLE_FIELDS})
        if person.date_of_birth is None:
            kwargs["initial"]["date_of_birth"] = None
        super().__init__(*args, version_of=person, **kwargs)
        self.helper = helper(
            Field.text("given_name", field_width=Fluid.ONE_HALF),
            Field.text("family_name", field_width=Fluid.ONE_HALF),
            Field.text("preferred_name", field_width=Fluid.ONE_HALF),
            Field.text("pronouns", field_width=Fluid.ONE_QUARTER),
            Field("date_of_birth", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("nhs_number", field_width=Fixed.TEN),
            Field.textarea("address", rows=3),
            Field.text("postcode", field_width=Fixed.TEN),
            Field.text("phone", field_width=Fixed.TWENTY),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("reason", field_width=Fluid.FULL),
            submit=_("Save the correction"),
        )

    def clean_given_name(self):
        return required_text(clean_person_name(self.cleaned_data["given_name"]), GIVEN_NAME_REQUIRED)

    def clean_family_name(self):
        return required_text(clean_person_name(self.cleaned_data["family_name"]), FAMILY_NAME_REQUIRED)

    def clean_preferred_name(self):
        return clean_person_name(self.cleaned_data["preferred_name"])

    def clean_pronouns(self):
        return " ".join(self.cleaned_data["pronouns"].split())

    def clean_address(self):
        return self.cleaned_data["address"].strip()

    def clean_reason(self):
        return required_text(self.cleaned_data["reason"], RECTIFY_REASON_REQUIRED)

    def changes(self) -> dict:
        """Only the fields that differ from what is stored."""
        changed = {}
        for name in RECTIFIABLE_FIELDS:
            stored = getattr(self.person, name)
            if name != "date_of_birth":
                stored = stored or ""
            if self.cleaned_data.get(name) != stored:
                changed[name] = self.cleaned_data.get(name)
        return changed

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise ValidationError(NOTHING_CHANGED, code="unchanged")
        return data


class RestrictionForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Restrict or lift, built with ``version_of=`` the person: refused when someone else
    restricted or lifted after the page was opened, so a reason typed to restrict never lifts
    (SEC-5)."""

    version_model = Person

    version_extra_fields = ("processing_restricted",)

    reason = TextField(
        max_length=RESTRICTION_REASON_MAX,
        error_messages={"max_length": RESTRICTION_REASON_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lifting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.required_message = LIFT_REASON_REQUIRED if lifting else RESTRICTION_REASON_REQUIRED
        field = self.fields["reason"]
        field.error_messages["required"] = self.required_message
        if lifting:
            field.label = _("Why is the restriction being lifted?")
            field.help_text = _("For example, “Accuracy checked and details corrected”")
        else:
            field.label = _("Why is processing being restricted?")
            field.help_text = _(
                "For example, “The person disputes the accuracy of their record” or “Objection under consideration”"
            )
        self.helper = helper(
            Field.textarea("reason", rows=3, max_characters=RESTRICTION_REASON_MAX, label_size=Size.SMALL),
            submit=_("Lift the restriction") if lifting else _("Restrict processing"),
        )

    def clean_reason(self):
        return required_text(self.cleaned_data["reason"], self.required_message)


class PersonSearchForm(GovUKFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Find a person"),
        help_text=_("Name, NHS number or referral reference"),
        max_length=100,
        error_messages={"required": SEARCH_REQUIRED, "max_length": SEARCH_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "type": "search"}),
    )

    def clean_q(self):
        return required_text(self.cleaned_data["q"], SEARCH_REQUIRED)
