"""The incident forms (SAF-3, SAF-6, §3.29): one per kind of record, used to record a new one
and to change it (versioned against concurrent edits, SEC-5: a new record loads at version 0).

A time is typed as a date ("27/3/2026") and a time ("14:30") in London time; a person is
named by their reference (P-...), never searched by name here."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKTimeField, TextDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, YES_NO, helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from safeguarding.models import DataSecurityIncident, DeathInService, NonFatalOverdose, SeriousIncident
from safeguarding.models.incidents import CATEGORY_OF, IncidentCategory
from safeguarding.selectors_notifications import person_by_reference

DATE_INVALID = _("Enter the date as day/month/year, for example 27/3/2026")
PERSON_REFERENCE_UNKNOWN = _("No one has that reference: check it, for example P-7K3M9QAB")
PERSON_REFERENCE_REQUIRED = _("Enter the person's reference, for example P-7K3M9QAB")
DESCRIPTION_REQUIRED = _("Describe what happened")
TOO_LONG = _("This must be 5000 characters or fewer")
SHORT_TOO_LONG = _("This must be 200 characters or fewer")
SERIOUSNESS_REQUIRED = _("Select whether it is a serious incident or a near miss")
CATEGORY_REQUIRED = _("Select the category of incident")
TYPE_REQUIRED = _("Select the type of incident")
CAUSE_REQUIRED = _("Select the cause of death, or not known yet")
NALOXONE_REQUIRED = _("Select who gave naloxone, or that none was given")
ICO_REQUIRED = _("Select whether it was reported to the ICO")
DOSES_INVALID = _("Enter the number of doses as a number from 0 to 20")
PEOPLE_INVALID = _("Enter how many people are affected as a number, 0 if not known")
YES_NO_REQUIRED = _("Select yes or no")
TIME_WITH_DATE = _("Enter the time as well as the date")
DATE_WITH_TIME = _("Enter the date as well as the time")
NOTES = 5000


def date_field(label, *, required=True, message=DATE_INVALID):
    return TextDateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y"],
        error_messages={"required": message, "invalid": DATE_INVALID},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "numeric"}),
        help_text=_("For example, 27/3/2026"),
    )


def time_field(label, *, required=True):
    return GovUKTimeField(label=label, required=required)


class IncidentFormMixin:
    """Put first among the bases of each kind's form (not a form itself). The shared part: each datetime named in ``datetimes`` is two inputs, ``<name>_date`` and
    ``<name>_time``; ``person_reference`` is the person (optional unless ``person_required``);
    ``booleans`` are yes/no radios. ``service_fields()`` gives the model's field values."""

    datetimes: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    person_required = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.version_field_map = {
            **{f"{name}_{part}": name for name in cls.datetimes for part in ("date", "time")},
            "person_reference": "person",
        }

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, version_of=record, version_model=self.version_model, **kwargs)
        self.fields["person_reference"] = text(
            _("The person's reference")
            if self.person_required
            else _("The person's reference, if it is about someone"),
            max_length=12,
            too_long=PERSON_REFERENCE_UNKNOWN,
            required=self.person_required,
            required_message=PERSON_REFERENCE_REQUIRED,
            help_text=_("From their record, for example P-7K3M9QAB"),
            autocomplete="off",
            spellcheck="false",
        )
        # The person first: what the record is about, before what happened.
        self.fields = {"person_reference": self.fields.pop("person_reference"), **self.fields}
        if record is not None and not self.is_bound:
            for name, _field in self.fields.items():
                if hasattr(record, name) and name not in self.booleans:
                    value = getattr(record, name)
                    self.initial[name] = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value
            for name in self.booleans:
                self.initial[name] = YES if getattr(record, name) else NO
            for name in self.datetimes:
                value = getattr(record, name)
                if value is not None:
                    local = timezone.localtime(value)
                    self.initial[f"{name}_date"] = local.strftime("%d/%m/%Y")
                    self.initial[f"{name}_time"] = local.strftime("%H:%M")
            self.initial["person_reference"] = record.person.reference if record.person_id else ""
        self.helper = helper(*self.layout(), submit=_("Save"))

    def layout(self) -> list:
        items = []
        for name, field in self.fields.items():
            if name == "version":
                continue
            if isinstance(field.widget, forms.RadioSelect):
                items.append(Field.radios(name, legend_size=Size.SMALL, small=True, inline=name in self.booleans))
            elif isinstance(field.widget, forms.Textarea):
                items.append(Field.textarea(name, max_characters=NOTES))
            elif isinstance(field.widget, forms.Select):
                items.append(Field.select(name))
            else:
                wide = isinstance(field, forms.CharField) and (field.max_length or 0) > 60
                items.append(Field.text(name, field_width=Fluid.TWO_THIRDS) if wide else Field.text(name))
        return items

    def clean_person_reference(self):
        reference = (self.cleaned_data.get("person_reference") or "").strip().upper()
        if not reference:
            return None
        person = person_by_reference(reference)
        if person is None:
            raise forms.ValidationError(PERSON_REFERENCE_UNKNOWN, code="unknown_person")
        return person

    def clean(self):
        data = super().clean()
        for name in self.datetimes:
            day, time = data.get(f"{name}_date"), data.get(f"{name}_time")
            if bool(day) != bool(time) and not self.errors.get(f"{name}_date") and not self.errors.get(f"{name}_time"):
                missing = f"{name}_time" if day else f"{name}_date"
                self.add_error(missing, TIME_WITH_DATE if day else DATE_WITH_TIME)
            data[name] = timezone.make_aware(dt.datetime.combine(day, time)) if day and time else None
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        values = {}
        for name, field in self.fields.items():
            if (
                name in ("version", "person_reference")
                or name.endswith(("_date", "_time"))
                and name[:-5] in self.datetimes
            ):
                continue
            value = data.get(name)
            if name in self.booleans:
                value = value == YES
            elif isinstance(field, forms.CharField) and value is None:
                value = ""
            values[name] = value
        values.update({name: data.get(name) for name in self.datetimes})
        values["person"] = data.get("person_reference")
        return values

    @classmethod
    def service_field_map(cls) -> dict[str, str]:
        """Model field → the form's input, for the service's messages."""
        return {**{name: f"{name}_date" for name in cls.datetimes}, "person": "person_reference"}


