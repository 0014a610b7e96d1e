"""The council-of-residence question, asked by staff when the postcode cannot tell
(``referrals.places``): Cumberland, Westmorland and Furness, outside the area, or not known."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from partnership.models import Council

NOT_KNOWN = "not_known"


class CouncilField(forms.ChoiceField):
    """Radios of the councils, "outside the area" and "not known"; "not known" cleans to ""."""

    widget = forms.RadioSelect

    def __init__(self, *, required_message, **kwargs):
        kwargs.setdefault("choices", [*Council.choices, (NOT_KNOWN, _("Not known"))])
        kwargs.setdefault("error_messages", {"required": required_message, "invalid_choice": required_message})
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return "" if value == NOT_KNOWN else value


def council_field(label, required_message, *, required=True, help_text=None) -> CouncilField:
    return CouncilField(label=label, required=required, required_message=required_message, help_text=help_text)
