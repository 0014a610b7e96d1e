"""The first-appointment form (REF-9): when it was offered, and whether the person attended.

The date and time fields and the error summary come from the toolkit (common.forms), the
"not before the referral was received" check from the triage forms; the rules themselves are
``services``' messages, so the form and the service say the same thing.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import ConditionalRadios, Field, Fixed, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.dates import GovUKDateField, GovUKTimeField
from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, radios
from common.forms.versions import VersionedFormMixin
from referrals import rules
from referrals.forms.triage import TriageConditionalQuestion, WhenMixin
from referrals.models import Referral
from referrals.services.allocation import (
    ATTENDED_BEFORE_OFFERED,
    ATTENDED_IN_FUTURE,
    OFFERED_BEFORE_RECEIVED,
    OFFERED_IN_FUTURE,
    local_date_time,
)

ATTENDED_YES = "yes"
ATTENDED_NOT_YET = "not_yet"
DID_NOT_ATTEND = "did_not_attend"
ATTENDED_CHOICES = [
    (ATTENDED_YES, _("Yes")),
    (ATTENDED_NOT_YET, _("Not yet")),
    (DID_NOT_ATTEND, _("No, they did not attend")),
]

ATTENDED_REQUIRED = _("Select whether the person has attended their first appointment")
ATTENDED_DATE_REQUIRED = _("Enter the date the person attended")
ATTENDED_TIME_REQUIRED = _("Enter the time the person attended")

ATTENDED_FIELDS = ("attended_date", "attended_time")


def _combine(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None or time is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time))


class FirstAppointmentForm(VersionedFormMixin, GovUKFormMixin, WhenMixin, forms.Form):
    """``cleaned_data["when"]`` is when the offer was made; ``cleaned_data["attended_at"]``
    when the person attended, or None."""

    version_model = Referral

    conditional_radio_fields = ("attended",)
    # Recording again replaces what is saved: refused if someone else saved since (SEC-5).
    version_field_map = {"when_date": "first_appointment_offered_at", "attended_date": "first_appointment_attended_at"}
    when_label_date = _("Date the first appointment was offered")
    when_label_time = _("Time it was offered")
    before_received_message = OFFERED_BEFORE_RECEIVED

    attended = radios(ATTENDED_CHOICES, _("Has the person attended their first appointment?"), ATTENDED_REQUIRED)

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, version_of=referral, **kwargs)
        self.referral = referral
        if not self.is_bound:
            # Recording again starts from what is saved (REF-9 keeps the first offer's time).
            self._initial_from(referral)
        self._init_when()
        self.fields["attended_date"] = GovUKDateField(
            label=_("Date they attended"), required=False, help_text=_("For example, 27 3 2026")
        )
        self.fields["attended_time"] = GovUKTimeField(label=_("Time they attended"), required=False)
        self.order_fields(["when_date", "when_time", "attended", "attended_date", "attended_time"])

        # ConditionalQuestion matches choices by label: plain strings in this request's language.
        choices = [(value, str(label)) for value, label in ATTENDED_CHOICES]
        self.fields["attended"].choices = choices
        questions = [
            TriageConditionalQuestion(
                label,
                *(
                    [Field("attended_date"), Field.text("attended_time", field_width=Fixed.FIVE)]
                    if value == ATTENDED_YES
                    else []
                ),
            )
            for value, label in choices
        ]
        self.helper = helper(
            Field("when_date"),
            Field.text("when_time", field_width=Fixed.FIVE),
            ConditionalRadios("attended", *questions),
            submit=_("Save first appointment"),
        )
        self.helper.legend_size = Size.SMALL

    def _initial_from(self, referral: Referral) -> None:
        offered, attended = referral.first_appointment_offered_at, referral.first_appointment_attended_at
        if offered is not None:
            local = timezone.localtime(offered)
            self.initial.setdefault("when_date", local.date())
            self.initial.setdefault("when_time", local.strftime("%H:%M"))
        if attended is not None:
            local = timezone.localtime(attended)
            self.initial.setdefault("attended", ATTENDED_YES)
            self.initial.setdefault("attended_date", local.date())
            self.initial.setdefault("attended_time", local.strftime("%H:%M"))

    def _future_field(self, day: dt.date, date_field: str, time_field: str) -> str:
        # Today's date is right, so the time must be what is wrong.
        return time_field if day == timezone.localdate() else date_field

    def clean(self):
        cleaned_data = super().clean()
        offered = self._clean_offered(cleaned_data)
        cleaned_data["attended_at"] = None
        if cleaned_data.get("attended") == ATTENDED_YES:
            cleaned_data["attended_at"] = self._clean_attended(cleaned_data, offered)
        else:
            # Anything typed under "Yes" and then left behind does not count, nor its errors.
            for name in ATTENDED_FIELDS:
                self._errors.pop(name, None)
                cleaned_data.pop(name, None)
        return cleaned_data

    def _clean_offered(self, cleaned_data: dict) -> dt.datetime | None:
        day = cleaned_data.get("when_date")
        offered = _combine(day, cleaned_data.get("when_time"))
        if offered is None:
            return None
        if offered > timezone.now() + rules.CLOCK_GRACE:
            self.add_error(self._future_field(day, "when_date", "when_time"), OFFERED_IN_FUTURE)
            return None
        # WhenMixin: not before the referral was received; sets cleaned_data["when"].
        return self._clean_when(cleaned_data)

    def _clean_attended(self, cleaned_data: dict, offered: dt.datetime | None) -> dt.datetime | None:
        for name, message in (("attended_date", ATTENDED_DATE_REQUIRED), ("attended_time", ATTENDED_TIME_REQUIRED)):
            if name not in self._errors and cleaned_data.get(name) is None:
                self.add_error(name, message)
        day = cleaned_data.get("attended_date")
        attended = _combine(day, cleaned_data.get("attended_time"))
        if attended is None:
            return None
        if attended > timezone.now() + rules.CLOCK_GRACE:
            self.add_error(self._future_field(day, "attended_date", "attended_time"), ATTENDED_IN_FUTURE)
            return None
        if offered is not None and attended < offered:
            field = "attended_time" if day == timezone.localtime(offered).date() else "attended_date"
            self.add_error(field, ATTENDED_BEFORE_OFFERED % {"offered": local_date_time(offered)})
            return None
        return attended
