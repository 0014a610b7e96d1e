"""GOV.UK date input (day, month and year boxes), the date-of-birth rule, and times as typed.

A date field gives one specific message for each way a date can be wrong and puts it on the
box that is wrong too (``widget.errors``), which the GDS pack reads to outline just that box
and the error summary reads to link to it. Whatever is typed, it raises only ValidationError.
"""

from __future__ import annotations

import datetime as dt
import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE_REQUIRED = _("Enter the date")
DATE_DAY_MISSING = _("The date must include a day")
DATE_MONTH_MISSING = _("The date must include a month")
DATE_YEAR_MISSING = _("The date must include a year")
DATE_NOT_NUMBERS = _("The date must be in numbers, for example 27 3 2026")
DATE_YEAR_FOUR_DIGITS = _("The year must include 4 numbers")
DATE_NOT_REAL = _("The date must be a real date")
DATE_YEAR_OUT_OF_RANGE = _("The year must be between 1900 and 2100")

DATE_OF_BIRTH_REQUIRED = _("Enter the date of birth")
DATE_OF_BIRTH_REAL = _("Date of birth must be a real date")
DATE_OF_BIRTH_DAY = _("Date of birth must include a day")
DATE_OF_BIRTH_MONTH = _("Date of birth must include a month")
DATE_OF_BIRTH_YEAR = _("Date of birth must include a year")
DATE_OF_BIRTH_IN_FUTURE = _("Date of birth must be in the past")
DATE_OF_BIRTH_TOO_EARLY = _("Date of birth must be within the last 120 years")
YEAR_FOUR_DIGITS = _("Year must include 4 numbers")

TIME_REQUIRED = _("Enter the time")
TIME_INVALID = _("Enter the time using the 24-hour clock, for example 14:30")

# Every date the service records or searches on falls in these years. A year like 9999 is a
# real date to Python, but a day added to it (an "up to and including" search, a due date)
# overflows into a server error, so it is refused as a typing mistake at the form.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def check_year_in_range(date: dt.date, message=DATE_YEAR_OUT_OF_RANGE) -> None:
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise ValidationError(message, code="year_out_of_range")


# One earliest date of birth for every form: a rolling 120 years (the oldest people alive are
# a little over that). A fixed year would let the limit drift further from reality every year.
OLDEST_AGE_YEARS = 120

DAY, MONTH, YEAR = 0, 1, 2


