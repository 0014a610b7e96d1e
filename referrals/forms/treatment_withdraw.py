"""Withdrawing a referral to the Treatment Service that is waiting to be sent, with a reason."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios
from common.forms.versions import VersionedFormMixin
from referrals.models import TreatmentReferral
from referrals.services.treatment import (
    TREATMENT_WITHDRAW_DETAIL_REQUIRED,
    TREATMENT_WITHDRAW_DETAIL_TOO_LONG,
    TREATMENT_WITHDRAW_REASON_REQUIRED,
    WITHDRAWN_DETAIL_MAX,
)


class TreatmentWithdrawForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the referral to the Treatment Service (SEC-5): someone who
    sent or withdrew it meanwhile is named, and nothing is withdrawn twice."""

    version_model = TreatmentReferral
    version_field_map = {"because": "withdrawn_because", "detail": "withdrawn_detail"}
    version_extra_fields = ("status",)

    because = radios(
        [
            (value, label)
            for value, label in TreatmentReferral.Withdrawal.choices
            if value in TreatmentReferral.WITHDRAWN_BY_HAND
        ],
        _("Why is the referral being withdrawn?"),
        TREATMENT_WITHDRAW_REASON_REQUIRED,
    )
    detail = notes(
        WITHDRAWN_DETAIL_MAX,
        _("More about why (needed for “Another reason”)"),
        TREATMENT_WITHDRAW_DETAIL_TOO_LONG,
        help_text=_("Do not include anything the person would not want written down."),
        rows=3,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("because", legend_size=Size.SMALL),
            Field.textarea("detail", max_characters=WITHDRAWN_DETAIL_MAX),
            submit=_("Withdraw the referral"),
            warning=True,
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("because") == TreatmentReferral.Withdrawal.OTHER and not (cleaned.get("detail") or "").strip():
            self.add_error("detail", forms.ValidationError(TREATMENT_WITHDRAW_DETAIL_REQUIRED, code="required"))
        return cleaned
