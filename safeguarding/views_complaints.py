"""Managers' pages for complaints and compliments (SAF-4): the list with overdue stages, one
complaint, and the forms that move it on. Thin: parse, call a service, redirect, or re-render
with the errors. Anyone who does not handle complaints gets 404 for a complaint and 403 for
the list and the new-complaint form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms.errors import add_service_errors
from common.pagination import paginate
from partnership.access import handles_complaints
from safeguarding import services_complaints as services
from safeguarding.forms_complaints import (
    CloseForm,
    ComplaintForm,
    ComplaintNewForm,
    EscalateForm,
    ResponseApproveForm,
    ResponseDraftForm,
    ResponseSendForm,
    WithdrawForm,
)
from safeguarding.models import Complaint
from safeguarding.selectors_complaints import (
    FILTER_OPEN,
    FILTERS,
    complaint_get_for,
    complaint_stages,
    complaint_transitions,
    complaints_for,
    overdue_count_for,
)


@login_required
@require_http_methods(["GET"])
def complaint_list(request):
    if not handles_complaints(request.user):
        raise PermissionDenied
    show = request.GET.get("show", FILTER_OPEN)
    if show not in FILTERS:
        show = FILTER_OPEN
    page = paginate(request, complaints_for(user=request.user, show=show), per_page=50)
    context = {
        "page": page,
        "show": show,
        "today": timezone.localdate(),
        "overdue_count": overdue_count_for(user=request.user),
    }
    return render(request, "safeguarding/complaints/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if not handles_complaints(request.user):
        raise PermissionDenied
    form = ComplaintNewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        received_on = form.cleaned_data.get("received_on")
        if received_on:
            fields["received_at"] = timezone.make_aware(dt.datetime.combine(received_on, dt.time(9, 0)))
        try:
            complaint = services.complaint_record(by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded as %(reference)s") % {"reference": complaint.reference})
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    return render(
        request, "safeguarding/complaints/form.html", {"form": form, "title": _("Record a complaint or compliment")}
    )


@login_required
@require_http_methods(["GET"])
def complaint_detail(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    stages = complaint_stages(complaint)
    current = next((s for s in stages if s.stage == complaint.stage), None)
    context = {
        "complaint": complaint,
        "stages": stages,
        "current": current,
        "transitions": complaint_transitions(complaint),
        "today": timezone.localdate(),
        "approve_form": ResponseApproveForm(stage=current) if current else None,
        "open": complaint.status in (Complaint.Status.OPEN, Complaint.Status.RESPONDED),
    }
    return render(request, "safeguarding/complaints/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_edit(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref, purpose="Complaint edited")
    form = ComplaintForm(request.POST or None, user=request.user, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_update(
                complaint=complaint, by=request.user, expected_version=form.expected_version, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Complaint saved"))
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    return render(
        request,
        "safeguarding/complaints/form.html",
        {"form": form, "title": _("Change details"), "complaint": complaint},
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_escalate(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    form = EscalateForm(request.POST or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_escalate(
                complaint=complaint,
                by=request.user,
                reason=form.cleaned_data["reason"],
                handler=form.cleaned_data["handler"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Escalated to the next stage"))
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    context = {"form": form, "title": _("Escalate to the next stage"), "complaint": complaint}
    return render(request, "safeguarding/complaints/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_response(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    stage = services.current_stage(complaint)
    form = ResponseDraftForm(request.POST or None, stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_response_draft(
                stage=stage, by=request.user, text=form.cleaned_data["text"], expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft response saved. Another manager needs to approve it."))
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    context = {"form": form, "title": _("Written response"), "complaint": complaint}
    return render(request, "safeguarding/complaints/form.html", context)


@login_required
@require_POST
def complaint_response_approve(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    stage = services.current_stage(complaint)
    form = ResponseApproveForm(request.POST, stage=stage)
    if form.is_valid():
        try:
            services.complaint_response_approve(stage=stage, by=request.user, expected_version=form.expected_version)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Response approved"))
    return redirect("safeguarding:complaint", complaint_ref=complaint.reference)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_response_send(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    stage = services.current_stage(complaint)
    form = ResponseSendForm(request.POST or None, stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_response_send(
                stage=stage,
                by=request.user,
                sent_on=form.cleaned_data["sent_on"],
                how=form.cleaned_data["how"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Response recorded as sent"))
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    context = {"form": form, "title": _("Record the response as sent"), "complaint": complaint}
    return render(request, "safeguarding/complaints/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_close(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    form = CloseForm(request.POST or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_close(
                complaint=complaint,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                learning=form.cleaned_data["learning"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Closed"))
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    context = {"form": form, "title": _("Close with an outcome"), "complaint": complaint}
    return render(request, "safeguarding/complaints/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_withdraw(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    form = WithdrawForm(request.POST or None, complaint=complaint)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_withdraw(
                complaint=complaint,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Recorded as withdrawn"))
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    context = {"form": form, "title": _("Record as withdrawn"), "complaint": complaint}
    return render(request, "safeguarding/complaints/form.html", context)
