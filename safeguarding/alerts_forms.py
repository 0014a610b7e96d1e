"""Drug alert forms (SAF-5): issuing one, and withdrawing it (versioned, SEC-5)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from safeguarding.models import DrugAlert

TITLE_REQUIRED = _("Enter a title for the alert")
TITLE_TOO_LONG = _("The title must be 200 characters or fewer")
GRADE_REQUIRED = _("Select the grade of the alert")
SUBSTANCE_REQUIRED = _("Enter the substance, for example heroin or a counterfeit diazepam tablet")
SUBSTANCE_TOO_LONG = _("The substance must be 200 characters or fewer")
AREA_REQUIRED = _("Enter the area, for example Carlisle or all of Cumbria")
AREA_TOO_LONG = _("The area must be 200 characters or fewer")
SEEN_REQUIRED = _("Enter what has been seen")
SEEN_TOO_LONG = _("What has been seen must be 5,000 characters or fewer")
ADVICE_REQUIRED = _("Enter the advice for staff and people who use drugs")
ADVICE_TOO_LONG = _("The advice must be 5,000 characters or fewer")
SOURCE_REQUIRED = _("Select where the alert came from")
WITHDRAW_REASON_REQUIRED = _("Enter why the alert is being withdrawn")
WITHDRAW_REASON_TOO_LONG = _("The reason must be 500 characters or fewer")

GRADE_HINTS = _(
    "Information: something to know, no immediate danger. Warning: a credible risk of harm, pass the advice on "
    "at your next contacts. Urgent alert: deaths or serious harm now, act today."
)


class DrugAlertForm(GovUKFormMixin, forms.Form):
    title = text(_("Title"), max_length=200, too_long=TITLE_TOO_LONG, required=True, required_message=TITLE_REQUIRED)
    grade = radios(DrugAlert.Grade.choices, _("Grade"), GRADE_REQUIRED, help_text=GRADE_HINTS)
    substance = text(
        _("Substance"), max_length=200, too_long=SUBSTANCE_TOO_LONG, required=True, required_message=SUBSTANCE_REQUIRED
    )
    area = text(_("Area"), max_length=200, too_long=AREA_TOO_LONG, required=True, required_message=AREA_REQUIRED)
    what_seen = notes(5000, _("What has been seen"), SEEN_TOO_LONG, required=True, required_message=SEEN_REQUIRED)
    advice = notes(
        5000,
        _("Advice for staff and people who use drugs"),
        ADVICE_TOO_LONG,
        required=True,
        required_message=ADVICE_REQUIRED,
    )
    source = radios(DrugAlert.Source.choices, _("Where did it come from?"), SOURCE_REQUIRED)
    expires_on = GovUKDateField(
        label=_("Show it until (optional)"),
        required=False,
        help_text=_("Leave blank to show it until it is withdrawn. For example, 31 12 2026"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.radios("grade", legend_size=Size.SMALL),
            Field.text("substance", field_width=Fluid.TWO_THIRDS),
            Field.text("area", field_width=Fluid.TWO_THIRDS),
            Field.textarea("what_seen", max_characters=5000),
            Field.textarea("advice", max_characters=5000),
            Field.radios("source", legend_size=Size.SMALL),
            Field("expires_on"),
            submit=_("Issue the alert"),
        )


class DrugAlertWithdrawForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = DrugAlert
    version_field_map = {"reason": "withdrawn_reason"}
    version_extra_fields = ("status",)
    reason = text(
        _("Why is it being withdrawn?"),
        max_length=500,
        too_long=WITHDRAW_REASON_TOO_LONG,
        required=True,
        required_message=WITHDRAW_REASON_REQUIRED,
    )

    def __init__(self, *args, alert: DrugAlert, **kwargs):
        super().__init__(*args, version_of=alert, **kwargs)
        self.helper = helper(Field.text("reason"), submit=_("Withdraw the alert"), warning=True)
