"""Communication needs (§3.2.8, §3.19.6), asked on the public form and on staff intake.

Coded, so the reports can count them, with the interpreter's language and "something else"
in words. The public form speaks to the person ("you"); staff intake about them. Every
message is a constant (gettext), so the Polish page shows Polish messages.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.fields import text
from referrals.models import CommunicationNeed, Referral

LANGUAGE_MAX = Referral._meta.get_field("interpreter_language").max_length  # 100
OTHER_MAX = Referral._meta.get_field("communication_needs_other").max_length  # 500

COMMUNICATION_NEEDS_INVALID = _("Select communication needs from the list")
INTERPRETER_LANGUAGE_REQUIRED = _("Enter the language the interpreter needs to speak")
INTERPRETER_LANGUAGE_TOO_LONG = _("The language must be 100 characters or fewer")
INTERPRETER_LANGUAGE_WITHOUT_NEED = _("Select ‘An interpreter’, or remove the language")
OTHER_NEED_REQUIRED = _("Describe the other communication need")
OTHER_NEED_TOO_LONG = _("The other communication need must be 500 characters or fewer")
OTHER_NEED_WITHOUT_CHOICE = _("Select ‘Something else’, or remove the description")


def communication_fields(*, public: bool) -> dict[str, forms.Field]:
    """The three fields, worded for the person (``public``) or for staff."""
    return {
        "communication_needs": forms.MultipleChoiceField(
            label=_("Do you need any help to communicate with us? (optional)")
            if public
            else _("Does the person need any help to communicate? (optional)"),
            help_text=_("Select all that apply"),
            choices=CommunicationNeed.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": COMMUNICATION_NEEDS_INVALID, "invalid_list": COMMUNICATION_NEEDS_INVALID},
        ),
        "interpreter_language": text(
            _("Which language should the interpreter speak?"),
            max_length=LANGUAGE_MAX,
            too_long=INTERPRETER_LANGUAGE_TOO_LONG,
            help_text=_("Needed if you selected an interpreter"),
        ),
        "communication_needs_other": text(
            _("What other help do you need to communicate?")
            if public
            else _("What other help does the person need to communicate?"),
            max_length=OTHER_MAX,
            too_long=OTHER_NEED_TOO_LONG,
            help_text=_("Needed if you selected ‘Something else’"),
        ),
    }


def clean_communication(form: forms.Form, data: dict) -> None:
    """The language for an interpreter, and words for "something else", each with its choice."""
    needs = set(data.get("communication_needs") or [])
    language = (data.get("interpreter_language") or "").strip()
    other = (data.get("communication_needs_other") or "").strip()
    if "interpreter_language" in data:
        if CommunicationNeed.INTERPRETER in needs and not language:
            form.add_error("interpreter_language", INTERPRETER_LANGUAGE_REQUIRED)
        elif language and CommunicationNeed.INTERPRETER not in needs and "communication_needs" not in form.errors:
            form.add_error("interpreter_language", INTERPRETER_LANGUAGE_WITHOUT_NEED)
    if "communication_needs_other" in data:
        if CommunicationNeed.OTHER in needs and not other:
            form.add_error("communication_needs_other", OTHER_NEED_REQUIRED)
        elif other and CommunicationNeed.OTHER not in needs and "communication_needs" not in form.errors:
            form.add_error("communication_needs_other", OTHER_NEED_WITHOUT_CHOICE)


def communication_data(data: dict) -> dict:
    """The cleaned answers as the Referral stores them."""
    return {
        "communication_needs": [
            need for need in CommunicationNeed.values if need in (data["communication_needs"] or [])
        ],
        "interpreter_language": data["interpreter_language"].strip(),
        "communication_needs_other": data["communication_needs_other"].strip(),
    }
