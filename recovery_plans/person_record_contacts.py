"""What contacts, engagement, outreach and groups add to the person record (the issue 9
contract: TABS, TIMELINE, HOME_PANELS as plain data). Joined with the plans side's
``recovery_plans/person_record.py`` at merge.

Every ``events`` and ``rows`` function is one query, whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnership.models import staff_display_name
from recovery_plans.access_contacts import can_record_contacts
from recovery_plans.models import Attendance, Contact, EngagementTransition, OutreachContact, ReengagementFlag
from referrals.selectors.referrals import people_visible_to

RECENT_CONTACT_DAYS = 14


def _visible(user) -> bool:
    return can_record_contacts(user)


def _before(queryset, field: str, before: dt.datetime | None):
    return queryset.filter(**{f"{field}__lt": before}) if before is not None else queryset


def _contacts_url(person) -> str:
    return reverse("contacts:list", kwargs={"person_ref": person.reference})


def contact_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = _before(Contact.objects.filter(person=person), "occurred_at", before).select_related("recorded_by")
    href = _contacts_url(person)
    return [
        {
            "at": row.occurred_at,
            "kind": "contact",
            "kind_label": _("Contact"),
            "title": f"{row.get_type_display()}, {row.get_setting_display().lower()}",
            "summary": row.note,
            "by": staff_display_name(row.recorded_by),
            "href": href,
            "sensitive": False,
        }
        for row in rows.order_by("-occurred_at", "-pk")[:limit]
    ]


def engagement_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = _before(EngagementTransition.objects.filter(person=person), "at", before).select_related("by")
    href = _contacts_url(person)
    events = []
    for row in rows.order_by("-at", "-pk")[:limit]:
        if row.to_status == "active":
            title = _("Re-entered support")
        else:
            title = _("No longer active: %(reason)s") % {"reason": row.get_reason_display()}
        events.append(
            {
                "at": row.at,
                "kind": "engagement",
                "kind_label": _("Engagement"),
                "title": title,
                "summary": "",
                "by": staff_display_name(row.by),
                "href": href,
                "sensitive": False,
            }
        )
    return events


def outreach_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = _before(OutreachContact.objects.filter(person=person), "occurred_at", before).select_related("recorded_by")
    return [
        {
            "at": row.occurred_at,
            "kind": "outreach_contact",
            "kind_label": _("Outreach"),
            "title": _("Met on outreach at %(place)s") % {"place": row.location},
            "summary": row.note,
            "by": staff_display_name(row.recorded_by),
            "href": reverse("contacts:outreach_contact", kwargs={"outreach_ref": row.reference}),
            "sensitive": False,
        }
        for row in rows.order_by("-occurred_at", "-pk")[:limit]
    ]


def attendance_events(*, person, user, before: dt.datetime | None, limit: int) -> list[dict]:
    rows = _before(Attendance.objects.filter(person=person), "session__starts_at", before).select_related(
        "session__group", "recorded_by"
    )
    return [
        {
            "at": row.session.starts_at,
            "kind": "attendance",
            "kind_label": _("Group"),
            "title": f"{row.session.group.name}: {row.get_outcome_display().lower()}",
            "summary": "",
            "by": staff_display_name(row.recorded_by),
            "href": None,
            "sensitive": False,
        }
        for row in rows.order_by("-session__starts_at", "-pk")[:limit]
    ]


def flagged_rows(*, user, limit: int) -> list[dict]:
    """People on the user's caseload (or hub's) flagged for re-engagement, longest first."""
    flags = (
        ReengagementFlag.objects.filter(cleared_at__isnull=True, person__in=people_visible_to(user=user))
        .select_related("person")
        .order_by("flagged_at", "pk")[:limit]
    )
    return [
        {
            "person_ref": flag.person.reference,
            "name": flag.person.full_name,
            "text": _("Last contact %(when)s") % {"when": flag.last_contact_at.strftime("%d %b %Y")}
            if flag.last_contact_at
            else _("No contact recorded"),
            "due": None,
            "href": _contacts_url(flag.person),
            "overdue": True,
        }
        for flag in flags
    ]


def recent_contact_rows(*, user, limit: int) -> list[dict]:
    since = timezone.now() - dt.timedelta(days=RECENT_CONTACT_DAYS)
    contacts = (
        Contact.objects.filter(occurred_at__gte=since, person__in=people_visible_to(user=user))
        .select_related("person")
        .order_by("-occurred_at", "-pk")[:limit]
    )
    return [
        {
            "person_ref": row.person.reference,
            "name": row.person.full_name,
            "text": f"{row.get_type_display()}, {row.occurred_at:%d %b %Y}",
            "due": None,
            "href": _contacts_url(row.person),
            "overdue": False,
        }
        for row in contacts
    ]


TABS = [
    {
        "key": "contacts",
        "label": gettext_lazy("Contacts"),
        "url_name": "contacts:list",
        "order": 50,
        "visible": _visible,
    },
]
TIMELINE = [
    {"key": "contacts", "label": gettext_lazy("Contacts"), "visible": _visible, "events": contact_events},
    {"key": "engagement", "label": gettext_lazy("Engagement"), "visible": _visible, "events": engagement_events},
    {"key": "outreach", "label": gettext_lazy("Outreach"), "visible": _visible, "events": outreach_events},
    {"key": "groups", "label": gettext_lazy("Groups"), "visible": _visible, "events": attendance_events},
]
HOME_PANELS = [
    {
        "key": "disengaging",
        "title": gettext_lazy("People flagged as disengaging"),
        "order": 40,
        "visible": _visible,
        "rows": flagged_rows,
    },
    {
        "key": "recent_contacts",
        "title": gettext_lazy("Recent contacts"),
        "order": 50,
        "visible": _visible,
        "rows": recent_contact_rows,
    },
]
