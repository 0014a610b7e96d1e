"""The public complaints and compliments form (SAF-4, §3.17.1: "clear, accessible ... available
in multiple formats, including online"): no sign-in, plain English, translatable like the
self-referral form (every message is a gettext constant, so the Polish page says it in Polish).

One page, as the self-referral form: what happened, what would put it right, and how to reply.
A reply is optional (someone may want only to tell us); when one is wanted we need a name and
one way to send it.
"""

from __future__ import annotations

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, EmailAddressField, address_field, text
from common.forms.identifiers import UKPhoneField
from safeguarding.models import Complaint

KIND_REQUIRED = _("Select whether you want to make a complaint or pay a compliment")
FROM_REQUIRED = _("Select who you are")
CATEGORY_REQUIRED = _("Select what it is about")
SUMMARY_REQUIRED = _("Tell us what happened")
SUMMARY_TOO_LONG = _("What happened must be 5,000 characters or fewer")
OUTCOME_TOO_LONG = _("What you would like us to do must be 2,000 characters or fewer")
REPLY_REQUIRED = _("Select whether you would like a reply")
NAME_REQUIRED = _("Enter your name, so we can reply to you")
NAME_TOO_LONG = _("Your name must be 200 characters or fewer")
CONTACT_REQUIRED = _("Enter a phone number, an email address or a postal address, so we can reply to you")

KIND_CHOICES = [
    (Complaint.Kind.COMPLAINT, _("Make a complaint")),
    (Complaint.Kind.COMPLIMENT, _("Pay a compliment")),
]
FROM_CHOICES = [
    (Complaint.From.PERSON_SUPPORTED, _("I get support from the service, or used to")),
    (Complaint.From.FAMILY, _("I am a family member, friend or carer of someone who gets support")),
    (Complaint.From.ADVOCATE, _("I am an advocate or representative for someone")),
    (Complaint.From.PUBLIC, _("Someone else, for example a neighbour or a member of the public")),
]
REPLY_CHOICES = [(YES, _("Yes")), (NO, _("No, I just want to tell you"))]


def _radios(choices, label, message, help_text=None) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class PublicComplaintForm(GovUKFormMixin, forms.Form):
    submission_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Honeypot, as on the self-referral form: drawn by the page template, never by people.
    homepage = forms.CharField(required=False, label=_("Leave this box empty"))
    error_summary_skip = ("homepage",)

    kind = _radios(KIND_CHOICES, _("What would you like to do?"), KIND_REQUIRED)
    complainant_from = _radios(FROM_CHOICES, _("Who are you?"), FROM_REQUIRED)
    category = _radios(Complaint.Category.choices, _("What is it about?"), CATEGORY_REQUIRED)
    summary = text(
        _("Tell us what happened"),
        max_length=5000,
        too_long=SUMMARY_TOO_LONG,
        required=True,
        required_message=SUMMARY_REQUIRED,
        help_text=_("Include when and where it happened, and the names of anyone involved if you know them."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    desired_outcome = text(
        _("What would you like us to do? (optional)"),
        max_length=2000,
        too_long=OUTCOME_TOO_LONG,
        help_text=_("For example, an apology, an explanation, or a change to how we do things."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wants_reply = _radios(REPLY_CHOICES, _("Would you like a reply?"), REPLY_REQUIRED)
    complainant_name = text(
        _("Your name"), max_length=200, too_long=NAME_TOO_LONG, autocomplete="name", spellcheck="false"
    )
    complainant_phone = UKPhoneField(
        label=_("Phone number (optional)"), widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    complainant_email = EmailAddressField(label=_("Email address (optional)"), autocomplete="email")
    complainant_address = address_field(_("Postal address (optional)"), autocomplete="street-address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not _is_uuid(self.data.get("submission_token")):
            self.data = self.data.copy()
            self.data["submission_token"] = str(uuid.uuid4())
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page writes the <form>, with the honeypot
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("submission_token"),
            Field.radios("kind", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.radios("complainant_from", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.radios("category", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field("summary", template="referrals/public/fields/character_count.html"),
            Field("desired_outcome", template="referrals/public/fields/character_count.html"),
            Fieldset(
                Field.radios("wants_reply", legend_size=Size.SMALL, inline=True),
                Field.text("complainant_name", field_width=Fluid.TWO_THIRDS),
                Field.text("complainant_phone", field_width=20),
                Field.text("complainant_email", field_width=Fluid.TWO_THIRDS),
                Field.textarea("complainant_address", rows=3),
                legend=_("Your details"),
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
        )

    def clean_submission_token(self) -> uuid.UUID:
        return uuid.UUID(self.cleaned_data["submission_token"])

    def clean(self):
        data = super().clean()
        if data.get("wants_reply") == YES:
            if "complainant_name" in data and not data["complainant_name"].strip():
                self.add_error("complainant_name", NAME_REQUIRED)
            ways = ("complainant_phone", "complainant_email", "complainant_address")
            if all(name in data for name in ways) and not any(data[name] for name in ways):
                self.add_error("complainant_phone", CONTACT_REQUIRED)
        return data

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("homepage") or "").strip())

    def complaint_data(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"],
            "complainant_from": d["complainant_from"],
            "category": d["category"],
            "summary": d["summary"],
            "desired_outcome": d["desired_outcome"],
            "wants_reply": d["wants_reply"] == YES,
            "complainant_name": d["complainant_name"].strip(),
            "complainant_phone": d["complainant_phone"],
            "complainant_email": d["complainant_email"],
            "complainant_address": d["complainant_address"],
            "preferred_language": (get_language() or "")[:10],
        }
