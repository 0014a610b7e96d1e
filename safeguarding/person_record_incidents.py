"""What incidents and notifications to councils add to the person record (the issue 9 contract,
referrals/person_record_discovery.py): timeline sources, one query each, so the chronology (built
from the timeline, SAF-2) has the serious incidents, deaths, overdoses, data-security incidents
and council notifications about the person.

Seen by those who see safeguarding detail (never peer workers or volunteers, nor another
organisation); each event links to the incident's page for the lead and the managers, who may
open it, and to nothing for anyone else.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.access import sees_council_notifications, sees_incidents, sees_safeguarding_detail
from partnership.models import staff_display_name
from safeguarding.models import DataSecurityIncident, DeathInService, NonFatalOverdose, Notification, SeriousIncident


def _visible(user) -> bool:
    return sees_safeguarding_detail(user)


def _rows(model, *, person, field: str, before: dt.datetime | None, limit: int, related=("recorded_by",)):
    rows = model.objects.filter(person=person).select_related(*related)
    if before is not None:
        rows = rows.filter(**{f"{field}__lt": before})
    return rows.order_by(f"-{field}", "-pk")[:limit]


def _href(user, slug: str, record) -> str | None:
    if not sees_incidents(user):
        return None
    return reverse("safeguarding:incident", kwargs={"kind": slug, "record_ref": record.reference})


def _event(*, at, kind, kind_label, title, summary, by, href) -> dict:
    return {
        "at": at,
        "kind": kind,
        "kind_label": kind_label,
        "title": title,
        "summary": summary,
        "by": by,
        "href": href,
        "sensitive": True,
    }


def serious_incident_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    return [
        _event(
            at=row.occurred_at,
            kind="serious_incident",
            kind_label=_("Incident"),
            title=f"{row.get_seriousness_display()}: {row.get_incident_type_display()}",
            summary=row.description,
            by=staff_display_name(row.recorded_by),
            href=_href(user, "serious-incidents", row),
        )
        for row in _rows(SeriousIncident, person=person, field="occurred_at", before=before, limit=limit)
    ]


def overdose_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    events = []
    for row in _rows(NonFatalOverdose, person=person, field="occurred_at", before=before, limit=limit):
        if row.naloxone_by == NonFatalOverdose.NaloxoneBy.NOT_GIVEN:
            title = _("Non-fatal overdose")
        else:
            title = _("Non-fatal overdose: naloxone given by %(by)s") % {"by": row.get_naloxone_by_display().lower()}
        events.append(
            _event(
                at=row.occurred_at,
                kind="non_fatal_overdose",
                kind_label=_("Overdose"),
                title=title,
                summary=row.follow_up,
                by=staff_display_name(row.recorded_by),
                href=_href(user, "overdoses", row),
            )
        )
    return events


def death_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    # The date of death is a date; the timeline orders by when the service learned of it.
    return [
        _event(
            at=row.known_at,
            kind="death_in_service",
            kind_label=_("Death"),
            title=_("Died on %(date)s (%(cause)s)")
            % {"date": row.died_on.strftime("%d %b %Y"), "cause": row.get_cause_display().lower()},
            summary=row.circumstances,
            by=staff_display_name(row.recorded_by),
            href=_href(user, "deaths", row),
        )
        for row in _rows(DeathInService, person=person, field="known_at", before=before, limit=limit)
    ]


def data_security_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    return [
        _event(
            at=row.discovered_at,
            kind="data_security_incident",
            kind_label=_("Data security"),
            title=_("A data-security incident affecting this person was discovered"),
            summary="",
            by=staff_display_name(row.recorded_by),
            href=_href(user, "data-security", row),
        )
        for row in _rows(DataSecurityIncident, person=person, field="discovered_at", before=before, limit=limit)
    ]


def notification_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = Notification.objects.filter(person=person, sent_at__isnull=False).select_related("sent_by")
    if before is not None:
        rows = rows.filter(sent_at__lt=before)
    return [
        _event(
            at=row.sent_at,
            kind="council_notification",
            kind_label=_("Council notified"),
            title=_("%(kind)s notified to %(council)s Council")
            % {"kind": row.get_kind_display(), "council": row.get_council_display()},
            summary=_("The council's reference: %(ref)s") % {"ref": row.council_reference}
            if row.council_reference
            else "",
            by=staff_display_name(row.sent_by),
            href=reverse("safeguarding:notification", kwargs={"notification_ref": row.reference})
            if sees_incidents(user)
            else None,
        )
        for row in rows.order_by("-sent_at", "-pk")[:limit]
    ]


def overdue_notification_rows(*, user, limit: int) -> list[dict]:
    """The on-screen side of the escalation job on a manager's "My work": notifications to
    councils past their due time and not yet sent, the longest overdue first. Names no person
    (a reference and a council), so it adds no one to the page's access-log row."""
    now = timezone.now()
    rows = Notification.objects.filter(sent_at__isnull=True, due_at__lte=now).order_by("due_at", "pk")[:limit]
    return [
        {
            "person_ref": None,
            "name": f"{row.get_kind_display()} {row.reference}",
            "text": _("%(clock)s: notify %(council)s Council")
            % {"clock": row.clock(now=now).words, "council": row.get_council_display()},
            "due": None,
            "href": reverse("safeguarding:notification", kwargs={"notification_ref": row.reference}),
            "overdue": True,
        }
        for row in rows
    ]


HOME_PANELS = [
    {
        "key": "overdue_council_notifications",
        "title": gettext_lazy("Overdue notifications to councils"),
        "order": 5,
        "visible": sees_council_notifications,
        "rows": overdue_notification_rows,
    },
]

TIMELINE = [
    {
        "key": "serious_incidents",
        "label": gettext_lazy("Incidents"),
        "visible": _visible,
        "events": serious_incident_events,
    },
    {"key": "overdoses", "label": gettext_lazy("Overdoses"), "visible": _visible, "events": overdose_events},
    {"key": "deaths", "label": gettext_lazy("Death in service"), "visible": _visible, "events": death_events},
    {
        "key": "data_security",
        "label": gettext_lazy("Data-security incidents"),
        "visible": _visible,
        "events": data_security_events,
    },
    {
        "key": "council_notifications",
        "label": gettext_lazy("Council notifications"),
        "visible": _visible,
        "events": notification_events,
    },
]
