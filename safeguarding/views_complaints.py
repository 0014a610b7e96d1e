"""Managers' pages for complaints and compliments (SAF-4): the list with overdue stages, one
complaint, and the forms that move it on. Thin: parse, call a service, redirect, or re-render
with the errors (``_form_page``, the one handler every form page shares). Anyone who does not
handle complaints gets 404 for a complaint and 403 for the list and the new-complaint form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
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
    StageAssignForm,
    WithdrawForm,
)
from safeguarding.models import Complaint
from safeguarding.selectors_complaints import (
    FILTER_OPEN,
    FILTERS,
    complaint_get_for,
    complaint_history,
    complaint_stages,
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


def _form_page(
    request,
    form,
    *,
    title: str,
    save: Callable,
    done: str | Callable[[Complaint], str],
    complaint: Complaint | None = None,
) -> HttpResponse:
    """A complaint's form page: on a valid post, ``save(form)`` (a service call, returning the
    complaint or one of its stages), say ``done`` and go to the complaint; else the form again
    with every error (the service's too) and everything typed."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            complaint = complaint or saved
            messages.success(request, done(complaint) if callable(done) else done)
            return redirect("safeguarding:complaint", complaint_ref=complaint.reference)
    return render(request, "safeguarding/complaints/form.html", {"form": form, "title": title, "complaint": complaint})


def _recorded(form: ComplaintNewForm, by) -> Complaint:
    fields = form.service_fields()
    received_on = form.cleaned_data.get("received_on")
    if received_on:
        fields["received_at"] = timezone.make_aware(dt.datetime.combine(received_on, dt.time(9, 0)))
    return services.complaint_record(by=by, **fields)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    if not handles_complaints(request.user):
        raise PermissionDenied
    return _form_page(
        request,
        ComplaintNewForm(request.POST or None, user=request.user),
        title=_("Record a complaint or compliment"),
        save=lambda form: _recorded(form, request.user),
        done=lambda complaint: _("Recorded as %(reference)s") % {"reference": complaint.reference},
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
        "history": complaint_history(complaint),
        "today": timezone.localdate(),
        "approve_form": ResponseApproveForm(stage=current) if current else None,
        "open": complaint.status in (Complaint.Status.OPEN, Complaint.Status.RESPONDED),
    }
    return render(request, "safeguarding/complaints/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_edit(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref, purpose="Complaint edited")
    return _form_page(
        request,
        ComplaintForm(request.POST or None, user=request.user, complaint=complaint),
        complaint=complaint,
        title=_("Change details"),
        done=_("Complaint saved"),
        save=lambda form: services.complaint_update(
            complaint=complaint, by=request.user, expected_version=form.expected_version, **form.service_fields()
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_stage_assign(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref, purpose="Complaint handler named")
    stage = services.current_stage(complaint)
    return _form_page(
        request,
        StageAssignForm(request.POST or None, stage=stage),
        complaint=complaint,
        title=_("Who handles %(stage)s") % {"stage": stage.get_stage_display()},
        done=_("Handler saved"),
        save=lambda form: services.complaint_stage_assign(
            stage=stage, by=request.user, handler=form.cleaned_data["handler"], expected_version=form.expected_version
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_escalate(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    return _form_page(
        request,
        EscalateForm(request.POST or None, complaint=complaint),
        complaint=complaint,
        title=_("Escalate to the next stage"),
        done=_("Escalated to the next stage"),
        save=lambda form: services.complaint_escalate(
            complaint=complaint,
            by=request.user,
            reason=form.cleaned_data["reason"],
            handler=form.cleaned_data["handler"],
            expected_version=form.expected_version,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_response(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    stage = services.current_stage(complaint)
    return _form_page(
        request,
        ResponseDraftForm(request.POST or None, stage=stage),
        complaint=complaint,
        title=_("Written response"),
        done=_("Draft response saved. Another manager needs to approve it."),
        save=lambda form: services.complaint_response_draft(
            stage=stage, by=request.user, text=form.cleaned_data["text"], expected_version=form.expected_version
        ),
    )


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
    return _form_page(
        request,
        ResponseSendForm(request.POST or None, stage=stage),
        complaint=complaint,
        title=_("Record the response as sent"),
        done=_("Response recorded as sent"),
        save=lambda form: services.complaint_response_send(
            stage=stage,
            by=request.user,
            sent_on=form.cleaned_data["sent_on"],
            how=form.cleaned_data["how"],
            expected_version=form.expected_version,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_close(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    return _form_page(
        request,
        CloseForm(request.POST or None, complaint=complaint),
        complaint=complaint,
        title=_("Close with an outcome"),
        done=_("Closed"),
        save=lambda form: services.complaint_close(
            complaint=complaint,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            learning=form.cleaned_data["learning"],
            expected_version=form.expected_version,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_withdraw(request, complaint_ref: str):
    complaint = complaint_get_for(user=request.user, reference=complaint_ref)
    return _form_page(
        request,
        WithdrawForm(request.POST or None, complaint=complaint),
        complaint=complaint,
        title=_("Record as withdrawn"),
        done=_("Recorded as withdrawn"),
        save=lambda form: services.complaint_withdraw(
            complaint=complaint,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version,
        ),
    )
