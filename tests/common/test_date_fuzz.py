"""Every date field and filter refuses a date it cannot work with, with a GOV.UK message, and
never answers with a server error (``/access-log/?date_to=31/12/9999`` was an OverflowError)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.forms.dates import (
    DATE_YEAR_OUT_OF_RANGE,
    EARLIEST_YEAR,
    LATEST_YEAR,
    DateOfBirthField,
    GovUKDateField,
    TextDateField,
)

# Far future, year 0, five-digit years, negatives, impossible days, the edges of the range.
TYPED_DATES = [
    "31/12/9999",
    "1/1/9999",
    "1/1/0",
    "1/1/0000",
    "1/1/99999",
    "-1/-1/-2026",
    "1/1/-1",
    "31/02/2026",
    "29/2/2023",
    "0/0/0",
    "99999999999999999999/1/2026",
    "1/1/2101",
    "31/12/1899",
    "9999-12-31",
    "31 12 9999",
]
PARTS = [tuple(typed.split("/")) if "/" in typed else (typed, "", "") for typed in TYPED_DATES]


def in_range_or_refused(clean, value) -> None:
    try:
        date = clean(value)
    except ValidationError:
        return
    assert date is None or EARLIEST_YEAR <= date.year <= LATEST_YEAR, (value, date)


@pytest.mark.parametrize("field", [GovUKDateField(required=False), DateOfBirthField(required=False)])
@pytest.mark.parametrize("parts", PARTS)
def test_the_date_input_refuses_what_it_cannot_hold(field, parts):
    in_range_or_refused(field.clean, list(parts))


@pytest.mark.parametrize("typed", TYPED_DATES)
def test_the_one_box_date_refuses_what_it_cannot_hold(typed):
    in_range_or_refused(TextDateField(required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]).clean, typed)


def test_a_far_future_year_gets_the_range_message_on_the_year_box():
    field = GovUKDateField()
    with pytest.raises(ValidationError) as raised:
        field.clean(["31", "12", "9999"])
    assert raised.value.messages == [str(DATE_YEAR_OUT_OF_RANGE)]
    assert field.fields[2].widget.errors == [DATE_YEAR_OUT_OF_RANGE]


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("typed", TYPED_DATES)
def test_every_access_log_date_filter_answers_without_a_server_error(client, data_protection_officer, name, typed):
    client.force_login(data_protection_officer)
    response = client.get(reverse("access_log"), {name: typed})
    assert response.status_code == 200, typed


def test_the_access_log_says_why_a_far_future_date_is_refused(client, data_protection_officer):
    client.force_login(data_protection_officer)
    response = client.get(reverse("access_log"), {"date_to": "31/12/9999"})
    assert response.status_code == 200
    assert str(DATE_YEAR_OUT_OF_RANGE) in response.content.decode()


APPS = ["common", "partnership", "referrals", "assessments", "recovery_plans", "safeguarding", "reporting"]
DJANGOS = {"DateField", "DateFilter", "DateTimeField", "DateFromToRangeFilter", "DateRangeFilter", "SplitDateTimeField"}


def test_every_date_field_and_filter_in_a_form_is_one_of_the_shared_ones():
    # Models may use DateField; forms and filters must go through common.forms.dates, where the
    # year range lives, so a new filter cannot bring the overflow back.
    offenders = []
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" in path.parts or path.name == "models.py" or "models" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    owner = getattr(node.func.value, "id", "")
                    if node.func.attr in DJANGOS and owner in {"forms", "django_filters", "filters"}:
                        offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert not offenders, "use common.forms.dates instead: " + ", ".join(offenders)