class GovUKDateInputWidget(DateInputWidget):
    """The GOV.UK date input with our own (translated) labels, the numeric keyboard on phones
    and, for a person's own date of birth, the autocomplete tokens (WCAG 1.3.5)."""

    def __init__(self, *args, birthday: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        labels = (_("Day"), _("Month"), _("Year"))
        for index, (widget, label) in enumerate(zip(self.widgets, labels, strict=True)):
            widget.attrs.update({"label": label, "inputmode": "numeric"})
            if birthday:
                widget.attrs["autocomplete"] = ("bday-day", "bday-month", "bday-year")[index]


class GovUKDateField(DateInputField):
    """Day, month and year, each message specific; defaults are the generic "The date ..."."""

    widget = GovUKDateInputWidget
    # A date of birth has a narrower rule of its own, with its own messages.
    checks_year_range = True

    def __init__(
        self,
        *,
        required_message=DATE_REQUIRED,
        day_message=DATE_DAY_MISSING,
        month_message=DATE_MONTH_MISSING,
        year_message=DATE_YEAR_MISSING,
        real_message=DATE_NOT_REAL,
        not_numbers_message=DATE_NOT_NUMBERS,
        year_digits_message=DATE_YEAR_FOUR_DIGITS,
        **kwargs,
    ):
        self.missing_messages = (day_message, month_message, year_message)
        self.real_message = real_message
        self.not_numbers_message = not_numbers_message
        self.year_digits_message = year_digits_message
        fields = tuple(forms.CharField(label=label, required=False) for label in (_("Day"), _("Month"), _("Year")))
        messages = {"required": required_message, "incomplete": required_message, "invalid": real_message}
        # Not DateInputField.__init__: it fixes generic English messages.
        forms.MultiValueField.__init__(self, fields=fields, require_all_fields=False, error_messages=messages, **kwargs)

    def _fail(self, message, code: str, parts=()):
        for index in parts:
            self.fields[index].widget.errors.append(message)
        raise ValidationError(message, code=code)

    def clean(self, value):
        for subfield in self.fields:
            subfield.widget.errors = []
        if value is not None and not isinstance(value, list | tuple):
            raise ValidationError(self.real_message, code="invalid")
        parts = [str(part).strip() if part is not None else "" for part in (value or [])]
        parts = (parts + ["", "", ""])[:3]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = [index for index, part in enumerate(parts) if not part]
        if missing:
            for index in missing:
                self.fields[index].widget.errors.append(self.missing_messages[index])
            raise ValidationError([self.missing_messages[index] for index in missing], code="incomplete")
        not_numbers = [index for index, part in enumerate(parts) if not (part.isascii() and part.isdecimal())]
        if not_numbers:
            self._fail(self.not_numbers_message, "not_numbers", not_numbers)
        day, month, year = parts
        if len(year) != 4:
            self._fail(self.year_digits_message, "year_digits", [YEAR])
        if len(day) > 2 or len(month) > 2:
            self._fail(self.real_message, "invalid_date", [index for index in (DAY, MONTH) if len(parts[index]) > 2])
        try:
            date = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            # 31 February, month 13, year 0000: the whole date is wrong, so every box is outlined.
            raise ValidationError(self.real_message, code="invalid_date") from None
        if self.checks_year_range and not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
            self._fail(DATE_YEAR_OUT_OF_RANGE, "year_out_of_range", [YEAR])
        self.validate(date)
        self.run_validators(date)
        return date


def earliest_date_of_birth(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - OLDEST_AGE_YEARS)
    except ValueError:  # today is 29 February
        return today.replace(year=today.year - OLDEST_AGE_YEARS, day=28)


def check_date_of_birth(born: dt.date) -> None:
    """The one date-of-birth rule: not in the future, and within the last 120 years."""
    today = timezone.localdate()
    if born > today:
        raise ValidationError(DATE_OF_BIRTH_IN_FUTURE, code="future")
    if born < earliest_date_of_birth(today):
        raise ValidationError(DATE_OF_BIRTH_TOO_EARLY, code="too_early")


class DateOfBirthField(GovUKDateField):
    """A date of birth: the date input with "Date of birth ..." messages and the one rule."""

    checks_year_range = False

    def __init__(self, *, required_message=DATE_OF_BIRTH_REQUIRED, birthday: bool = False, **kwargs):
        kwargs.setdefault("widget", GovUKDateInputWidget(birthday=birthday))
        super().__init__(
            required_message=required_message,
            day_message=DATE_OF_BIRTH_DAY,
            month_message=DATE_OF_BIRTH_MONTH,
            year_message=DATE_OF_BIRTH_YEAR,
            real_message=DATE_OF_BIRTH_REAL,
            not_numbers_message=DATE_OF_BIRTH_REAL,
            year_digits_message=YEAR_FOUR_DIGITS,
            **kwargs,
        )

    def clean(self, value):
        born = super().clean(value)
        if born is not None:
            try:
                check_date_of_birth(born)
            except ValidationError as error:
                if error.code == "too_early":
                    self.fields[YEAR].widget.errors.append(DATE_OF_BIRTH_TOO_EARLY)
                raise
        return born


class TextDateField(forms.DateField):
    """A date typed in one box ("27/3/2026"), for search filters: Django's DateField with the
    service's year range, so no filter can be given a date that overflows."""

    def to_python(self, value):
        date = super().to_python(value)
        if date is not None:
            check_year_in_range(date)
        return date


# --- Times -------------------------------------------------------------------------------------

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


class GovUKTimeField(forms.CharField):
    """A time as typed ("14:30", "9.05", "2:30pm"), returned as a ``datetime.time``."""

    def __init__(self, *, required_message=TIME_REQUIRED, invalid_message=TIME_INVALID, **kwargs):
        self.invalid_message = invalid_message
        kwargs.setdefault("help_text", _("Use the 24-hour clock, for example 14:30"))
        messages = {"required": required_message, "max_length": invalid_message, **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=messages, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"class": "govuk-input govuk-input--width-5", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parsed = parse_time(value[:20])
        if parsed is None:
            raise ValidationError(self.invalid_message, code="invalid")
        return parsed
