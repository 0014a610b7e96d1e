"""What complaints and compliments add to the person record (the issue 9 contract,
referrals/person_record_discovery.py): a timeline source (PLN-7), one query, newest first.

A complaint or compliment is on a person's timeline once a manager has linked it to their record
(the public form never links one), dated when it was received, with where it is now (its stage
and status, or its outcome) before what was said. Only those who handle complaints see the source at all
(``partnership.access.handles_complaints``); for everyone else the timeline has no complaints,
not even that one exists. Each event links to the complaint's page, which only they may open.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.access import handles_complaints
from partnership.models import staff_display_name
from safeguarding.models import Complaint


def _where_it_is(complaint: Complaint) -> str:
    if complaint.status in (Complaint.Status.CLOSED, Complaint.Status.WITHDRAWN) and complaint.outcome:
        return _("%(status)s: %(outcome)s") % {
            "status": complaint.get_status_display(),
            "outcome": complaint.get_outcome_display().lower(),
        }
    if complaint.status in (Complaint.Status.CLOSED, Complaint.Status.WITHDRAWN) or complaint.is_compliment:
        return complaint.get_status_display()
    return _("%(stage)s, %(status)s") % {
        "stage": complaint.get_stage_display(),
        "status": complaint.get_status_display().lower(),
    }


def complaint_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = Complaint.objects.filter(person=person).select_related("recorded_by")
    if before is not None:
        rows = rows.filter(received_at__lt=before)
    return [
        {
            "at": row.received_at,
            "kind": "complaint",
            "kind_label": row.get_kind_display(),
            # The title names the entry in the chronology's marks, so it holds nothing that
            # changes as the complaint moves on; where it is now goes in the summary.
            "title": _("%(kind)s received: %(category)s")
            % {"kind": row.get_kind_display(), "category": row.get_category_display().lower()},
            "summary": _("%(where)s. %(summary)s") % {"where": _where_it_is(row), "summary": row.summary},
            "by": staff_display_name(row.recorded_by),
            "href": reverse("safeguarding:complaint", kwargs={"complaint_ref": row.reference}),
            "sensitive": True,
        }
        for row in rows.order_by("-received_at", "-pk")[:limit]
    ]


TIMELINE = [
    {
        "key": "complaints",
        "label": gettext_lazy("Complaints and compliments"),
        "visible": handles_complaints,
        "events": complaint_events,
    },
]
