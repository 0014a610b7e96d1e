"""Reads for contacts, engagement and outreach, scoped to the user asking.

A person's pages fetch the person with ``person_get_for`` first (404 and the access-log row);
these then read that person's rows with everything a page shows already joined, so a page
costs the same number of queries however long the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from partnership.access import can_work_front_door, membership_of
from recovery_plans.access_contacts import OUTREACH_ROLES, can_record_outreach
from recovery_plans.models import Contact, EngagementTransition, OutreachContact, OutreachSession, ReengagementFlag
from referrals.models import Person

# Tower Hamlets KPI 2a: "a new contact is defined as no contact with the service in the
# previous 6 months or longer".
NEW_CONTACT_AFTER = relativedelta(months=6)


def person_contacts(*, person: Person) -> QuerySet[Contact]:
    return Contact.objects.filter(person=person).select_related("recorded_by").order_by("-occurred_at", "-pk")


def person_engagement_transitions(*, person: Person) -> QuerySet[EngagementTransition]:
    return EngagementTransition.objects.filter(person=person).select_related("by").order_by("-at", "-pk")


def person_open_flag(*, person: Person) -> ReengagementFlag | None:
    return ReengagementFlag.objects.filter(person=person, cleared_at__isnull=True).first()


def _earlier_contact_times(person_ids: Iterable[int], before: dt.datetime) -> dict[int, list[dt.datetime]]:
    """Every contact time of these people before ``before``: contacts, and outreach contacts
    linked to them. Two queries, whatever the number of people."""
    times: dict[int, list[dt.datetime]] = {}
    ids = set(person_ids)
    if not ids:
        return times
    for model in (Contact, OutreachContact):
        rows = model.objects.filter(person_id__in=ids, occurred_at__lt=before).values_list(
            "pk", "person_id", "occurred_at"
        )
        for pk, person_id, occurred_at in rows:
            times.setdefault(person_id, []).append((model.__name__, pk, occurred_at))
    return times


def is_new_contact(*, person_id: int | None, at: dt.datetime, this: Contact | OutreachContact | None = None) -> bool:
    """Whether a contact at ``at`` is a new contact: no contact with the service (any contact,
    or outreach contact linked to the person) in the six months before it. Someone not (yet)
    linked to a person is new: nobody can say they were seen before."""
    if person_id is None:
        return True
    return new_contacts([(person_id, at, this)])[0]


def new_contacts(contacts: list[tuple[int | None, dt.datetime, object]]) -> list[bool]:
    """``is_new_contact`` for many (person id, time, the contact itself or None) at once, in two
    queries: for a report over a quarter."""
    if not contacts:
        return []
    latest = max(at for _person, at, _this in contacts)
    times = _earlier_contact_times((p for p, _at, _this in contacts if p is not None), latest)
    answers = []
    for person_id, at, this in contacts:
        if person_id is None:
            answers.append(True)
            continue
        this_key = (type(this).__name__, this.pk) if this is not None else None
        window_start = at - NEW_CONTACT_AFTER
        earlier = (
            when for name, pk, when in times.get(person_id, []) if (name, pk) != this_key and window_start <= when < at
        )
        answers.append(next(earlier, None) is None)
    return answers


def outreach_contacts_for(*, user) -> QuerySet[OutreachContact]:
    """The front door sees every outreach contact (it links them to people); outreach staff of
    a hub see their hub's; nobody else any."""
    if can_work_front_door(user):
        contacts = OutreachContact.objects.all()
    elif can_record_outreach(user):
        membership = membership_of(user)
        contacts = OutreachContact.objects.filter(Q(hub_id=membership.hub_id) | Q(recorded_by=user))
    else:
        contacts = OutreachContact.objects.none()
    return contacts.select_related("recorded_by", "person", "session").order_by("-occurred_at", "-pk")


def outreach_contact_get_for(*, user, reference: str) -> OutreachContact:
    contact = outreach_contacts_for(user=user).filter(reference=reference).first()
    if contact is None:
        raise Http404
    return contact


# Sessions an outreach contact can be put in: the user's own, recent ones.
RECENT_SESSION_DAYS = 7


def recent_outreach_sessions_for(*, user, today: dt.date) -> QuerySet[OutreachSession]:
    """The outreach sessions the user worked in the last week, newest first (for the contact form)."""
    since = today - dt.timedelta(days=RECENT_SESSION_DAYS)
    return OutreachSession.objects.filter(workers=user, date__gte=since, date__lte=today).order_by(
        "-date", "-started_at", "-pk"
    )


def outreach_colleagues_for(*, user) -> list:
    """Staff of the user's hub who do outreach, the user aside: the other workers of a session."""
    membership = membership_of(user)
    if membership is None or membership.hub_id is None:
        return []
    return list(
        get_user_model()
        .objects.filter(is_active=True, membership__hub_id=membership.hub_id, membership__role__in=OUTREACH_ROLES)
        .exclude(pk=user.pk)
        .order_by("first_name", "last_name", "username")
    )