def yes_no(label):
    return radios(YES_NO, label, YES_NO_REQUIRED, initial=NO)


def _grouped_types():
    return [
        (category.label, [(t.value, t.label) for t, c in CATEGORY_OF.items() if c == category])
        for category in IncidentCategory
    ]


class SeriousIncidentForm(IncidentFormMixin, VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = SeriousIncident
    datetimes = ("occurred_at", "known_at")

    seriousness = radios(
        SeriousIncident.Seriousness.choices, _("Is it a serious incident or a near miss?"), SERIOUSNESS_REQUIRED
    )
    category = radios(IncidentCategory.choices, _("Category"), CATEGORY_REQUIRED)
    incident_type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Select the type"))] + _grouped_types(),
        error_messages={"required": TYPE_REQUIRED, "invalid_choice": TYPE_REQUIRED},
    )
    occurred_at_date = date_field(_("Date it happened"))
    occurred_at_time = time_field(_("Time it happened"))
    known_at_date = date_field(_("Date the service knew of it"))
    known_at_time = time_field(_("Time the service knew of it"))
    place = text(_("Where (optional)"), max_length=200, too_long=SHORT_TOO_LONG)
    description = notes(NOTES, _("What happened"), TOO_LONG, required=True, required_message=DESCRIPTION_REQUIRED)
    immediate_action = notes(NOTES, _("Immediate action taken (optional)"), TOO_LONG)
    root_cause = notes(NOTES, _("Root-cause analysis (optional)"), TOO_LONG)
    learning = notes(NOTES, _("Learning (optional)"), TOO_LONG)
    learning_shared_on = date_field(
        _("Date the learning was shared with the Partnership Board (optional)"), required=False
    )
    closed_on = date_field(_("Date closed (optional)"), required=False)


