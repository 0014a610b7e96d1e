"""The SPOC's own search for someone already known, on the duplicate check (REF-4, §3.2.7).

The automatic check compares what the referral says; this searches what the practitioner has
since learnt (an NHS number read from a letter, a date of birth given on the phone, a previous
name). It is posted, never put in the address, so no personal detail ends up in a URL, a
browser history or a server log.
"""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fixed, Fluid, Size
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.forms import fields as govuk
from common.forms.dates import DateOfBirthField
from common.forms.errors import GovUKFormMixin
from common.forms.identifiers import NHSNumberField, UKPostcodeField
from referrals.models import Person

SEARCH_ACTION = "search"
NAME_MAX_LENGTH = Person._meta.get_field("given_name").max_length

SEARCH_NEEDS_MORE = _(
    "Enter an NHS number, or at least two of: the person’s name, their date of birth and their postcode"
)
SEARCH_NEEDS_BOTH_NAMES = _("Enter both a first name and a last name, or leave both blank")
SEARCH_GIVEN_NAME_TOO_LONG = format_lazy(_("First name must be {max} characters or fewer"), max=NAME_MAX_LENGTH)
SEARCH_FAMILY_NAME_TOO_LONG = format_lazy(_("Last name must be {max} characters or fewer"), max=NAME_MAX_LENGTH)


class PersonSearchForm(GovUKFormMixin, forms.Form):
    """Name, date of birth, NHS number and postcode, each optional; enough of them to search."""

    prefix = "search"

    given_name = govuk.PersonNameField(
        label=_("First name"), max_length=NAME_MAX_LENGTH, too_long=SEARCH_GIVEN_NAME_TOO_LONG, required=False
    )
    family_name = govuk.PersonNameField(
        label=_("Last name"),
        max_length=NAME_MAX_LENGTH,
        too_long=SEARCH_FAMILY_NAME_TOO_LONG,
        required=False,
        help_text=_("Try a previous name, for example a name before marriage"),
    )
    date_of_birth = DateOfBirthField(label=_("Date of birth"), help_text=_("For example, 27 3 1985"), required=False)
    nhs_number = NHSNumberField(label=_("NHS number"))
    postcode = UKPostcodeField(label=_("Postcode"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk.helper(
            HTML(f'<input type="hidden" name="action" value="{SEARCH_ACTION}">'),
            Field.text("given_name", field_width=Fluid.TWO_THIRDS),
            Field.text("family_name", field_width=Fluid.TWO_THIRDS),
            Field("date_of_birth", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Field.text("nhs_number", field_width=Fixed.TEN),
            Field.text("postcode", field_width=Fixed.TEN),
            submit=_("Search"),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        given, family = data.get("given_name"), data.get("family_name")
        if bool(given) != bool(family):
            self.add_error("given_name" if not given else "family_name", SEARCH_NEEDS_BOTH_NAMES)
            return data
        given_details = [bool(given), data.get("date_of_birth") is not None, bool(data.get("postcode"))]
        if not data.get("nhs_number") and sum(given_details) < 2:
            raise forms.ValidationError(SEARCH_NEEDS_MORE, code="search_needs_more")
        return data

    def criteria(self) -> dict:
        """The search, in the matcher's terms."""
        data = self.cleaned_data
        return {
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"],
            "nhs_number": data["nhs_number"],
            "postcode": data["postcode"],
        }
