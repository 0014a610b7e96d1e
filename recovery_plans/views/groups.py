"""Groups and activities with attendance (PLN-6), the pre-detox group among them (§3.19.8).

Hub workers and managers set groups up and add sessions for their hub; peer workers record
attendance for the people allocated to them. Another hub's group is a 404.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from recovery_plans.access_contacts import can_record_contacts
from recovery_plans.forms.groups import AttendanceForm, GroupForm, GroupSessionForm
from recovery_plans.forms.outreach import PERSON_NOT_FOUND
from recovery_plans.selectors import groups as selectors
from recovery_plans.services import groups as services
from referrals.models.references import PERSON_PATTERN
from referrals.selectors.referrals import person_get_for, record_list_view


def _require_groups(request: HttpRequest) -> None:
    if not can_record_contacts(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def group_list(request: HttpRequest) -> HttpResponse:
    _require_groups(request)
    context = {
        "groups": list(selectors.groups_for(user=request.user)),
        "may_manage": services.group_may_manage(group=None, by=request.user),
    }
    return render(request, "recovery_plans/groups/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    if not services.group_may_manage(group=None, by=request.user):
        raise PermissionDenied
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(
                by=request.user, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            add_service_errors(form, error, default="name")
        else:
            messages.success(request, _("Group set up"))
            return redirect(reverse("contacts:group", kwargs={"pk": group.pk}))
    return render(
        request,
        "recovery_plans/form_page.html",
        {"form": form, "title": _("Set up a group"), "back": reverse("contacts:groups")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_groups(request)
    group = selectors.group_get_for(user=request.user, pk=pk)
    may_manage = services.group_may_manage(group=group, by=request.user)
    form = GroupSessionForm(request.POST if request.method == "POST" else None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.group_session_create(
                    group=group,
                    by=request.user,
                    starts_at=form.cleaned_data["starts_at"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                )
            except ValidationError as error:
                add_service_errors(form, error, default="date")
            else:
                messages.success(request, _("Session added"))
                return redirect(reverse("contacts:group", kwargs={"pk": group.pk}))
    context = {"group": group, "sessions": list(selectors.group_sessions(group=group)[:50]), "form": form}
    return render(request, "recovery_plans/groups/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_session(request: HttpRequest, pk: int) -> HttpResponse:
    _require_groups(request)
    session = selectors.group_session_get_for(user=request.user, pk=pk)
    form = AttendanceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["person_ref"].strip().upper()
        try:
            if not re.fullmatch(PERSON_PATTERN, reference):
                raise Http404
            person = person_get_for(user=request.user, reference=reference, purpose="Group attendance")
            services.attendance_record(
                session=session, person=person, by=request.user, outcome=form.cleaned_data["outcome"]
            )
        except (Http404, PermissionDenied):
            form.add_error("person_ref", PERSON_NOT_FOUND)
        except ValidationError as error:
            add_service_errors(form, error, field_map={"person": "person_ref"}, default="person_ref")
        else:
            messages.success(request, _("Attendance recorded"))
            return redirect(reverse("contacts:group_session", kwargs={"pk": session.pk}))
    attendance = list(selectors.session_attendance_for(user=request.user, session=session))
    record_list_view(
        user=request.user,
        object_type="recovery_plans.attendance",
        person_ids=[row.person_id for row in attendance],
        purpose="Group attendance",
    )
    context = {"session": session, "attendance": attendance, "form": form}
    return render(request, "recovery_plans/groups/session.html", context)


urlpatterns = [
    path("groups/", group_list, name="groups"),
    path("groups/new/", group_new, name="group_new"),
    path("groups/<int:pk>/", group_detail, name="group"),
    path("groups/sessions/<int:pk>/", group_session, name="group_session"),
]
