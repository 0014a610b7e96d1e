"""Reads for the person record: the identity bar, the timeline (PLN-7) and the worker's home
page, each built from what every app declares in its ``person_record`` module
(``referrals.person_record_discovery``) and scoped to the user asking.

The person themselves is always fetched first with ``selectors.referrals.person_get_for``,
which decides whether the user may open the record at all and writes the access-log row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from partnership.access import (
    can_work_front_door,
    reads_whole_record_for_chronology,
    sees_allocated_caseload,
    sees_every_hubs_casework,
    sees_hub_caseload,
    sees_safeguarding_detail,
)
from referrals import person_record_discovery as discovery
from referrals import rules
from referrals.models import Person, Referral, Triage
from referrals.selectors.referrals import FRONT_DOOR_WORK, caseload_for, hub_caseload_for
from referrals.services.grants import VIEW_REFERRAL

# --- Which of a person's referrals the user may see, as one condition --------------------


def _holds_joined(user, perm: str) -> Q:
    """The user holds ``perm`` on the referral through their own or a group's object grant,
    joined into the query itself. ``selectors.referrals._holds`` reads the grant keys first
    (one query more), which pays on a county-wide caseload; a timeline source looks at one
    person's handful of referrals, so one query per source matters more here."""
    app_label, codename = perm.split(".", 1)
    permission = {"permission__codename": codename, "permission__content_type__app_label": app_label}
    by_user = get_user_obj_perms_model(Referral).objects.filter(
        content_object_id=OuterRef("pk"), user_id=user.pk, **permission
    )
    by_group = get_group_obj_perms_model(Referral).objects.filter(
        content_object_id=OuterRef("pk"), group__user=user.pk, **permission
    )
    return Q(Exists(by_user)) | Q(Exists(by_group))


def visible_referrals_of(*, user, person: Person) -> QuerySet[Referral]:
    """The person's referrals the user may see (the rule of ``referrals_visible_to``), as a
    queryset that runs no query until used: for ``referral__in=`` in a timeline source."""
    referrals = Referral.objects.filter(person=person)
    if sees_every_hubs_casework(user) or reads_whole_record_for_chronology(user):
        # The lead reaches a person only through a concern page's selector (chronology: a
        # person with a concern), which has logged the view.
        return referrals
    if not getattr(user, "is_authenticated", False):
        return referrals.none()
    if can_work_front_door(user):
        return referrals.filter(FRONT_DOOR_WORK | _holds_joined(user, VIEW_REFERRAL))
    if sees_allocated_caseload(user):
        return referrals.filter(_holds_joined(user, VIEW_REFERRAL))
    return referrals.none()


# --- The identity bar ---------------------------------------------------------------------------


@dataclass
class Alert:
    text: str
    colour: str  # a GOV.UK tag colour


@dataclass
class Identity:
    person: Person
    referrals: list[Referral]  # visible to the user, newest first, triage/hub/worker joined
    age: int | None
    worker: object | None = None
    hub: object | None = None
    items: list[dict] = field(default_factory=list)  # {"key", "label", "value"} from the apps
    alerts: list[Alert] = field(default_factory=list)


RISK_COLOURS = {Triage.Risk.RED: "red", Triage.Risk.AMBER: "orange", Triage.Risk.GREEN: "green"}


def person_identity_for(*, user, person: Person) -> Identity:
    """Everything the identity bar shows: one query for the person's referrals (with their
    triage, hub and worker), and at most one for each app's identity item or alert."""
    referrals = list(
        visible_referrals_of(user=user, person=person)
        .select_related("triage", "hub", "allocated_worker")
        .order_by("-received_at", "-pk")
    )
    identity = Identity(
        person=person, referrals=referrals, age=rules.age_on(person.date_of_birth, timezone.localdate())
    )
    allocated = next((r for r in referrals if r.status == Referral.Status.ALLOCATED), None)
    if allocated is not None:
        identity.worker, identity.hub = allocated.allocated_worker, allocated.hub
    identity.alerts = _alerts(user=user, person=person, referrals=referrals, age=identity.age)
    for item in discovery.identity_items_for(user):
        value = item["value"](person=person, user=user)
        if value:
            identity.items.append({"key": item["key"], "label": item["label"], "value": value})
    for source in discovery.alert_sources_for(user):
        identity.alerts.extend(
            Alert(text=alert["text"], colour=alert.get("colour", "grey"))
            for alert in source["alerts"](person=person, user=user)
        )
    return identity


def _triage_of(referral: Referral) -> Triage | None:
    try:
        return referral.triage  # joined: no query
    except Triage.DoesNotExist:
        return None


