"""Recording a contact in under a minute on a phone (PLN-3): the type, the setting and how
long; the time defaults to now, everything else is optional and below."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import HTML, Field, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKTimeField, TextDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios
from recovery_plans.models import Contact, EngagementStatus
from recovery_plans.models.contacts import HarmReductionTopic
from recovery_plans.services import contacts as services
from recovery_plans.services.engagement import ENGAGEMENT_REASON_REQUIRED

DATE_INVALID = _("Enter the date as day/month/year, for example 27/3/2026")


class DayMonthYearField(TextDateField):
    """A date typed as day/month/year in one box, offered as today (evaluated per page)."""

    def __init__(self, *, label=None):
        super().__init__(
            label=label or _("Date"),
            error_messages={"required": DATE_INVALID, "invalid": DATE_INVALID},
            input_formats=["%d/%m/%Y"],
            initial=lambda: timezone.localdate().strftime("%d/%m/%Y"),
        )

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}


def time_now_field() -> GovUKTimeField:
    return GovUKTimeField(label=_("Time"), initial=lambda: timezone.localtime().strftime("%H:%M"))


def occurred_at(data: dict) -> dict:
    """``occurred_at`` from the form's date and time, when both are valid."""
    if data.get("occurred_date") and data.get("occurred_time"):
        data["occurred_at"] = timezone.make_aware(dt.datetime.combine(data["occurred_date"], data["occurred_time"]))
    return data


def _count(label, message, *, initial, max_value):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=max_value,
        initial=initial,
        error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )


class ContactForm(GovUKFormMixin, forms.Form):
    """Adds a new contact; changes nothing already saved."""

    type = radios(Contact.Type.choices, _("Type of contact"), services.CONTACT_TYPE_REQUIRED)
    setting = radios(
        Contact.Setting.choices, _("Where"), services.CONTACT_SETTING_REQUIRED, initial=Contact.Setting.HUB
    )
    duration_minutes = _count(_("How long, in minutes"), services.CONTACT_DURATION_INVALID, initial=15, max_value=720)
    occurred_date = DayMonthYearField()
    occurred_time = time_now_field()
    harm_reduction_topics = forms.MultipleChoiceField(
        label=_("Harm reduction topics (optional)"),
        choices=HarmReductionTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": services.CONTACT_TOPIC_INVALID},
    )
    naloxone_kits_supplied = _count(
        _("Naloxone kits supplied"), services.CONTACT_NALOXONE_INVALID, initial=0, max_value=20
    )
    naloxone_administered = forms.BooleanField(label=_("Naloxone administered"), required=False)
    needle_syringe_provided = forms.BooleanField(label=_("Needle and syringe provision"), required=False)
    family_support = radios(
        Contact.FamilySupport.choices,
        _("Family and carer support session"),
        services.CONTACT_TYPE_REQUIRED,
        required=False,
        initial="",
    )
    note = notes(services.CONTACT_NOTE_MAX, _("Short note (optional)"), services.CONTACT_NOTE_TOO_LONG, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("type", legend_size=Size.SMALL, small=True),
            Field.radios("setting", legend_size=Size.SMALL, small=True),
            Field.text("duration_minutes"),
            Field.text("occurred_date"),
            Field.text("occurred_time"),
            HTML(
                '<details class="govuk-details"><summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">'
                + str(_("Harm reduction, naloxone, needles and syringes, family support"))
                + '</span></summary><div class="govuk-details__text">'
            ),
            Field.checkboxes("harm_reduction_topics", legend_size=Size.SMALL, small=True),
            Field.text("naloxone_kits_supplied"),
            Field.checkbox("naloxone_administered", small=True),
            Field.checkbox("needle_syringe_provided", small=True),
            Field.radios("family_support", legend_size=Size.SMALL, small=True),
            HTML("</div></details>"),
            Field.textarea("note", max_characters=services.CONTACT_NOTE_MAX),
            submit=_("Save contact"),
        )

    def clean(self):
        return occurred_at(super().clean())


class NaloxoneSupplyForm(GovUKFormMixin, forms.Form):
    """Adds a new supply of kits to a partner agency."""

    agency_name = forms.CharField(
        label=_("Agency"),
        max_length=200,
        help_text=_("For example, the name of the hostel"),
        error_messages={"required": services.SUPPLY_AGENCY_REQUIRED, "max_length": services.SUPPLY_AGENCY_REQUIRED},
    )
    kits = _count(_("Number of kits"), services.SUPPLY_KITS_INVALID, initial=None, max_value=500)
    supplied_on = DayMonthYearField(label=_("Date supplied"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("agency_name"), Field.text("kits"), Field.text("supplied_on"), submit=_("Save"))


class InactiveForm(GovUKFormMixin, forms.Form):
    """A change of status, checked by the service against the transition table (a stale page
    cannot make a change that has already been made)."""

    reason = radios(
        [(value, label) for value, label in EngagementStatus.Reason.choices if value],
        _("Why is the person no longer active?"),
        ENGAGEMENT_REASON_REQUIRED,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.radios("reason", legend_size=Size.SMALL), submit=_("Mark as inactive"))
