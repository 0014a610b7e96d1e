"""Notifications to councils (SAF-1, SAF-3, SAF-6): every open one with its clock, the
"Overdue notifications" list (the on-screen side of the escalation job), one notification
with its escalations, and recording it as sent. The safeguarding lead and the managers only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from common.pagination import paginate
from partnership.access import can_record_notifications_sent
from safeguarding.forms_notifications import NotificationSentForm
from safeguarding.incident_kinds import KINDS
from safeguarding.selectors_notifications import log_list_view, notification_get_for, notifications_for
from safeguarding.services_notifications import notification_mark_sent

SUBJECT_PAGES = {kind.model._meta.label_lower: kind.slug for kind in KINDS.values()}


def _rows(rows, now):
    return [{"notification": row, "clock": row.clock(now=now)} for row in rows]


@login_required
@require_http_methods(["GET"])
def notifications(request: HttpRequest) -> HttpResponse:
    which = request.GET.get("show", "open")
    if which not in ("open", "sent"):
        which = "open"
    page = paginate(request, notifications_for(user=request.user, which=which), per_page=50)
    rows = list(page.page)
    log_list_view(user=request.user, object_type="safeguarding.notification", rows=rows, purpose="Notifications")
    context = {"page": page, "rows": _rows(rows, timezone.now()), "which": which}
    return render(request, "safeguarding/notifications/list.html", context)


@login_required
@require_http_methods(["GET"])
def notifications_overdue(request: HttpRequest) -> HttpResponse:
    rows = list(notifications_for(user=request.user, which="overdue"))
    log_list_view(
        user=request.user, object_type="safeguarding.notification", rows=rows, purpose="Overdue notifications"
    )
    return render(request, "safeguarding/notifications/overdue.html", {"rows": _rows(rows, timezone.now())})


def _subject_href(notification) -> str:
    slug = SUBJECT_PAGES.get(notification.subject_type)
    if slug is None:
        return ""
    return reverse("safeguarding:incident", kwargs={"kind": slug, "record_ref": notification.subject_reference})


@login_required
@require_http_methods(["GET"])
def notification(request: HttpRequest, notification_ref: str) -> HttpResponse:
    found = notification_get_for(user=request.user, reference=notification_ref)
    context = {
        "notification": found,
        "clock": found.clock(),
        "subject_href": _subject_href(found),
        "may_send": can_record_notifications_sent(request.user) and found.sent_at is None,
    }
    return render(request, "safeguarding/notifications/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notification_sent(request: HttpRequest, notification_ref: str) -> HttpResponse:
    if not can_record_notifications_sent(request.user):
        raise PermissionDenied
    found = notification_get_for(user=request.user, reference=notification_ref)
    if found.sent_at is not None:
        messages.info(request, _("This notification is already recorded as sent"))
        return redirect("safeguarding:notification", notification_ref=found.reference)
    form = NotificationSentForm(request.POST or None, notification=found)
    if request.method == "POST" and form.is_valid():
        try:
            notification_mark_sent(
                notification=found, by=request.user, expected_version=form.expected_version, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error, field_map={"sent_at": "sent_date"})
        else:
            messages.success(request, _("Notification %(reference)s recorded as sent") % {"reference": found.reference})
            return redirect("safeguarding:notification", notification_ref=found.reference)
    title = _("Record notification %(reference)s as sent") % {"reference": found.reference}
    return render(
        request, "safeguarding/notifications/sent.html", {"form": form, "notification": found, "title": title}
    )
