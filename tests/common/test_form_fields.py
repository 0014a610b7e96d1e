"""Every form that asks for a phone number, a postcode, an NHS number or a date of birth
accepts and refuses exactly the same input, stores it the same way and says the same thing.

The tables below are run against every such field in the project; ``test_every_field_of_a_kind_is_in_the_tables``
fails when a form gains one of these fields without being added here, or asks for one with a
plain CharField instead of the toolkit's field.
"""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.forms import dates, identifiers
from common.forms.dates import DateOfBirthField, check_date_of_birth, earliest_date_of_birth
from common.forms.identifiers import NHSNumberField, UKPhoneField, UKPostcodeField
from referrals.data_rights import forms as data_rights_forms
from referrals.data_rights.forms import RectifyForm
from referrals.forms import access, allocation, appointments, intake, person_search, public, sharing, triage
from referrals.forms.intake import StaffReferralForm
from referrals.forms.person_search import PersonSearchForm
from referrals.forms.public import PublicReferralForm
from referrals.models import Person

FORM_MODULES = (public, intake, triage, allocation, sharing, access, appointments, data_rights_forms, person_search)


def _rectify(data):
    return RectifyForm(data, person=Person(given_name="Sam", family_name="Taylor"))


def _search(data):
    # The duplicate check's person search: its fields are prefixed "search-" on the page.
    return PersonSearchForm({f"search-{key}": value for key, value in data.items()})


# (form factory, field name) for every field of each kind.
PHONE_FIELDS = [
    (PublicReferralForm, "phone"),
    (PublicReferralForm, "referrer_phone"),
    (StaffReferralForm, "subject_phone"),
    (StaffReferralForm, "referrer_phone"),
    (_rectify, "phone"),
]
POSTCODE_FIELDS = [
    (PublicReferralForm, "postcode"),
    (StaffReferralForm, "subject_postcode"),
    (_rectify, "postcode"),
    (_search, "postcode"),
]
NHS_NUMBER_FIELDS = [(StaffReferralForm, "subject_nhs_number"), (_rectify, "nhs_number"), (_search, "nhs_number")]
DATE_OF_BIRTH_FIELDS = [
    (PublicReferralForm, "date_of_birth"),
    (StaffReferralForm, "subject_date_of_birth"),
    (_rectify, "date_of_birth"),
    (_search, "date_of_birth"),
]
KINDS = {
    UKPhoneField: PHONE_FIELDS,
    UKPostcodeField: POSTCODE_FIELDS,
    NHSNumberField: NHS_NUMBER_FIELDS,
    DateOfBirthField: DATE_OF_BIRTH_FIELDS,
}
# A field with one of these in its name must be the toolkit's field for it.
NAME_HINTS = {"phone": UKPhoneField, "postcode": UKPostcodeField, "nhs_number": NHSNumberField}


def _form_class(factory):
    return {_rectify: RectifyForm, _search: PersonSearchForm}.get(factory, factory)


def _ids(fields):
    return [f"{_form_class(factory).__name__}.{name}" for factory, name in fields]


def _clean(factory, name, data: dict):
    form = factory(data)
    form.is_valid()
    return form.cleaned_data.get(name), [str(message) for message in form.errors.get(name, [])]


# --- Phone numbers -----------------------------------------------------------------------------

PHONES_ACCEPTED = [
    ("01632 960 001", "01632960001"),
    ("01632960001", "01632960001"),
    ("07700-900982", "07700900982"),
    ("07700.900.982", "07700900982"),
    ("(01632) 960001", "01632960001"),
    ("+44 7700 900982", "07700900982"),
    ("+44 (0)7700 900982", "07700900982"),
    ("0044 7700 900982", "07700900982"),
    ("020 7946 0018", "02079460018"),
    ("  07700 900982  ", "07700900982"),
    ("", ""),
]
PHONES_REFUSED = [
    "12345",
    "7700900982",  # no leading 0
    "0770090098212",  # too long
    "0012345678",  # an international prefix, not a UK number
    "+1 212 555 0100",
    "+44 07700 900982",  # the 0 after +44 is not dialled
    "07700 9OO982",  # letter O
    "07700+900982",
    "++447700900982",
    "call me maybe",
    "+" + "4" * 200,
]


