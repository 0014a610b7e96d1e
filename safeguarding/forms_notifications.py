"""Recording a notification to a council as sent (versioned against concurrent edits, SEC-5)."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms.errors import GovUKFormMixin
from common.forms.fields import helper, notes, radios, text
from common.forms.versions import VersionedFormMixin
from safeguarding.forms_incidents import date_field, time_field
from safeguarding.models import Notification
from safeguarding.services_notifications import SENT_HOW_REQUIRED

REFERENCE_TOO_LONG = _("The council's reference must be 60 characters or fewer")
NOTE_TOO_LONG = _("The note must be 2000 characters or fewer")


class NotificationSentForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    version_model = Notification
    version_field_map = {"sent_date": "sent_at", "sent_time": "sent_at"}

    sent_date = date_field(_("Date sent"))
    sent_time = time_field(_("Time sent"))
    sent_how = radios(Notification.How.choices, _("How was it sent?"), SENT_HOW_REQUIRED)
    council_reference = text(_("The council's reference (optional)"), max_length=60, too_long=REFERENCE_TOO_LONG)
    note = notes(2000, _("Note (optional)"), NOTE_TOO_LONG, rows=3)

    def __init__(self, *args, notification: Notification, **kwargs):
        super().__init__(*args, version_of=notification, **kwargs)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.update({"sent_date": now.strftime("%d/%m/%Y"), "sent_time": now.strftime("%H:%M")})
        self.helper = helper(
            Field.text("sent_date"),
            Field.text("sent_time"),
            Field.radios("sent_how", legend_size=Size.SMALL, small=True),
            Field.text("council_reference"),
            Field.textarea("note", max_characters=2000),
            submit=_("Record as sent"),
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        sent_at = timezone.make_aware(dt.datetime.combine(data["sent_date"], data["sent_time"]))
        return {
            "sent_at": sent_at,
            "sent_how": data["sent_how"],
            "council_reference": data.get("council_reference") or "",
            "note": data.get("note") or "",
        }
