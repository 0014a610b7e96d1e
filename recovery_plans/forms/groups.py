"""Groups, their sessions and attendance (PLN-6)."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKTimeField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, radios
from recovery_plans.forms.contacts import DayMonthYearField
from recovery_plans.forms.outreach import PERSON_NOT_FOUND, PERSON_REFERENCE_REQUIRED
from recovery_plans.models import Attendance, Group
from recovery_plans.services import groups as services


class GroupForm(GovUKFormMixin, forms.Form):
    """Sets up a new group."""

    name = forms.CharField(
        label=_("Name of the group"),
        max_length=200,
        error_messages={"required": services.GROUP_NAME_REQUIRED, "max_length": services.GROUP_NAME_REQUIRED},
    )
    kind = radios(Group.Kind.choices, _("Kind of group"), services.GROUP_KIND_REQUIRED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("name"), Field.radios("kind", legend_size=Size.SMALL, small=True), submit=_("Set up group")
        )


class GroupSessionForm(GovUKFormMixin, forms.Form):
    """Adds a new session to a group."""

    date = DayMonthYearField()
    time = GovUKTimeField(label=_("Start time"))
    duration_minutes = forms.IntegerField(
        label=_("How long, in minutes"),
        initial=60,
        min_value=1,
        max_value=720,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), services.SESSION_DURATION_INVALID
        ),
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.text("date"), Field.text("time"), Field.text("duration_minutes"), submit=_("Add session")
        )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return data


class AttendanceForm(GovUKFormMixin, forms.Form):
    """Adds attendance for a person not yet recorded at the session; the service refuses a
    second record for the same person."""

    person_ref = forms.CharField(
        label=_("The person’s reference"),
        max_length=12,
        error_messages={"required": PERSON_REFERENCE_REQUIRED, "max_length": PERSON_NOT_FOUND},
    )
    outcome = radios(
        Attendance.Outcome.choices, _("Attendance"), services.ATTENDANCE_REQUIRED, initial=Attendance.Outcome.ATTENDED
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_ref"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}
        )
        self.helper = helper(
            Field.text("person_ref"),
            Field.radios("outcome", legend_size=Size.SMALL, small=True),
            submit=_("Record attendance"),
        )
