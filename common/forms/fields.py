"""Builders for the plain fields every form has: text boxes, radios, notes, names, and the
crispy-forms-gds helper with its buttons. Forms call these instead of repeating the options."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

NAME_NEEDS_A_LETTER = _("Names must include at least one letter")
EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")
EMAIL_TOO_LONG = _("Email address must be 254 characters or fewer")
ADDRESS_TOO_LONG = _("Address must be 500 characters or fewer")

# Yes/no radios whose answer is a boolean in the service's terms.
YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]

EMAIL_MAX_LENGTH = 254
ADDRESS_MAX_LENGTH = 500


class TextField(forms.CharField):
    """Text with its own "too long" message, new lines counted once (a browser sends a line
    break as two characters; the character count shows one), and no maxlength attribute: a
    browser would cut pasted text silently instead of saying so (SEC-4)."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


def text(
    label,
    *,
    max_length: int,
    too_long,
    required: bool = False,
    required_message=None,
    help_text="",
    widget=None,
    **attrs,
) -> TextField:
    """A text box; ``attrs`` go on the input (autocomplete, spellcheck, inputmode...)."""
    messages = {"max_length": too_long}
    if required_message:
        messages["required"] = required_message
    field = TextField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages=messages,
        help_text=help_text,
        **({"widget": widget} if widget is not None else {}),
    )
    field.widget.attrs.update(attrs)
    return field


class EmailAddressField(forms.EmailField):
    """An email address, optional unless told, with GOV.UK messages."""

    def __init__(self, *, required=False, autocomplete="off", **kwargs):
        messages = {"invalid": EMAIL_INVALID, "max_length": EMAIL_TOO_LONG, **kwargs.pop("error_messages", {})}
        kwargs.setdefault("widget", forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}))
        super().__init__(required=required, max_length=EMAIL_MAX_LENGTH, error_messages=messages, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


def address_field(label=None, *, help_text="", autocomplete="off") -> TextField:
    """A postal address in a textarea (the postcode is its own field)."""
    return text(
        label or _("Address (optional)"),
        max_length=ADDRESS_MAX_LENGTH,
        too_long=ADDRESS_TOO_LONG,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": autocomplete}),
    )


# crispy-forms-gds 2.0.1 reads widget.attrs["aria-describedby"] for a character count without
# checking it exists (KeyError when the field has no hint): every counted textarea starts with
# an empty one, which the template tag then fills in.
def notes(max_length: int, label, too_long, *, required=False, required_message=None, help_text=None, rows=4):
    """A counted textarea (use with ``Field.textarea(name, max_characters=max_length)``)."""
    messages = {"max_length": too_long}
    if required_message:
        messages["required"] = required_message
    return TextField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "aria-describedby": ""}),
        error_messages=messages,
        help_text=help_text,
    )


def radios(choices, label, required_message, *, required=True, help_text=None, initial=None) -> forms.ChoiceField:
    """Radios with one message for "nothing chosen" and "not one of the choices"."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": required_message, "invalid_choice": required_message},
        help_text=help_text,
        initial=initial,
    )


def clean_person_name(value: str) -> str:
    """Any script, accents, hyphens and apostrophes ("Siân Ó Briain-Nakamura"); but a name has
    at least one letter in it. Runs of spaces become one."""
    value = " ".join((value or "").split())
    if value and not any(c.isalpha() for c in value):
        raise ValidationError(NAME_NEEDS_A_LETTER, code="name_letter")
    return value


class PersonNameField(TextField):
    """A name as the person writes it (see ``clean_person_name``); no autocomplete, as staff
    type other people's names, and no spellcheck, which would "correct" them."""

    def __init__(self, *, max_length: int, too_long, required_message=None, required=True, **kwargs):
        messages = {"max_length": too_long, **({"required": required_message} if required_message else {})}
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(max_length=max_length, required=required, error_messages=messages, **kwargs)

    def clean(self, value):
        return clean_person_name(super().clean(value))


def required_text(value: str, message) -> str:
    """Stripped text, refused when only spaces were typed."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code="required")
    return value


def heading(text_) -> HTML:
    # Built when the form is made, i.e. in the language of the request, and escaped.
    return HTML(format_html('<h2 class="govuk-heading-m">{}</h2>', text_))


def paragraph(text_) -> HTML:
    return HTML(format_html('<p class="govuk-body">{}</p>', text_))


def helper(*layout, submit, secondary: tuple[str, str] | None = None, warning: bool = False) -> FormHelper:
    """A posted, ``novalidate`` form with its buttons in a GOV.UK button group."""
    form_helper = FormHelper()
    form_helper.form_tag = True
    form_helper.form_method = "post"
    form_helper.attrs = {"novalidate": ""}
    # Hidden fields the layout does not name still go in: the version an edit form was loaded
    # from (SEC-5, ``common.forms.versions``) is added to every edit form this way.
    form_helper.render_hidden_fields = True
    buttons = [Button.warning("save", submit) if warning else Button.primary("save", submit)]
    if secondary:
        buttons.append(Button.secondary(secondary[0], secondary[1]))
    form_helper.layout = Layout(*layout, HTML('<div class="govuk-button-group">'), *buttons, HTML("</div>"))
    return form_helper
