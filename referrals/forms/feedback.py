"""The person's feedback on their experience of the single point of contact (§3.2.9)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios
from common.forms.versions import VersionedFormMixin
from referrals.models import ReferralFeedback
from referrals.services.feedback import (
    FEEDBACK_COMMENT_MAX,
    FEEDBACK_COMMENT_TOO_LONG,
    FEEDBACK_SATISFACTION_REQUIRED,
)


class FeedbackForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Built with ``version_of=`` the feedback, None before there is any (SEC-5)."""

    version_model = ReferralFeedback

    satisfaction = radios(
        ReferralFeedback.Satisfaction.choices,
        _("How satisfied was the person with how we responded to their referral?"),
        FEEDBACK_SATISFACTION_REQUIRED,
        help_text=_("Ask in the person’s own time. They do not have to answer."),
    )
    comment = notes(FEEDBACK_COMMENT_MAX, _("What did the person say? (optional)"), FEEDBACK_COMMENT_TOO_LONG)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("satisfaction", legend_size=Size.SMALL),
            Field.textarea("comment", max_characters=FEEDBACK_COMMENT_MAX),
            submit=_("Save feedback"),
        )
