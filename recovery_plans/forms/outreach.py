"""Outreach: a contact with someone not yet known (the Tower Hamlets minimum), a session with
its hours, and linking a contact to a person later."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKTimeField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, YES_NO, helper, notes, radios
from recovery_plans.forms.contacts import DayMonthYearField, occurred_at, time_now_field
from recovery_plans.models import OutreachContact
from recovery_plans.services import outreach as services

PERSON_REFERENCE_REQUIRED = _("Enter the person’s reference")
PERSON_NOT_FOUND = _("No person you may see has this reference")


def _coded(choices, label):
    return radios(choices, label, services.OUTREACH_CODE_INVALID, required=False, initial="")


class OutreachContactForm(GovUKFormMixin, forms.Form):
    """Adds a new outreach contact; changes nothing already saved."""

    location = forms.CharField(
        label=_("Where did you meet?"),
        max_length=200,
        error_messages={
            "required": services.OUTREACH_LOCATION_REQUIRED,
            "max_length": services.OUTREACH_LOCATION_REQUIRED,
        },
    )
    occurred_date = DayMonthYearField()
    occurred_time = time_now_field()
    session = forms.ChoiceField(
        label=_("Outreach session"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": services.SESSION_NOT_YOURS},
    )
    engaged = radios(YES_NO, _("Did the person engage?"), services.OUTREACH_ENGAGED_REQUIRED)
    not_engaging_reason = _coded(OutreachContact.NotEngagingReason.choices, _("If not, why not?"))
    name = forms.CharField(label=_("Name, if given"), max_length=200, required=False)
    contact_details = forms.CharField(
        label=_("Phone or other contact details, if given"), max_length=200, required=False
    )
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=10,
        max_value=110,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), services.OUTREACH_AGE_INVALID),
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )
    age_is_perceived = forms.BooleanField(label=_("The age is my estimate"), required=False)
    gender = _coded(OutreachContact.Gender.choices, _("Gender"))
    ethnicity = _coded(OutreachContact.Ethnicity.choices, _("Ethnicity"))
    substance = _coded(OutreachContact.Substance.choices, _("Substance"))
    housing = _coded(OutreachContact.Housing.choices, _("Housing status"))
    known_to_treatment = _coded(OutreachContact.KnownToTreatment.choices, _("Known to treatment?"))
    referral_made = radios(
        OutreachContact.ReferralMade.choices,
        _("Referral made"),
        services.OUTREACH_CODE_INVALID,
        initial=OutreachContact.ReferralMade.NONE,
    )
    note = notes(2000, _("Note (optional)"), _("The note must be 2,000 characters or fewer"), rows=3)

    def __init__(self, *args, sessions=(), **kwargs):
        """``sessions``: the outreach sessions this contact may belong to (the user's recent ones)."""
        super().__init__(*args, **kwargs)
        self.sessions = {str(session.pk): session for session in sessions}
        self.fields["session"].choices = [("", _("Not during a session"))] + [
            (pk, f"{s.area}, {s.date:%d/%m/%Y} {s.started_at:%H:%M} to {s.ended_at:%H:%M}")
            for pk, s in self.sessions.items()
        ]
        self.fields["session"].initial = next(iter(self.sessions), "")
        small = {"legend_size": Size.SMALL, "small": True}
        self.helper = helper(
            *([Field.radios("session", **small)] if self.sessions else []),
            Field.text("location"),
            Field.text("occurred_date"),
            Field.text("occurred_time"),
            Field.radios("engaged", inline=True, legend_size=Size.SMALL),
            Field.radios("not_engaging_reason", **small),
            Field.text("name"),
            Field.text("contact_details"),
            Field.text("age"),
            Field.checkbox("age_is_perceived", small=True),
            Field.radios("gender", **small),
            Field.radios("ethnicity", **small),
            Field.radios("substance", **small),
            Field.radios("housing", **small),
            Field.radios("known_to_treatment", **small),
            Field.radios("referral_made", **small),
            Field.textarea("note", max_characters=2000),
            submit=_("Save outreach contact"),
        )

    def clean(self):
        data = super().clean()
        occurred_at(data)
        if "engaged" in data:
            data["engaged"] = {YES: True, NO: False}.get(data["engaged"])
        data["session"] = self.sessions.get(data.get("session") or "")
        return data


class OutreachSessionForm(GovUKFormMixin, forms.Form):
    """Adds a new outreach session."""

    area = forms.CharField(
        label=_("Area or location"),
        max_length=200,
        error_messages={"required": services.SESSION_AREA_REQUIRED, "max_length": services.SESSION_AREA_REQUIRED},
    )
    date = DayMonthYearField()
    started_at = GovUKTimeField(label=_("Start time"))
    ended_at = GovUKTimeField(label=_("End time"))
    workers = forms.MultipleChoiceField(
        label=_("Who else was there? (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": services.SESSION_WORKER_INVALID},
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        """``colleagues``: staff of the user's hub who do outreach, to name as its other workers."""
        super().__init__(*args, **kwargs)
        self.colleagues = {str(user.pk): user for user in colleagues}
        self.fields["workers"].choices = [
            (pk, user.get_full_name() or user.get_username()) for pk, user in self.colleagues.items()
        ]
        self.helper = helper(
            Field.text("area"),
            Field.text("date"),
            Field.text("started_at"),
            Field.text("ended_at"),
            *([Field.checkboxes("workers", legend_size=Size.SMALL, small=True)] if self.colleagues else []),
            submit=_("Save session"),
        )

    def clean_workers(self):
        return [self.colleagues[pk] for pk in self.cleaned_data["workers"]]


class LinkPersonForm(GovUKFormMixin, forms.Form):
    """Links an outreach contact not yet linked; the service refuses once it is linked."""

    person_ref = forms.CharField(
        label=_("The person’s reference"),
        max_length=12,
        help_text=_("From their record, for example P-7KQ2M9XD"),
        error_messages={"required": PERSON_REFERENCE_REQUIRED, "max_length": PERSON_NOT_FOUND},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_ref"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}
        )
        self.helper = helper(Field.text("person_ref"), submit=_("Link to this person"))