@pytest.mark.parametrize(("factory", "name"), PHONE_FIELDS, ids=_ids(PHONE_FIELDS))
@pytest.mark.parametrize(("typed", "stored"), PHONES_ACCEPTED)
def test_every_phone_field_accepts_uk_numbers_and_stores_the_digits(factory, name, typed, stored):
    assert _clean(factory, name, {name: typed}) == (stored, [])


@pytest.mark.parametrize(("factory", "name"), PHONE_FIELDS, ids=_ids(PHONE_FIELDS))
@pytest.mark.parametrize("typed", PHONES_REFUSED)
def test_every_phone_field_refuses_what_is_not_a_uk_number_with_one_message(factory, name, typed):
    assert _clean(factory, name, {name: typed})[1] == [str(identifiers.PHONE_INVALID)]


# --- Postcodes ---------------------------------------------------------------------------------

POSTCODES_ACCEPTED = [
    ("CA1 1AA", "CA1 1AA"),
    ("ca1 1aa", "CA1 1AA"),
    ("CA11AA", "CA1 1AA"),
    (" sw1a  2aa ", "SW1A 2AA"),
    ("M1 1AE", "M1 1AE"),
    ("b33 8th", "B33 8TH"),
    ("DN55 1PT", "DN55 1PT"),
    ("EC1A 1BB", "EC1A 1BB"),
    ("GIR 0AA", "GIR 0AA"),
    ("", ""),
]
POSTCODES_REFUSED = ["NOT A CODE", "CA1", "CA1 1A", "CA1-1AA", "QA1 1AA", "CA1 1AC", "12345", "CA1 1AA X"]


@pytest.mark.parametrize(("factory", "name"), POSTCODE_FIELDS, ids=_ids(POSTCODE_FIELDS))
@pytest.mark.parametrize(("typed", "stored"), POSTCODES_ACCEPTED)
def test_every_postcode_field_accepts_real_postcodes_upper_case_with_one_space(factory, name, typed, stored):
    assert _clean(factory, name, {name: typed}) == (stored, [])


@pytest.mark.parametrize(("factory", "name"), POSTCODE_FIELDS, ids=_ids(POSTCODE_FIELDS))
@pytest.mark.parametrize("typed", POSTCODES_REFUSED)
def test_every_postcode_field_refuses_what_is_not_a_postcode(factory, name, typed):
    assert _clean(factory, name, {name: typed})[1] == [str(identifiers.POSTCODE_INVALID)]


# --- NHS numbers -------------------------------------------------------------------------------

NHS_NUMBERS_ACCEPTED = [
    ("943 476 5919", "9434765919"),
    ("9434765919", "9434765919"),
    ("943-476-5919", "9434765919"),
    ("401 023 2137", "4010232137"),
    ("100 000 0060", "1000000060"),  # check digit 0 (11 - remainder 0)
    ("", ""),
]
NHS_NUMBERS_REFUSED = [
    ("943 476 5918", identifiers.NHS_NUMBER_INVALID),  # wrong check digit
    ("485 777 3456", identifiers.NHS_NUMBER_INVALID),  # the GOV.UK example, not a real number
    ("123 456 7890", identifiers.NHS_NUMBER_INVALID),  # check digit would be 10: never issued
    ("943 476 591", identifiers.NHS_NUMBER_LENGTH),
    ("94347659190", identifiers.NHS_NUMBER_LENGTH),
    ("ABC 476 5919", identifiers.NHS_NUMBER_LENGTH),
    ("9" * 21, identifiers.NHS_NUMBER_LENGTH),
    # Placeholders pass the modulus 11 check (every ten-equal-digit number does) but are no one's.
    ("0000000000", identifiers.NHS_NUMBER_PLACEHOLDER),
    ("000 000 0000", identifiers.NHS_NUMBER_PLACEHOLDER),
    ("1111111111", identifiers.NHS_NUMBER_PLACEHOLDER),
    ("555-555-5555", identifiers.NHS_NUMBER_PLACEHOLDER),
    ("9999999999", identifiers.NHS_NUMBER_PLACEHOLDER),
]


@pytest.mark.parametrize(("factory", "name"), NHS_NUMBER_FIELDS, ids=_ids(NHS_NUMBER_FIELDS))
@pytest.mark.parametrize(("typed", "stored"), NHS_NUMBERS_ACCEPTED)
def test_every_nhs_number_field_accepts_valid_numbers_as_digits(factory, name, typed, stored):
    assert _clean(factory, name, {name: typed}) == (stored, [])


