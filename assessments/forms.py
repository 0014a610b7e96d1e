"""Forms for the assessment's sections and a child's details, built from the models' fields: a
textarea for words, radios for a coded answer, checkboxes for the escalation triggers. Nothing
is required: a section saves with whatever is known (ASM-1, §3.3.3). Every one edits a record,
so each carries the version it was loaded from (SEC-5)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from assessments.models import Child
from assessments.models.codes import Trigger
from assessments.models.sections import TEXT_MAX
from assessments.sections import SECTIONS, SectionSpec
from common.forms.errors import GovUKFormMixin
from common.forms.fields import TextField, helper, notes, radios
from common.forms.versions import VersionedFormMixin

SAVE_SECTION = _("Save this section")
SAVE_CHILD = _("Save")
TOO_LONG = _("Enter 2,000 characters or fewer")
CHOOSE_AN_ANSWER = _("Choose one of the answers")
TRIGGERS_HINT = _("Any of these prompts an escalation to the Treatment Service")
AGE_INVALID = _("Enter the child's age in whole years, from 0 to 25")

CHILD_FIELDS = ("age", "main_carer", "health_visitor", "early_help", "protection_plan")


def _form_field(model_field: models.Field):
    label = capfirst(model_field.verbose_name)
    if isinstance(model_field, models.JSONField):  # the escalation triggers
        return forms.MultipleChoiceField(
            label=label,
            choices=Trigger.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=TRIGGERS_HINT,
            error_messages={"invalid_choice": CHOOSE_AN_ANSWER},
        )
    if model_field.choices:
        choices = list(model_field.choices)
        if model_field.blank:
            choices.append(("", _("Not recorded")))
        return radios(choices, label, CHOOSE_AN_ANSWER, required=False)
    if isinstance(model_field, models.TextField):
        return notes(TEXT_MAX, label, TOO_LONG)
    return TextField(
        label=label, required=False, max_length=model_field.max_length, error_messages={"max_length": TOO_LONG}
    )


def _layout(form: forms.Form, names) -> list:
    parts = []
    for name in names:
        field = form.fields[name]
        if isinstance(field, forms.MultipleChoiceField):
            parts.append(Field.checkboxes(name, legend_size=Size.SMALL, small=True))
        elif isinstance(field, forms.ChoiceField):
            parts.append(Field.radios(name, legend_size=Size.SMALL, small=True))
        elif isinstance(field.widget, forms.Textarea):
            parts.append(Field.textarea(name, max_characters=TEXT_MAX))
        else:
            parts.append(Field.text(name))
    return parts


class SectionFormBehaviour:
    """What every section's form does; each section's form class is made below from its spec."""

    spec: SectionSpec

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(*_layout(self, self.spec.fields), submit=SAVE_SECTION)

    def values(self) -> dict:
        """What the service saves: a radio left unanswered keeps the field's default."""
        values = {}
        for name in self.spec.fields:
            value = self.cleaned_data.get(name)
            model_field = self.spec.model._meta.get_field(name)
            if value in ("", None) and model_field.choices and not model_field.blank:
                value = model_field.default
            values[name] = list(value) if isinstance(value, list | tuple) else (value or "")
        return values


def _section_form_class(spec: SectionSpec) -> type[forms.Form]:
    name = f"{spec.model.__name__}Form"
    attributes = {name_: _form_field(spec.model._meta.get_field(name_)) for name_ in spec.fields}
    attributes.update({"spec": spec, "version_model": spec.model, "__module__": __name__, "__qualname__": name})
    return type(name, (SectionFormBehaviour, VersionedFormMixin, GovUKFormMixin, forms.Form), attributes)


SECTION_FORMS: dict[str, type[forms.Form]] = {spec.key: _section_form_class(spec) for spec in SECTIONS}


def section_form(spec: SectionSpec, *args, section=None, **kwargs):
    source = section if section is not None else spec.model()
    if not args:
        kwargs.setdefault("initial", {name: getattr(source, name) for name in spec.fields})
    return SECTION_FORMS[spec.key](*args, version_of=section, **kwargs)


class ChildForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Child

    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=25,
        help_text=_("In whole years"),
        error_messages={"invalid": AGE_INVALID, "min_value": AGE_INVALID, "max_value": AGE_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    main_carer = _form_field(Child._meta.get_field("main_carer"))
    health_visitor = _form_field(Child._meta.get_field("health_visitor"))
    early_help = _form_field(Child._meta.get_field("early_help"))
    protection_plan = _form_field(Child._meta.get_field("protection_plan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(Field.text("age", field_width=2), *_layout(self, CHILD_FIELDS[1:]), submit=SAVE_CHILD)

    def values(self) -> dict:
        values = {name: self.cleaned_data.get(name) or Child._meta.get_field(name).default for name in CHILD_FIELDS[1:]}
        return {"age": self.cleaned_data.get("age"), **values}


def child_form(*args, child: Child | None = None, **kwargs) -> ChildForm:
    if not args:
        source = child or Child()
        kwargs.setdefault("initial", {name: getattr(source, name) for name in CHILD_FIELDS})
    return ChildForm(*args, version_of=child, **kwargs)
