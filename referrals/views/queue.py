"""The SPOC queue, "My caseload" and the hub's caseload (REF-5, SEC-2).

Every page reads through ``referrals.selectors``, loads a page of rows in a fixed number of
queries, and writes one access-log row naming the people whose rows it showed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.pagination import PageLinks, paginate
from partnership.access import can_work_front_door, sees_allocated_caseload, sees_hub_caseload
from referrals.filters import QueueFilter, selected_filters
from referrals.models import Referral
from referrals.selectors import referrals as selectors
from referrals.targets import TargetBook, referral_next_result, time_since_received
from referrals.views.badges import PRIORITY_BADGE, STATUS_BADGE

QUEUE_PAGE_SIZE = 50
CASELOAD_PAGE_SIZE = 50


# --- The SPOC queue (REF-5) ----------------------------------------------------------------


@login_required
@require_GET
def queue(request):
    if not can_work_front_door(request.user):
        raise PermissionDenied
    filterset = QueueFilter(request.GET, queryset=selectors.referral_queue_for(user=request.user), request=request)
    pages = paginate(request, filterset.qs, QUEUE_PAGE_SIZE)
    targets = TargetBook.load()  # one query for the whole page
    now = timezone.now()
    # get_FOO_display() translates every choice of the field on each call; a page of 50 rows
    # spent most of its time there. Translate each list once per request instead.
    labels = {
        name: {value: str(label) for value, label in choices}
        for name, choices in (
            ("priority", Referral.Priority.choices),
            ("status", Referral.Status.choices),
            ("source", Referral.Source.choices),
            ("channel", Referral.Channel.choices),
        )
    }
    rows = [
        {
            "referral": referral,
            "priority_label": labels["priority"].get(referral.priority, referral.priority),
            "status_label": labels["status"].get(referral.status, referral.status),
            "source_label": labels["source"].get(referral.source, referral.source),
            "channel_label": labels["channel"].get(referral.channel, referral.channel),
            "priority_badge": PRIORITY_BADGE[referral.priority],
            "waited": time_since_received(referral, now=now),
            "target": referral_next_result(referral, targets, now=now),
            # SEC-1: a restricted referral the user has no routine access to shows no name.
            "restricted": referral.access_restricted and not referral.routine_access,
        }
        for referral in pages.page.object_list
    ]
    # SEC-2: one row for the page, naming the people whose names it showed (a restricted
    # referral without routine access shows no name, so names no one).
    _log_page(
        request,
        [row["referral"] for row in rows if not row["restricted"]],
        f"SPOC queue, page {pages.page.number}",
    )
    return render(
        request,
        "referrals/queue/queue.html",
        {
            "filter": filterset,
            "filter_form": filterset.form,
            "selected_filters": selected_filters(filterset, request.GET),
            "rows": rows,
            "pages": pages,
        },
    )


def _log_page(request, referrals, reason: str) -> None:
    selectors.record_list_view(
        user=request.user,
        object_type="referrals.referral",
        person_ids=[referral.person_id for referral in referrals],
        purpose=reason,
    )


# --- My caseload -------------------------------------------------------------------------


@login_required
@require_GET
def caseload(request):
    if can_work_front_door(request.user):
        # The front door works from the queue, not a caseload.
        return redirect("referrals:queue")
    if not sees_allocated_caseload(request.user):
        raise PermissionDenied
    pages = paginate(request, selectors.caseload_for(user=request.user), CASELOAD_PAGE_SIZE)
    _log_page(request, pages.page.object_list, f"My caseload, page {pages.page.number}")
    return render(
        request,
        "referrals/queue/caseload.html",
        {"rows": _caseload_rows(pages), "pages": pages, "hub_view": False, **_caseload_tabs(request.user)},
    )


def _caseload_rows(pages: PageLinks) -> list[dict]:
    return [
        {
            "referral": referral,
            "status_badge": STATUS_BADGE[referral.status],
            "priority_badge": PRIORITY_BADGE[referral.priority],
        }
        for referral in pages.page.object_list
    ]


def _caseload_tabs(user) -> dict:
    """The "Allocated to me" and "Everyone in my hub" tabs, for those who have both."""
    return {"show_tabs": sees_hub_caseload(user) and sees_allocated_caseload(user)}


@login_required
@require_GET
def hub_caseload(request):
    """Everyone allocated to the user's hub (hub workers and managers), so a colleague's
    person can be picked up when they are away."""
    if not sees_hub_caseload(request.user):
        raise PermissionDenied
    pages = paginate(request, selectors.hub_caseload_for(user=request.user), CASELOAD_PAGE_SIZE)
    _log_page(request, pages.page.object_list, f"Hub caseload, page {pages.page.number}")
    return render(
        request,
        "referrals/queue/caseload.html",
        {
            "rows": _caseload_rows(pages),
            "pages": pages,
            "hub_view": True,
            **_caseload_tabs(request.user),
        },
    )


urlpatterns = [
    path("", queue, name="queue"),
    path("caseload/", caseload, name="caseload"),
    path("caseload/hub/", hub_caseload, name="hub_caseload"),
]