def _alerts(*, user, person: Person, referrals: list[Referral], age: int | None) -> list[Alert]:
    from django.utils.translation import gettext as _

    alerts = []
    # The risk rating from the most recent triage that rated one. Peer support workers and
    # volunteers see no risk sections (roles table), so not even the rating.
    if sees_safeguarding_detail(user):
        rated = next(
            (t for t in (_triage_of(r) for r in referrals) if t is not None and t.risk),
            None,
        )
        if rated is not None:
            alerts.append(
                Alert(
                    text=_("%(rating)s risk at triage") % {"rating": rated.get_risk_display()},
                    colour=RISK_COLOURS.get(rated.risk, "grey"),
                )
            )
    if person.processing_restricted:
        alerts.append(Alert(text=_("Processing restricted"), colour="purple"))
    if any(r.access_restricted for r in referrals):
        alerts.append(Alert(text=_("Restricted record"), colour="purple"))
    # §3.1.1.c: a carer under 18 gets a safeguarding-aware response.
    latest = referrals[0] if referrals else None
    if latest is not None and rules.is_young_carer(support_for=latest.support_for, age=age):
        alerts.append(Alert(text=_("Young carer"), colour="yellow"))
    return alerts


# --- The timeline (PLN-7) -----------------------------------------------------------------------


@dataclass
class TimelinePage:
    events: list[dict]
    sources: list[dict]  # every source the user may see (for the filter)
    kinds: list[str]  # the keys shown
    next_before: dt.datetime | None  # the cursor for older events, None on the last page


def person_timeline_for(
    *, user, person: Person, kinds: list[str] | None, before: dt.datetime | None, page_size: int
) -> TimelinePage:
    """One page of the person's timeline, newest first: each chosen source is asked for at
    most ``page_size + 1`` events before the cursor (one query each), they are merged and the
    first ``page_size`` kept. However long the history, a page costs one query per source.

    The cursor is the time of the last event shown; the next page asks strictly before it, so
    a page never ends in the middle of events recorded at the same moment."""
    sources = discovery.timeline_sources_for(user)
    keys = [source["key"] for source in sources]
    chosen = [key for key in (kinds or keys) if key in keys] or keys
    events: list[dict] = []
    for source in sources:
        if source["key"] in chosen:
            events.extend(source["events"](person=person, user=user, before=before, limit=page_size + 1))
    events.sort(key=lambda event: event["at"], reverse=True)
    shown, more = events[:page_size], len(events) > page_size
    if more:
        # The next page asks strictly before the last time shown, so events sharing that
        # exact time with the first one left over would fall between the pages: end this
        # page before them instead (unless the whole page is that one moment).
        boundary = events[page_size]["at"]
        earlier = [event for event in shown if event["at"] != boundary]
        if earlier and len(earlier) < len(shown):
            shown = earlier
    if not sees_safeguarding_detail(user):
        # The sources leave detail out for peer workers already; this is the belt to those braces.
        for event in shown:
            if event.get("sensitive"):
                event["summary"] = ""
    return TimelinePage(
        events=shown, sources=sources, kinds=chosen, next_before=shown[-1]["at"] if more and shown else None
    )


# --- The worker's home page ---------------------------------------------------------------------


@dataclass
class HomePanel:
    key: str
    title: str
    rows: list[dict]


def sees_my_work(user) -> bool:
    """Hub and peer workers (their own caseload) and managers (their hub's)."""
    return sees_allocated_caseload(user) or sees_hub_caseload(user)


def my_caseload_for(*, user) -> QuerySet[Referral]:
    """The caseload the home page opens with: a worker's own, a manager's hub's."""
    return caseload_for(user=user) if sees_allocated_caseload(user) else hub_caseload_for(user=user)


def caseload_people_for(*, user) -> QuerySet[Person]:
    """The people on the caseload "My work" opens with, as a subquery with no query of its own:
    a worker's allocated people, a manager's hub's. (The allocated worker and the hub team
    hold the grants on these referrals: referrals.services.grants.)"""
    allocated = Referral.objects.filter(status=Referral.Status.ALLOCATED)
    if sees_allocated_caseload(user):
        allocated = allocated.filter(allocated_worker=user)
    elif sees_hub_caseload(user):
        allocated = allocated.filter(hub_id=user.membership.hub_id)
    else:
        return Person.objects.none()
    return Person.objects.filter(pk__in=allocated.values("person_id"))


def home_panels_for(*, user, limit: int) -> list[HomePanel]:
    """Every panel the apps declare that the user may see, in order, each with at most
    ``limit`` rows (one query per panel)."""
    return [
        HomePanel(key=panel["key"], title=str(panel["title"]), rows=list(panel["rows"](user=user, limit=limit)))
        for panel in discovery.home_panels_for(user)
    ]
