"""A GOV.UK form built from any instrument definition (ASM-5): one set of radios per item,
labelled with the question and its number, each option's label as the answer. An unanswered
item gets its own message (the same one the scorer gives), and a form sent back with errors
keeps every answer already chosen. The score is never a field: it is computed from the
answers, and a valid form carries it as ``form.result``."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.instruments.schema import Definition
from assessments.instruments.scoring import Result, missing_message, score
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, radios

SAVE_READING = _("Save reading")


class InstrumentForm(GovUKFormMixin, forms.Form):
    definition: Definition
    result: Result | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        definition = self.definition
        for number, item in enumerate(definition.items, start=1):
            self.fields[item.id] = radios(
                [(option.value, option.label) for option in item.options],
                f"{number}. {item.text}",
                missing_message(item, number),
                required=item.required,
                help_text=item.hint or None,
            )
        self.helper = helper(
            *(Field.radios(item.id, legend_size=Size.SMALL, small=True) for item in definition.items),
            submit=SAVE_READING,
        )

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors:
            answers = {name: value for name, value in cleaned_data.items() if value}
            self.result = score(self.definition, answers)
            # The fields already refuse anything the scorer would; this keeps the two honest.
            for problem in self.result.problems:
                self.add_error(problem.item if problem.item in self.fields else None, problem.message)
        return cleaned_data


def instrument_form_class(definition: Definition) -> type[InstrumentForm]:
    """A form class for the definition (a class, so views and formtools can instantiate it)."""
    name = "".join(part.capitalize() for part in definition.id.replace("_", "-").split("-")) + "Form"
    # Named as a class defined in this function would be: made per definition, on demand.
    qualname = f"instrument_form_class.<locals>.{name}"
    return type(name, (InstrumentForm,), {"definition": definition, "__qualname__": qualname})


def instrument_form(definition: Definition, *args, **kwargs) -> InstrumentForm:
    """``instrument_form(definition, request.POST or None, initial=carried_answers(...))``."""
    return instrument_form_class(definition)(*args, **kwargs)
