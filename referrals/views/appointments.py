"""Recording the first appointment on a referral (REF-9).

Used by the front door and by the caseworker the referral is allocated to, who is the one
most likely to offer and hold that appointment. Other roles get 403; a referral the user may
not see is a 404, as everywhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import can_work_front_door, sees_allocated_caseload
from referrals.forms.appointments import DID_NOT_ATTEND, FirstAppointmentForm
from referrals.models import Referral
from referrals.selectors.referrals import referral_get_for
from referrals.services import allocation as allocation_services

# Where a service's error is about a time, show it on the first input of that time.
SERVICE_FIELD_MAP = {"offered_at": "when_date", "attended_at": "attended_date"}


@login_required
@require_http_methods(["GET", "POST"])
def first_appointment(request: HttpRequest, reference: str) -> HttpResponse:
    # A role that never works with referrals is refused before anything is looked up.
    if not (can_work_front_door(request.user) or sees_allocated_caseload(request.user)):
        raise PermissionDenied
    referral = referral_get_for(user=request.user, reference=reference, purpose="")
    if not allocation_services.first_appointment_may_record(referral=referral, by=request.user):
        raise PermissionDenied
    detail_url = reverse("referrals:detail", args=[referral.reference])
    is_open = referral.allows(Referral.Step.FIRST_APPOINTMENT)
    form = None
    if is_open:
        form = FirstAppointmentForm(request.POST if request.method == "POST" else None, referral=referral)
        if request.method == "POST" and form.is_valid():
            try:
                allocation_services.referral_first_appointment_record(
                    referral=referral,
                    by=request.user,
                    offered_at=form.cleaned_data["when"],
                    attended_at=form.cleaned_data["attended_at"],
                    did_not_attend=form.cleaned_data["attended"] == DID_NOT_ATTEND,
                    expected_version=form.expected_version,
                )
            except ValidationError as error:
                add_service_errors(form, error, field_map=SERVICE_FIELD_MAP, default="when_date")
            else:
                messages.success(request, _("First appointment saved"))
                return redirect(detail_url)
    context = {
        "referral": referral,
        "detail_url": detail_url,
        "form": form,
        "is_open": is_open,
        "not_open_message": allocation_services.FIRST_APPOINTMENT_NOT_OPEN,
    }
    return render(request, "referrals/appointments/first_appointment.html", context)


urlpatterns = [
    path("<str:reference>/appointment/", first_appointment, name="appointment"),
]
