"""The managers' "Run a report" form (RPT-1). Messages are constants so tests can assert them."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, radios
from reporting.periods import Quarter
from reporting.services import FIRST_QUARTER, REPORT_COUNCILS

QUARTER_REQUIRED = _("Choose the quarter to report on")
QUARTER_NOT_LISTED = _("Choose a quarter from the list")
COUNCIL_REQUIRED = _("Choose the whole service or a council")


def quarter_choices() -> list[tuple[str, str]]:
    """Every finished quarter since the councils began, newest first."""
    latest = Quarter.last_finished()
    quarters = []
    quarter = latest
    while quarter >= FIRST_QUARTER:
        quarters.append((quarter.code, quarter.label))
        quarter = quarter.previous()
    return quarters


def council_choices() -> list[tuple[str, str]]:
    from reporting.models import council_label

    return [(code or "whole", council_label(code)) for code in REPORT_COUNCILS]


class ReportRunForm(GovUKFormMixin, forms.Form):
    quarter = forms.ChoiceField(
        label=_("Quarter"),
        help_text=_("The report covers this quarter, with the four quarters before it beside it."),
        error_messages={"required": QUARTER_REQUIRED, "invalid_choice": QUARTER_NOT_LISTED},
    )
    council = radios([], _("Which area"), COUNCIL_REQUIRED, initial="whole")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", _("Choose a quarter")), *quarter_choices()]
        self.fields["council"].choices = council_choices()
        self.helper = helper(
            Field.select("quarter"),
            Field.radios("council", legend_size=Size.SMALL),
            submit=_("Run the report"),
        )

    def clean_council(self) -> str:
        value = self.cleaned_data["council"]
        return "" if value == "whole" else value

    def clean_quarter(self) -> Quarter:
        return Quarter.parse(self.cleaned_data["quarter"])
