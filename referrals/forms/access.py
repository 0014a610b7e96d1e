"""Forms for restricting a referral and breaking the glass on one (SEC-1).

One field each: a reason, required, with its length checked here and again by the service.
"""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper
from common.forms.versions import VersionedFormMixin
from referrals.models import Referral
from referrals.services.access import (
    BREAK_GLASS_REASON_MAX,
    BREAK_GLASS_REASON_REQUIRED,
    RESTRICT_REASON_REQUIRED,
    RESTRICTION_REASON_MAX,
    UNRESTRICT_REASON_MAX,
    UNRESTRICT_REASON_REQUIRED,
)

REASON_TOO_LONG = _("The reason must be %(max)s characters or fewer")


class AccessReasonForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label, hint, required_message, max_length: int, submit, warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = hint
        field.max_length = max_length
        field.validators.append(MaxLengthValidator(max_length))
        field.error_messages.update({"required": required_message, "max_length": REASON_TOO_LONG % {"max": max_length}})
        self.helper = helper(
            Field.textarea("reason", max_characters=max_length, label_size=Size.SMALL), submit=submit, warning=warning
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


class RestrictionReasonForm(VersionedFormMixin, AccessReasonForm):
    """Restrict or lift, built with ``version_of=`` the referral: refused when someone else
    restricted or lifted after the page was opened (SEC-5)."""

    version_model = Referral

    version_extra_fields = ("access_restricted",)


def break_glass_form(data=None) -> AccessReasonForm:
    return AccessReasonForm(
        data,
        label=_("Why do you need to open this referral?"),
        hint=_(
            "Be specific, for example “Person phoned the duty line in crisis and their worker is on leave”. "
            "Your name, the time and this reason are recorded and shown to the allocated worker."
        ),
        required_message=BREAK_GLASS_REASON_REQUIRED,
        max_length=BREAK_GLASS_REASON_MAX,
        submit=_("Open the referral"),
        warning=True,
    )


def restrict_form(data=None, *, referral) -> RestrictionReasonForm:
    return RestrictionReasonForm(
        data,
        version_of=referral,
        label=_("Why should access be restricted?"),
        hint=_("For example, the person is a member of staff or a relative of one."),
        required_message=RESTRICT_REASON_REQUIRED,
        max_length=RESTRICTION_REASON_MAX,
        submit=_("Restrict access"),
    )


def unrestrict_form(data=None, *, referral) -> RestrictionReasonForm:
    return RestrictionReasonForm(
        data,
        version_of=referral,
        label=_("Why is the restriction being lifted?"),
        hint=_("This is kept in the referral's history."),
        required_message=UNRESTRICT_REASON_REQUIRED,
        max_length=UNRESTRICT_REASON_MAX,
        submit=_("Lift the restriction"),
    )
