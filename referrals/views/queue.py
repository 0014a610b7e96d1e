"""The SPOC queue, "My caseload" and the hub's caseload (REF-5, SEC-2).

Every page reads through ``referrals.selectors``, loads a page of rows in a fixed number of
queries, and writes one access-log row naming the people whose rows it showed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from common.pagination import PageLinks, paginate
from partnership.access import can_work_front_door, sees_allocated_caseload, sees_hub_caseload
from referrals.filters import QueueFilter, selected_filters
from referrals.models import Referral, ResponseTarget
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
    rows = _queue_rows(pages.page.object_list, targets, user=request.user, now=timezone.now())
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
            # A hand-edited address shows the GOV.UK error summary and "Error:" in the title.
            "form": filterset.form,
            "selected_filters": selected_filters(filterset, request.GET),
            "rows": rows,
            "pages": pages,
        },
    )


class _QueueText:
    """Everything a queue row says that does not depend on the row, translated once per
    request: each choice list as a dict, and the phrases the rows fill in. The rows used to
    translate these (and the choice lists, through get_FOO_display()) for every row."""

    def __init__(self):
        self.labels = {
            name: {value: str(label) for value, label in choices}
            for name, choices in (
                ("priority", Referral.Priority.choices),
                ("status", Referral.Status.choices),
                ("source", Referral.Source.choices),
                ("channel", Referral.Channel.choices),
            )
        }
        self.measures = {value: str(label) for value, label in ResponseTarget.Measure.choices}
        self.assigned_to_you = gettext("Assigned to you")
        self.assigned_to = gettext("Assigned to %(name)s")
        self.unassigned = gettext("Unassigned")
        self.waiting = gettext("Waiting %(waited)s")
        self.target_described: dict = {}

    def label(self, field: str, value) -> str:
        return self.labels[field].get(value, value)

    def describe(self, target) -> str:
        # A handful of targets serve every row: "within 3 working days" once each.
        if target not in self.target_described:
            self.target_described[target] = target.describe()
        return self.target_described[target]


def _queue_rows(referrals, targets: TargetBook, *, user, now) -> list[dict]:
    """The queue's rows as ready-made text: each row's dates, waiting time and target are
    worked out once here, and the template only places them. A row's URL is the detail
    page's, reversed once per page rather than once per row."""
    text = _QueueText()
    sentinel = "R-00000000"
    detail_url = reverse("referrals:detail", args=[sentinel])
    rows = []
    for referral in referrals:
        received = timezone.localtime(referral.received_at)
        target = referral_next_result(referral, targets, now=now)
        assignee = referral.assigned_to
        if assignee is None:
            assigned = text.unassigned
        elif assignee.pk == user.pk:
            assigned = text.assigned_to_you
        else:
            assigned = text.assigned_to % {"name": assignee.get_full_name() or assignee.username}
        rows.append(
            {
                "referral": referral,
                "url": detail_url.replace(sentinel, referral.reference),
                "assigned": assigned,
                "priority_label": text.label("priority", referral.priority),
                "status_label": text.label("status", referral.status),
                "source_label": text.label("source", referral.source),
                "channel_label": text.label("channel", referral.channel),
                "priority_badge": PRIORITY_BADGE[referral.priority],
                "received_iso": received.isoformat(),
                "received_date": date_format(received, "j M Y"),
                "received_time": received.strftime("%H:%M"),
                "waiting": text.waiting % {"waited": time_since_received(referral, now=now)},
                "target_text": target.text,
                "target_tag": target.tag_class,
                "target_measure": f"{text.measures[target.measure]} {text.describe(target.target)}",
                # SEC-1: a restricted referral the user has no routine access to shows no name.
                "restricted": referral.access_restricted and not referral.routine_access,
            }
        )
    return rows


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