@pytest.mark.parametrize(("factory", "name"), NHS_NUMBER_FIELDS, ids=_ids(NHS_NUMBER_FIELDS))
@pytest.mark.parametrize(("typed", "message"), NHS_NUMBERS_REFUSED)
def test_every_nhs_number_field_refuses_bad_numbers_with_the_same_message(factory, name, typed, message):
    assert _clean(factory, name, {name: typed})[1] == [str(message)]


# --- Dates of birth ----------------------------------------------------------------------------


def _parts(day: dt.date) -> tuple[str, str, str]:
    return str(day.day), str(day.month), str(day.year)


def _dates_accepted():
    today = timezone.localdate()
    earliest = earliest_date_of_birth(today)
    return [
        (("27", "3", "1985"), dt.date(1985, 3, 27)),
        (("01", "02", "1990"), dt.date(1990, 2, 1)),
        ((" 29 ", "2", "2000"), dt.date(2000, 2, 29)),
        (_parts(today), today),
        (_parts(earliest), earliest),
        (("", "", ""), None),
    ]


def _dates_refused():
    today = timezone.localdate()
    return [
        (_parts(today + dt.timedelta(days=1)), dates.DATE_OF_BIRTH_IN_FUTURE),
        (_parts(earliest_date_of_birth(today) - dt.timedelta(days=1)), dates.DATE_OF_BIRTH_TOO_EARLY),
        (("1", "1", "1850"), dates.DATE_OF_BIRTH_TOO_EARLY),
        (("31", "2", "1990"), dates.DATE_OF_BIRTH_REAL),
        (("1", "13", "1990"), dates.DATE_OF_BIRTH_REAL),
        (("1", "1", "0000"), dates.DATE_OF_BIRTH_REAL),
        (("1st", "1", "1990"), dates.DATE_OF_BIRTH_REAL),
        (("١٢", "٣", "١٩٨٥"), dates.DATE_OF_BIRTH_REAL),  # digits, but not ones we read
        (("1", "1", "99999999999999999999"), dates.YEAR_FOUR_DIGITS),
        (("99999999999999999999", "1", "1990"), dates.DATE_OF_BIRTH_REAL),
        (("1", "1", "90"), dates.YEAR_FOUR_DIGITS),
        (("", "1", "1990"), dates.DATE_OF_BIRTH_DAY),
        (("1", "", "1990"), dates.DATE_OF_BIRTH_MONTH),
        (("1", "1", ""), dates.DATE_OF_BIRTH_YEAR),
    ]


def _date_data(name: str, parts) -> dict:
    return {f"{name}_{index}": part for index, part in enumerate(parts)}


@pytest.mark.parametrize(("factory", "name"), DATE_OF_BIRTH_FIELDS, ids=_ids(DATE_OF_BIRTH_FIELDS))
@pytest.mark.parametrize("case", range(len(_dates_accepted())))
def test_every_date_of_birth_field_accepts_the_same_dates(factory, name, case):
    parts, expected = _dates_accepted()[case]
    assert _clean(factory, name, _date_data(name, parts)) == (expected, [])


@pytest.mark.parametrize(("factory", "name"), DATE_OF_BIRTH_FIELDS, ids=_ids(DATE_OF_BIRTH_FIELDS))
@pytest.mark.parametrize("case", range(len(_dates_refused())))
def test_every_date_of_birth_field_refuses_the_same_dates_with_the_same_message(factory, name, case):
    parts, message = _dates_refused()[case]
    assert _clean(factory, name, _date_data(name, parts))[1] == [str(message)]


# --- No form is left out -----------------------------------------------------------------------


def _project_forms():
    for module in FORM_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_field_of_a_kind_is_in_the_tables():
    for kind, table in KINDS.items():
        found = {
            (cls, name)
            for cls in _project_forms()
            for name, field in cls.base_fields.items()
            if isinstance(field, kind)
        }
        assert found == {(_form_class(factory), name) for factory, name in table}, kind.__name__


def test_phone_postcode_and_nhs_number_fields_are_the_toolkits():
    for cls in _project_forms():
        for name, field in cls.base_fields.items():
            for hint, kind in NAME_HINTS.items():
                if hint in name:
                    assert isinstance(field, kind), f"{cls.__name__}.{name}"
            if "date_of_birth" in name:
                assert isinstance(field, DateOfBirthField), f"{cls.__name__}.{name}"


