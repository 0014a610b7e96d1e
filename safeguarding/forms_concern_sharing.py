"""Forms for sharing a safeguarding concern with the Treatment Service and withdrawing the share
(SAF-1). They check what was typed; which organisations and who may share are the services'."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from partnership.models import Organisation
from referrals.models import Consent
from safeguarding.models import ConcernShare
from safeguarding.services_concern_sharing import BASIS_REQUIRED, REASON_REQUIRED, WITHDRAWAL_REASON_REQUIRED

ORGANISATION_REQUIRED = _("Select the Treatment organisation to share the concern with")
REASON_TOO_LONG = _("The reason must be 4000 characters or fewer")
WITHDRAWAL_TOO_LONG = _("The reason must be 500 characters or fewer")


class ConcernShareForm(GovUKFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Which Treatment organisation?"),
        help_text=_("Only organisations the person's record is already shared with."),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": ORGANISATION_REQUIRED, "invalid_choice": ORGANISATION_REQUIRED},
    )
    lawful_basis = radios(Consent.LawfulBasis.choices, _("On what lawful basis?"), BASIS_REQUIRED)
    reason = notes(
        4000,
        _("Why does the Treatment Service need to know?"),
        REASON_TOO_LONG,
        required=True,
        required_message=REASON_REQUIRED,
        help_text=_("For example, the person agreed on 3 March, or a child is at risk and the prescriber must know."),
        rows=4,
    )

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        ).order_by("name")
        self.helper = helper(
            Field.radios("organisation", legend_size=Size.SMALL),
            Field.radios("lawful_basis", legend_size=Size.SMALL),
            Field.textarea("reason", max_characters=4000),
            submit=_("Share the concern"),
        )


class ConcernShareWithdrawForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = ConcernShare
    version_extra_fields = ("withdrawn_at",)

    reason = text(
        _("Why is the concern no longer shared?"),
        max_length=500,
        too_long=WITHDRAWAL_TOO_LONG,
        required=True,
        required_message=WITHDRAWAL_REASON_REQUIRED,
    )

    def __init__(self, *args, share: ConcernShare, **kwargs):
        super().__init__(*args, version_of=share, **kwargs)
        self.helper = helper(Field.text("reason"), submit=_("Stop sharing the concern"))
