"""Forms for the chronology (SAF-2): its filter (sent by GET: only dates and choices, nothing
about the person), marking an entry, a chronology-only summary, and the "for whom and why" step
before a chronology is produced."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fixed, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField, GovUKTimeField, TextDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, YES_NO, helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from referrals.models import Consent
from safeguarding.models import ChronologyMark

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
DATE_INVALID = _("Enter a real date, for example 27/3/2026")
DATE_RANGE_BACKWARDS = _("The “to” date must be the same as or after the “from” date")
TEXT_TOO_LONG = _("This must be 4000 characters or fewer")
SHORT_TOO_LONG = _("This must be 200 characters or fewer")
SIGNIFICANT_REQUIRED = _("Select whether this entry is significant")
WHEN_REQUIRED = _("Enter the date of the event")
AGENCY_REQUIRED = _("Enter the agency the event is from")
EVENT_REQUIRED = _("Describe the event in plain words")
LEAVES_REQUIRED = _("Select whether the chronology will leave the service")
RECIPIENT_REQUIRED = _("Enter the organisation the chronology is for")
PURPOSE_REQUIRED = _("Say what the chronology is for")
BASIS_REQUIRED = _("Select the lawful basis for sharing it")
WITHIN, LEAVES = "within", "leaves"
SHARING_BASES = [
    (value, label)
    for value, label in Consent.LawfulBasis.choices
    if value in (Consent.LawfulBasis.SAFEGUARDING, Consent.LawfulBasis.LEGAL_OBLIGATION, Consent.LawfulBasis.CONSENT)
]


def _date_filter(label, hint) -> TextDateField:
    return TextDateField(
        label=label,
        help_text=hint,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput,
        error_messages={"invalid": DATE_INVALID},
    )


class ChronologyFilterForm(forms.Form):
    date_from = _date_filter(_("From"), _("For example, 1/3/2025"))
    date_to = _date_filter(_("To"), _("For example, 31/3/2026"))
    kind = forms.MultipleChoiceField(label=_("Kinds of entry"), required=False, widget=forms.CheckboxSelectMultiple)
    significant = forms.BooleanField(label=_("Significant entries only"), required=False)

    def __init__(self, *args, kinds: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k["key"], k["label"]) for k in kinds]
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("date_from", field_width=Fixed.TEN),
            Field.text("date_to", field_width=Fixed.TEN),
            Field.checkboxes("kind", legend_size=Size.SMALL, small=True),
            Field.checkbox("significant", small=True),
            HTML('<div class="govuk-button-group">'),
            Button.primary("filter", _("Show the chronology")),
            HTML('<a class="govuk-link" href="?">{}</a></div>'.format(_("Clear the filter"))),
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATE_RANGE_BACKWARDS)
        return data

    def error_summary(self) -> list[tuple[str, str]]:
        return [(self[name].auto_id, message) for name in self.fields for message in self.errors.get(name, [])]


class ChronologyMarkForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = ChronologyMark

    significant = radios(YES_NO, _("Is this a significant event?"), SIGNIFICANT_REQUIRED)
    significance = notes(4000, _("Significance or impact (optional)"), TEXT_TOO_LONG, rows=3)
    action_outcome = notes(4000, _("Action taken and outcome (optional)"), TEXT_TOO_LONG, rows=3)

    def __init__(self, *args, mark: ChronologyMark | None, **kwargs):
        super().__init__(*args, version_of=mark, **kwargs)
        if not self.is_bound and mark is not None:
            self.initial.update(
                {
                    "significant": YES if mark.significant else NO,
                    "significance": mark.significance,
                    "action_outcome": mark.action_outcome,
                }
            )
        self.helper = helper(
            Field.radios("significant", legend_size=Size.SMALL, inline=True),
            Field.textarea("significance", max_characters=4000),
            Field.textarea("action_outcome", max_characters=4000),
            submit=_("Save"),
        )


class ChronologySummaryForm(GovUKFormMixin, forms.Form):
    agency = text(
        _("Agency"),
        max_length=200,
        too_long=SHORT_TOO_LONG,
        required=True,
        required_message=AGENCY_REQUIRED,
        help_text=_("Where the information comes from, for example Children's Services"),
    )
    event = notes(4000, _("Significant event"), TEXT_TOO_LONG, required=True, required_message=EVENT_REQUIRED)
    significance = notes(4000, _("Significance or impact (optional)"), TEXT_TOO_LONG, rows=3)
    action_outcome = notes(4000, _("Action taken and outcome (optional)"), TEXT_TOO_LONG, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"] = GovUKDateField(
            label=_("Date"), required=True, required_message=WHEN_REQUIRED, help_text=_("For example, 27 3 2026")
        )
        self.fields["time"] = GovUKTimeField(label=_("Time (optional)"), required=False)
        self.helper = helper(
            Field("on"),
            Field.text("time"),
            Field.text("agency"),
            Field.textarea("event", max_characters=4000),
            Field.textarea("significance", max_characters=4000),
            Field.textarea("action_outcome", max_characters=4000),
            submit=_("Add to the chronology"),
        )

    def occurred_at(self) -> dt.datetime:
        moment = dt.datetime.combine(self.cleaned_data["on"], self.cleaned_data.get("time") or dt.time(12, 0))
        return timezone.make_aware(moment)


class ChronologyExportForm(GovUKFormMixin, forms.Form):
    """SEC-2, PAR-5: for whom and why, before the chronology is produced."""

    leaves = radios(
        [(WITHIN, _("No, it is for use within the service")), (LEAVES, _("Yes, it is going to another organisation"))],
        _("Will this chronology leave the service?"),
        LEAVES_REQUIRED,
    )
    recipient = text(
        _("Organisation it is for (if it leaves the service)"),
        max_length=200,
        too_long=SHORT_TOO_LONG,
        help_text=_("For example, Cumberland Council Children's Services, or the family court"),
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for sharing it (if it leaves the service)"),
        choices=SHARING_BASES,
        widget=forms.RadioSelect,
        required=False,
    )
    purpose = text(
        _("What is it for?"),
        max_length=200,
        too_long=SHORT_TOO_LONG,
        required=True,
        required_message=PURPOSE_REQUIRED,
        help_text=_("For example, initial child protection conference, or pre-proceedings meeting"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("leaves", legend_size=Size.SMALL),
            Field.text("recipient"),
            Field.radios("lawful_basis", legend_size=Size.SMALL),
            Field.text("purpose"),
            submit=_("Produce the PDF"),
        )

    def clean(self):
        data = super().clean()
        if data.get("leaves") == LEAVES:
            if not (data.get("recipient") or "").strip():
                self.add_error("recipient", RECIPIENT_REQUIRED)
            if not data.get("lawful_basis"):
                self.add_error("lawful_basis", BASIS_REQUIRED)
        return data