class DeathInServiceForm(IncidentFormMixin, VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = DeathInService
    datetimes = ("known_at",)
    booleans = ("coroner_informed",)
    person_required = True

    died_on = date_field(_("Date of death"))
    known_at_date = date_field(_("Date the service learned of it"))
    known_at_time = time_field(_("Time the service learned of it"))
    cause = radios(DeathInService.Cause.choices, _("Cause"), CAUSE_REQUIRED)
    circumstances = notes(NOTES, _("What is known (optional)"), TOO_LONG)
    coroner_informed = yes_no(_("Is the coroner involved?"))
    panel_review_on = date_field(
        _("Date of the drug and alcohol related death review panel (optional)"), required=False
    )
    panel_attended_by = text(
        _("Who attended the panel for the service (optional)"), max_length=200, too_long=SHORT_TOO_LONG
    )
    panel_learning = notes(NOTES, _("The panel's learning (optional)"), TOO_LONG)


class NonFatalOverdoseForm(IncidentFormMixin, VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = NonFatalOverdose
    datetimes = ("occurred_at",)
    booleans = ("emergency_services_called", "taken_to_hospital", "suspected_adulteration")

    occurred_at_date = date_field(_("Date it happened"))
    occurred_at_time = time_field(_("Time it happened"))
    place = text(_("Where (optional)"), max_length=200, too_long=SHORT_TOO_LONG)
    substances = text(_("Substances involved, if known (optional)"), max_length=200, too_long=SHORT_TOO_LONG)
    naloxone_by = radios(NonFatalOverdose.NaloxoneBy.choices, _("Was naloxone given, and by whom?"), NALOXONE_REQUIRED)
    naloxone_doses = forms.IntegerField(
        label=_("Doses of naloxone"),
        min_value=0,
        max_value=20,
        initial=0,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), DOSES_INVALID),
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )
    emergency_services_called = yes_no(_("Were the emergency services called?"))
    taken_to_hospital = yes_no(_("Was the person taken to hospital?"))
    suspected_adulteration = yes_no(_("Is a contaminated or unusually strong batch suspected?"))
    follow_up = notes(NOTES, _("Follow-up (optional)"), TOO_LONG)


class DataSecurityIncidentForm(IncidentFormMixin, VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = DataSecurityIncident

    discovered_at_date = date_field(_("Date it was discovered"))
    discovered_at_time = time_field(_("Time it was discovered"))
    occurred_at_date = date_field(_("Date it happened, if known (optional)"), required=False)
    occurred_at_time = time_field(_("Time it happened, if known (optional)"), required=False)
    description = notes(NOTES, _("What happened"), TOO_LONG, required=True, required_message=DESCRIPTION_REQUIRED)
    people_affected = forms.IntegerField(
        label=_("How many people are affected"),
        min_value=0,
        initial=0,
        error_messages=dict.fromkeys(("required", "invalid", "min_value"), PEOPLE_INVALID),
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}),
    )
    containment = notes(NOTES, _("What was done to contain it (optional)"), TOO_LONG)
    ico = radios(
        DataSecurityIncident.Ico.choices, _("The ICO"), ICO_REQUIRED, initial=DataSecurityIncident.Ico.NOT_DECIDED
    )
    ico_reported_at_date = date_field(_("Date reported to the ICO (optional)"), required=False)
    ico_reported_at_time = time_field(_("Time reported to the ICO (optional)"), required=False)
    ico_reference = text(_("The ICO's reference (optional)"), max_length=60, too_long=SHORT_TOO_LONG)
    learning = notes(NOTES, _("Learning (optional)"), TOO_LONG)

    datetimes = ("discovered_at", "occurred_at", "ico_reported_at")
