"""The person record (issue 9): the overview, the timeline (PLN-7) and the history of the
person's details, each in the one frame every page about a person shares (identity bar and
sub-navigation, ``referrals/person_record/_frame.html``); and the worker's home page, "My work".

What other apps add (tabs, timeline sources, home panels, identity items and alerts) comes from
their ``person_record`` modules (``referrals.person_record_discovery``). Every page fetches the
person through ``person_get_for``, which answers 404 for someone the user may not see and
writes the access-log row (SEC-2).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from partnership.access import can_rectify_person, can_work_front_door, sees_allocated_caseload
from referrals.converters import PERSON
from referrals.models import Person, Referral, Triage
from referrals.selectors import person_record as record
from referrals.selectors import referrals as selectors
from referrals.views.badges import PRIORITY_BADGE, STATUS_BADGE
from referrals.views.detail import history_entries

TIMELINE_PAGE_SIZE = 25
HOME_CASELOAD_SIZE = 10
HOME_PANEL_SIZE = 10


def _outcome_label(referral: Referral) -> str:
    try:
        triage = referral.triage  # joined by the selector: no query
    except Triage.DoesNotExist:
        return ""
    return triage.get_outcome_display() if triage.outcome else ""


def _frame(request, person: Person, tab: str) -> dict:
    """What the frame needs: the identity bar, computed once (the template tags reuse it)."""
    return {
        "person": person,
        "record_tab": tab,
        "identity": record.person_identity_for(user=request.user, person=person),
    }


@login_required
@require_GET
def person_overview(request, person_ref):
    """Who someone is and every referral they have had that the user may see, newest first."""
    person = selectors.person_get_for(user=request.user, reference=person_ref, purpose="Person page")
    context = _frame(request, person, "overview")
    context["referrals"] = [
        {"referral": referral, "outcome": _outcome_label(referral)} for referral in context["identity"].referrals
    ]
    context["can_work_front_door"] = can_work_front_door(request.user)
    context["can_rectify"] = can_rectify_person(request.user)
    return render(request, "referrals/person_record/overview.html", context)


def _cursor(value: str | None) -> dt.datetime | None:
    """``before=`` from the query string: an ISO timestamp, or nothing (the newest page)."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@login_required
@require_GET
def person_timeline(request, person_ref):
    """PLN-7: one chronological view, newest first, filterable by kind of event. Only kinds and
    the cursor (a time) go in the query string, never anything about the person."""
    person = selectors.person_get_for(user=request.user, reference=person_ref, purpose="Timeline")
    before = _cursor(request.GET.get("before"))
    page = record.person_timeline_for(
        user=request.user,
        person=person,
        kinds=request.GET.getlist("kind"),
        before=before,
        page_size=TIMELINE_PAGE_SIZE,
    )
    context = _frame(request, person, "timeline")
    next_query = None
    if page.next_before is not None:
        query = request.GET.copy()
        query["before"] = page.next_before.isoformat()
        next_query = query.urlencode()
    first_query = None
    if before is not None:
        query = request.GET.copy()
        query.pop("before", None)
        first_query = query.urlencode()
    context.update(
        {
            "page": page,
            "sources": [
                {"key": s["key"], "label": s["label"], "checked": s["key"] in page.kinds} for s in page.sources
            ],
            "filtered": len(page.kinds) < len(page.sources),
            "older": before is not None,
            "next_query": next_query,
            "first_query": first_query,
        }
    )
    return render(request, "referrals/person_record/timeline.html", context)


@login_required
@require_GET
def person_history(request, person_ref):
    """Every change to the person's details: who, when, why, and what it was before (SEC-2),
    less the fields the user may not see (the reason a record's processing is restricted)."""
    person = selectors.person_get_for(user=request.user, reference=person_ref, purpose="Person history")
    records = list(Person.history.filter(id=person.pk).select_related("history_user").order_by("history_date"))
    context = _frame(request, person, "history")
    context["entries"] = history_entries(records, viewer=request.user)
    return render(request, "referrals/person_record/history.html", context)


# --- My work: the worker's home page ---------------------------------------------------------------


@login_required
@require_GET
def my_work(request):
    """A hub or peer worker's day: their caseload, then every panel the apps add (reviews due,
    plan actions, people drifting away, recent contacts). A manager sees the same for their hub.
    One access-log row names everyone the page shows (SEC-2)."""
    if not record.sees_my_work(request.user):
        raise PermissionDenied
    own = sees_allocated_caseload(request.user)
    caseload = list(record.my_caseload_for(user=request.user)[: HOME_CASELOAD_SIZE + 1])
    more = len(caseload) > HOME_CASELOAD_SIZE
    caseload = caseload[:HOME_CASELOAD_SIZE]
    panels = record.home_panels_for(user=request.user, limit=HOME_PANEL_SIZE)
    references = {row["person_ref"] for panel in panels for row in panel.rows if row.get("person_ref")}
    panel_people = (
        list(Person.objects.filter(reference__in=references).values_list("pk", flat=True)) if references else []
    )
    selectors.record_list_view(
        user=request.user,
        object_type="referrals.referral",
        person_ids=[referral.person_id for referral in caseload] + panel_people,
        purpose="My work",
    )
    rows = [
        {
            "referral": referral,
            "status_badge": STATUS_BADGE[referral.status],
            "priority_badge": PRIORITY_BADGE[referral.priority],
        }
        for referral in caseload
    ]
    return render(
        request,
        "referrals/person_record/my_work.html",
        {"rows": rows, "more": more, "own": own, "panels": panels, "today": timezone.localdate()},
    )


urlpatterns = [
    path("my-work/", my_work, name="my_work"),
    path(f"people/<{PERSON}:person_ref>/", person_overview, name="person"),
    path(f"people/<{PERSON}:person_ref>/timeline/", person_timeline, name="person_timeline"),
    path(f"people/<{PERSON}:person_ref>/history/", person_history, name="person_history"),
]
