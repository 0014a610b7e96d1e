"""Staff forms for complaints and compliments (SAF-4): recording one, changing its details
(versioned, SEC-5), naming who handles the current stage, escalating it, the written response
and closing it."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from common.audit import current_version
from common.forms.dates import GovUKDateField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import NO, YES, YES_NO, EmailAddressField, address_field, helper, notes, radios, text
from common.forms.identifiers import UKPhoneField
from common.forms.versions import VERSION_FIELD, VersionedFormMixin
from partnership.access import COMPLAINT_ROLES
from partnership.models import Hub
from safeguarding.models import Complaint, ComplaintStage

KIND_REQUIRED = _("Select whether it is a complaint or a compliment")
CHANNEL_REQUIRED = _("Select how it came in")
CATEGORY_REQUIRED = _("Select what it is about")
FROM_REQUIRED = _("Select who it is from")
RECEIVED_REQUIRED = _("Enter the date it was received")
SUMMARY_REQUIRED = _("Enter what happened")
SUMMARY_TOO_LONG = _("What happened must be 5,000 characters or fewer")
OUTCOME_WANTED_TOO_LONG = _("What would put it right must be 2,000 characters or fewer")
NAME_TOO_LONG = _("The name must be 200 characters or fewer")
REPLY_REQUIRED = _("Select whether they want a reply")
PERSON_NOT_FOUND = _("There is no person with that reference whose record you can open")
PERSON_TOO_LONG = _("A person’s reference is 10 characters, like P-7K3M9QAB")
NOTES_TOO_LONG = _("Investigation notes must be 10,000 characters or fewer")
REASON_REQUIRED = _("Enter why it is being escalated")
REASON_TOO_LONG = _("The reason must be 2,000 characters or fewer")
RESPONSE_REQUIRED = _("Enter the written response")
RESPONSE_TOO_LONG = _("The written response must be 10,000 characters or fewer")
SENT_REQUIRED = _("Enter the date the response was sent")
HOW_REQUIRED = _("Select how the response was sent")
OUTCOME_REQUIRED = _("Select the outcome")
LEARNING_TOO_LONG = _("Learning and actions must be 5,000 characters or fewer")
WITHDRAW_REASON_REQUIRED = _("Enter why the complaint was withdrawn")
HANDLER_NOT_OFFERED = _("Select a manager from the list")
STAGE_MOVED_ON = _(
    "The complaint has moved on to “%(stage)s” since this page was opened. Check who should handle it, then save."
)

SENT_HOW = [("letter", _("Letter")), ("email", _("Email")), ("in_person", _("In person, with a written copy"))]


def _manager_choices():
    """Everyone who may handle complaints (partnership.access), by surname."""
    managers = get_user_model().objects.filter(is_active=True, membership__role__in=COMPLAINT_ROLES)
    managers = managers.order_by("last_name", "first_name", "pk")
    return [("", _("Not named yet"))] + [(str(u.pk), u.get_full_name() or u.username) for u in managers]


def _chosen_handler(value):
    return get_user_model().objects.filter(pk=value).first() if value else None


class ComplaintNewForm(GovUKFormMixin, forms.Form):
    kind = radios(Complaint.Kind.choices, _("Complaint or compliment?"), KIND_REQUIRED)
    channel = radios(Complaint.Channel.choices, _("How did it come in?"), CHANNEL_REQUIRED)
    category = radios(Complaint.Category.choices, _("What is it about?"), CATEGORY_REQUIRED)
    received_on = GovUKDateField(label=_("Date received"), required_message=RECEIVED_REQUIRED, required=False)
    complainant_from = radios(Complaint.From.choices, _("Who is it from?"), FROM_REQUIRED)
    complainant_name = text(_("Their name (optional)"), max_length=200, too_long=NAME_TOO_LONG, autocomplete="off")
    complainant_phone = UKPhoneField(label=_("Phone number (optional)"))
    complainant_email = EmailAddressField(label=_("Email address (optional)"))
    complainant_address = address_field(_("Postal address (optional)"))
    wants_reply = radios(YES_NO, _("Do they want a reply?"), REPLY_REQUIRED, initial=YES)
    person_reference = text(
        _("Person’s reference (optional)"),
        max_length=12,
        too_long=PERSON_TOO_LONG,
        help_text=_("Link it to the record of someone receiving support, for example P-7K3M9QAB"),
        autocomplete="off",
        spellcheck="false",
    )
    about_hub = forms.ModelChoiceField(
        label=_("Which hub is it about? (optional)"), queryset=Hub.objects.order_by("name"), required=False
    )
    summary = notes(5000, _("What happened"), SUMMARY_TOO_LONG, required=True, required_message=SUMMARY_REQUIRED)
    desired_outcome = notes(2000, _("What would put it right (optional)"), OUTCOME_WANTED_TOO_LONG)

    layout_fields = [
        Field.radios("kind", legend_size=Size.SMALL, inline=True),
        Field.radios("channel", legend_size=Size.SMALL),
        Field.radios("category", legend_size=Size.SMALL),
        Field("received_on"),
        Field.radios("complainant_from", legend_size=Size.SMALL),
        Field.text("complainant_name", field_width=Fluid.TWO_THIRDS),
        Field.text("complainant_phone", field_width=20),
        Field.text("complainant_email", field_width=Fluid.TWO_THIRDS),
        Field.textarea("complainant_address", rows=3),
        Field.radios("wants_reply", legend_size=Size.SMALL, inline=True),
        Field.text("person_reference", field_width=10),
        Field.select("about_hub"),
        Field.textarea("summary", max_characters=5000),
        Field.textarea("desired_outcome", max_characters=2000),
    ]

    def __init__(self, *args, user, complaint: Complaint | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if complaint is not None and not self.is_bound:
            for name in ("kind", "channel", "category", "complainant_from", "summary", "desired_outcome"):
                self.initial[name] = getattr(complaint, name)
            for name in ("complainant_name", "complainant_phone", "complainant_email", "complainant_address"):
                self.initial[name] = getattr(complaint, name)
            self.initial["wants_reply"] = YES if complaint.wants_reply else NO
            self.initial["about_hub"] = complaint.about_hub_id
            self.initial["person_reference"] = complaint.person.reference if complaint.person_id else ""
            if "investigation_notes" in self.fields:
                self.initial["investigation_notes"] = complaint.investigation_notes
        self.helper = helper(*self.layout_fields, submit=_("Save"))

    def clean_person_reference(self):
        from safeguarding.selectors_complaints import person_for_complaint_link

        reference = (self.cleaned_data.get("person_reference") or "").strip().upper()
        if not reference:
            return None
        person = person_for_complaint_link(user=self.user, reference=reference)
        if person is None:
            raise forms.ValidationError(PERSON_NOT_FOUND, code="not_found")
        return person

    def service_fields(self) -> dict:
        d = self.cleaned_data
        values = {
            name: d[name]
            for name in (
                "kind",
                "channel",
                "category",
                "complainant_from",
                "complainant_name",
                "complainant_phone",
                "complainant_email",
                "complainant_address",
                "about_hub",
                "summary",
                "desired_outcome",
            )
        }
        values["wants_reply"] = d["wants_reply"] == YES
        values["person"] = d["person_reference"]
        if "investigation_notes" in d:
            values["investigation_notes"] = d["investigation_notes"]
        return values


class ComplaintForm(VersionedFormMixin, ComplaintNewForm):
    """Changing a complaint's details, its link to a person, and the investigation notes."""

    version_model = Complaint
    version_field_map = {"person_reference": "person"}
    investigation_notes = notes(10000, _("Investigation notes"), NOTES_TOO_LONG, rows=8)
    layout_fields = [*ComplaintNewForm.layout_fields, Field.textarea("investigation_notes", max_characters=10000)]

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, complaint=complaint, version_of=complaint, **kwargs)
        del self.fields["received_on"]


class EscalateForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Complaint
    version_extra_fields = ("stage", "status")
    reason = notes(
        2000, _("Why is it being escalated?"), REASON_TOO_LONG, required=True, required_message=REASON_REQUIRED
    )
    handler = forms.ChoiceField(label=_("Manager handling the next stage (optional)"), required=False)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, version_of=complaint, **kwargs)
        self.fields["handler"].choices = _manager_choices()
        self.helper = helper(
            Field.textarea("reason", max_characters=2000), Field.select("handler"), submit=_("Escalate")
        )

    def clean_handler(self):
        return _chosen_handler(self.cleaned_data.get("handler"))


class StageAssignForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """Who handles the complaint's current stage. Versioned against the stage (two managers
    naming different people at once), and carrying which stage the page was opened at: if the
    complaint was escalated meanwhile, the choice is not put on the new stage unread."""

    version_model = ComplaintStage
    handler = forms.ChoiceField(
        label=_("Manager handling this stage"),
        required=False,
        error_messages={"invalid_choice": HANDLER_NOT_OFFERED},
    )
    stage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, stage: ComplaintStage, **kwargs):
        super().__init__(*args, version_of=stage, **kwargs)
        self.current = stage
        self.fields["handler"].choices = _manager_choices()
        if not self.is_bound:
            self.initial["handler"] = str(stage.handler_id or "")
            self.initial["stage"] = stage.stage
        self.helper = helper(Field.select("handler"), submit=_("Save"))

    def clean_handler(self):
        return _chosen_handler(self.cleaned_data.get("handler"))

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("stage") != self.current.stage:
            self.add_error(None, STAGE_MOVED_ON % {"stage": self.current.get_stage_display()})
            # Saving again, having read it, names the handler of the stage it is at now.
            self.data = self.data.copy()
            self.data[self.add_prefix("stage")] = self.current.stage
            self.data[self.add_prefix(VERSION_FIELD)] = str(current_version(self.current))
        return cleaned


class ResponseDraftForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = ComplaintStage
    version_field_map = {"text": "response_text"}
    text = notes(
        10000, _("Written response"), RESPONSE_TOO_LONG, required=True, required_message=RESPONSE_REQUIRED, rows=12
    )

    def __init__(self, *args, stage: ComplaintStage, **kwargs):
        super().__init__(*args, version_of=stage, **kwargs)
        if not self.is_bound:
            self.initial["text"] = stage.response_text
        self.helper = helper(Field.textarea("text", max_characters=10000), submit=_("Save the draft"))


class ResponseApproveForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """The approve button: refused if the draft changed after the page was loaded."""

    version_model = ComplaintStage
    version_extra_fields = ("response_text",)

    def __init__(self, *args, stage: ComplaintStage, **kwargs):
        super().__init__(*args, version_of=stage, **kwargs)


class ResponseSendForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = ComplaintStage
    version_field_map = {"sent_on": "response_sent_on", "how": "response_sent_how"}
    version_extra_fields = ("response_text",)
    sent_on = GovUKDateField(label=_("Date sent"), required_message=SENT_REQUIRED)
    how = radios(SENT_HOW, _("How was it sent?"), HOW_REQUIRED)

    def __init__(self, *args, stage: ComplaintStage, **kwargs):
        super().__init__(*args, version_of=stage, **kwargs)
        self.helper = helper(Field("sent_on"), Field.radios("how", legend_size=Size.SMALL), submit=_("Record as sent"))


class CloseForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Complaint
    version_extra_fields = ("status", "stage")
    outcome = radios(Complaint.Outcome.choices, _("Outcome"), OUTCOME_REQUIRED)
    learning = notes(5000, _("Learning and actions (optional)"), LEARNING_TOO_LONG, rows=6)

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, version_of=complaint, **kwargs)
        if complaint.is_compliment:
            self.fields["outcome"].choices = [(Complaint.Outcome.SHARED, Complaint.Outcome.SHARED.label)]
        else:
            self.fields["outcome"].choices = [c for c in Complaint.Outcome.choices if c[0] != Complaint.Outcome.SHARED]
        self.helper = helper(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("learning", max_characters=5000),
            submit=_("Close"),
        )


class WithdrawForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Complaint
    version_extra_fields = ("status",)
    reason = text(
        _("Why was it withdrawn?"),
        max_length=500,
        too_long=REASON_TOO_LONG,
        required=True,
        required_message=WITHDRAW_REASON_REQUIRED,
    )

    def __init__(self, *args, complaint: Complaint, **kwargs):
        super().__init__(*args, version_of=complaint, **kwargs)
        self.helper = helper(Field.text("reason"), submit=_("Record as withdrawn"), warning=True)