# --- The rules themselves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),
        ("4010232137", True),
        ("1000000060", True),  # remainder 0: check digit 0
        ("9434765918", False),
        ("9434765910", False),
        ("1234567890", False),  # check digit would be 10
        ("943476591", False),
        ("94347659190", False),
        ("943476591X", False),
        ("", False),
    ],
)
def test_nhs_number_modulus_11_check(number, valid):
    assert identifiers.nhs_number_is_valid(number) is valid


@pytest.mark.parametrize("digit", "0123456789")
def test_every_ten_equal_digits_is_a_placeholder_though_it_passes_the_check_digit(digit):
    number = digit * 10
    assert identifiers.nhs_number_is_valid(number)
    assert identifiers.is_placeholder_nhs_number(number)
    with pytest.raises(ValidationError) as raised:
        identifiers.clean_nhs_number(number)
    assert raised.value.messages == [str(identifiers.NHS_NUMBER_PLACEHOLDER)]
    assert str(identifiers.NHS_NUMBER_PLACEHOLDER) == "Enter a real NHS number, not a placeholder such as 0000000000"


@pytest.mark.parametrize("number", ["9434765919", "1000000060", "", "000000000"])
def test_real_numbers_are_not_placeholders(number):
    assert not identifiers.is_placeholder_nhs_number(number)


def test_each_wrong_check_digit_is_refused():
    # Only one check digit is right for any nine digits.
    right = [digit for digit in "0123456789" if identifiers.nhs_number_is_valid("943476591" + digit)]
    assert right == ["9"]


@pytest.mark.parametrize(("typed", "stored"), PHONES_ACCEPTED)
def test_clean_uk_phone_normalises(typed, stored):
    assert identifiers.clean_uk_phone(typed) == stored
    assert identifiers.is_uk_phone_number(typed) is bool(stored)


@pytest.mark.parametrize("typed", PHONES_REFUSED)
def test_clean_uk_phone_refuses(typed):
    with pytest.raises(ValidationError):
        identifiers.clean_uk_phone(typed)
    assert not identifiers.is_uk_phone_number(typed)


@pytest.mark.parametrize(("typed", "stored"), POSTCODES_ACCEPTED)
def test_clean_uk_postcode_normalises(typed, stored):
    assert identifiers.clean_uk_postcode(typed) == stored


@pytest.mark.parametrize("typed", POSTCODES_REFUSED)
def test_clean_uk_postcode_refuses(typed):
    with pytest.raises(ValidationError):
        identifiers.clean_uk_postcode(typed)


def test_normalise_postcode_and_nhs_number():
    assert identifiers.normalise_postcode(" ca11aa ") == "CA1 1AA"
    assert identifiers.normalise_nhs_number("943-476 5919") == "9434765919"


def test_a_date_of_birth_in_the_future_is_refused_and_today_is_not():
    today = timezone.localdate()
    check_date_of_birth(today)
    with pytest.raises(ValidationError) as raised:
        check_date_of_birth(today + dt.timedelta(days=1))
    assert raised.value.messages == [str(dates.DATE_OF_BIRTH_IN_FUTURE)]


def test_the_earliest_date_of_birth_is_120_years_ago_to_the_day():
    today = timezone.localdate()
    earliest = earliest_date_of_birth(today)
    assert (earliest.year, earliest.month) == (today.year - 120, today.month)
    check_date_of_birth(earliest)
    with pytest.raises(ValidationError) as raised:
        check_date_of_birth(earliest - dt.timedelta(days=1))
    assert raised.value.messages == [str(dates.DATE_OF_BIRTH_TOO_EARLY)]


def test_on_29_february_the_earliest_date_of_birth_is_28_february_when_that_year_had_none():
    assert earliest_date_of_birth(dt.date(2020, 2, 29)) == dt.date(1900, 2, 28)
    assert earliest_date_of_birth(dt.date(2024, 2, 29)) == dt.date(1904, 2, 29)


@pytest.mark.parametrize(
    ("typed", "time"),
    [("14:30", dt.time(14, 30)), ("9.05", dt.time(9, 5)), ("2:30pm", dt.time(14, 30)), ("12am", dt.time(0, 0))],
)
def test_parse_time_reads_times_as_people_type_them(typed, time):
    assert dates.parse_time(typed) == time


@pytest.mark.parametrize("typed", ["24:00", "25:00", "14:60", "half ten", "", "23:59:59"])
def test_parse_time_refuses_what_is_not_a_time(typed):
    assert dates.parse_time(typed) is None
