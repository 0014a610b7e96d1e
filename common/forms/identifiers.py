"""UK identifiers typed on a form: phone numbers, postcodes and NHS numbers.

One rule each, used by every form that asks for one (the public self-referral, the staff
intake form and the data-rights correction form), so a detail accepted on one is accepted on
all of them and stored the same way.

Phone numbers are stored normalised, as the digits of the national number starting 0
("+44 (0)7700 900982" -> "07700900982"). The public form used to keep what was typed and the
staff form kept digits; digits won because the same number then looks the same on every
record (the duplicate check and the Treatment Service's referral dataset, which is prefilled
from the stored value, compare and send one form of the number), and the 20-character model
field always has room for it. Pages format numbers for reading where they show them.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_INVALID = _("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
POSTCODE_INVALID = _("Enter a real postcode, like CA1 1AA")
NHS_NUMBER_LENGTH = _("NHS number must be 10 digits, like 485 777 3456")
NHS_NUMBER_INVALID = _(
    "This is not a valid NHS number. Check it against a letter or prescription, or leave it blank if it is not known"
)
NHS_NUMBER_PLACEHOLDER = _("Enter a real NHS number, not a placeholder such as 0000000000")

# What may be typed: generous with spaces and punctuation, but nothing longer than this.
PHONE_INPUT_MAX = 30
POSTCODE_INPUT_MAX = 10
NHS_NUMBER_INPUT_MAX = 20


# --- Normalising (also used by the duplicate check) ------------------------------------------


def normalise_postcode(postcode: str) -> str:
    """Upper-case with one space before the inward code: "ca11aa" -> "CA1 1AA"."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def normalise_nhs_number(nhs_number: str) -> str:
    """Digits only: "943 476 5919" and "943-476-5919" -> "9434765919"."""
    return re.sub(r"\D", "", nhs_number or "")


# --- Phone -------------------------------------------------------------------------------------

_PHONE_CHARACTERS = re.compile(r"[0-9+()\s.-]+")
_PHONE_SEPARATORS = re.compile(r"[\s().-]")
# A UK national number: 0, then a non-zero digit, then 8 or 9 more (10 or 11 digits in all).
_UK_NATIONAL_NUMBER = re.compile(r"0[1-9][0-9]{8,9}")


def clean_uk_phone(value: str) -> str:
    """A UK number as people type it, stored as digits starting 0.

    "01632 960 001", "07700-900982", "+44 (0)7700 900982", "0044 7700 900982" are all accepted;
    a "+" anywhere but the start, letters, foreign numbers and wrong lengths are not.
    """
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > PHONE_INPUT_MAX or not _PHONE_CHARACTERS.fullmatch(value) or "+" in value[1:]:
        raise ValidationError(PHONE_INVALID, code="phone_invalid")
    compact = _PHONE_SEPARATORS.sub("", value.replace("(0)", ""))
    if compact.startswith("+44"):
        compact = "0" + compact[3:]
    elif compact.startswith("0044"):
        compact = "0" + compact[4:]
    if not _UK_NATIONAL_NUMBER.fullmatch(compact):
        raise ValidationError(PHONE_INVALID, code="phone_invalid")
    return compact


def is_uk_phone_number(value: str) -> bool:
    try:
        return bool(clean_uk_phone(value))
    except ValidationError:
        return False


# --- Postcode ----------------------------------------------------------------------------------

# Royal Mail's format (including GIR 0AA), checked with the spaces taken out.
_UK_POSTCODE = re.compile(
    r"(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})"
)


def clean_uk_postcode(value: str) -> str:
    """ "ca1 1aa", "CA11AA" -> "CA1 1AA"; anything that is not a real UK postcode format is refused."""
    value = (value or "").strip()
    if not value:
        return ""
    compact = re.sub(r"\s+", "", value).upper()
    if not _UK_POSTCODE.fullmatch(compact):
        raise ValidationError(POSTCODE_INVALID, code="postcode_invalid")
    return normalise_postcode(compact)


# --- NHS number --------------------------------------------------------------------------------


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10 down to 2 on the first nine digits; the
    check digit is 11 minus the remainder (11 means 0, 10 means the number is invalid)."""
    if not re.fullmatch(r"[0-9]{10}", digits or ""):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def is_placeholder_nhs_number(digits: str) -> bool:
    """A number typed to fill the box, not one the NHS issued: ten of the same digit
    (0000000000, 1111111111, 9999999999...). Every one of them passes the modulus 11 check
    (nine equal digits weigh 54 times the digit, so the check digit is the digit itself), so
    the check alone lets them through, and two people recorded with 0000000000 would look
    like the same person to the duplicate check."""
    digits = normalise_nhs_number(digits)
    return len(digits) == 10 and len(set(digits)) == 1


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
    if is_placeholder_nhs_number(digits):
        raise ValidationError(NHS_NUMBER_PLACEHOLDER, code="nhs_number_placeholder")
    if not nhs_number_is_valid(digits):
        raise ValidationError(NHS_NUMBER_INVALID, code="nhs_number_invalid")
    return digits


# --- Fields ------------------------------------------------------------------------------------


class _NormalisedField(forms.CharField):
    """Optional unless told; a too-long input gets the field's own message (not Django's), and
    there is no maxlength attribute: a browser would cut pasted text silently (SEC-4)."""

    input_max: int
    message = None
    cleaner = None
    default_attrs: dict = {}

    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault("max_length", self.input_max)
        messages = {"max_length": self.message, **kwargs.pop("error_messages", {})}
        super().__init__(required=required, error_messages=messages, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        # The widget's own attributes (an autocomplete token, say) win over these defaults.
        attrs.update({key: value for key, value in self.default_attrs.items() if key not in widget.attrs})
        return attrs

    def clean(self, value):
        return type(self).cleaner(super().clean(value))


class UKPhoneField(_NormalisedField):
    """A UK phone number, cleaned to digits starting 0 (see the module docstring)."""

    input_max = PHONE_INPUT_MAX
    message = PHONE_INVALID
    cleaner = staticmethod(clean_uk_phone)
    default_attrs = {"autocomplete": "off"}

    def widget_attrs(self, widget):
        # type="tel" brings the phone keyboard; forms have novalidate, so the browser leaves the
        # checking (and the wording of the message) to us.
        widget.input_type = "tel"
        return super().widget_attrs(widget)


class UKPostcodeField(_NormalisedField):
    """A UK postcode, cleaned to upper case with one space: "ca11aa" -> "CA1 1AA"."""

    input_max = POSTCODE_INPUT_MAX
    message = POSTCODE_INVALID
    cleaner = staticmethod(clean_uk_postcode)
    default_attrs = {"autocomplete": "off", "spellcheck": "false"}


class NHSNumberField(_NormalisedField):
    """An NHS number: 10 digits with a valid modulus 11 check digit, not a placeholder such as
    0000000000, cleaned to the digits."""

    input_max = NHS_NUMBER_INPUT_MAX
    message = NHS_NUMBER_LENGTH
    cleaner = staticmethod(clean_nhs_number)
    default_attrs = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("A 10 digit number, like 485 777 3456"))
        super().__init__(**kwargs)
