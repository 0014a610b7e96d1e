"""Withdrawing a referral to the Treatment Service before it is sent (§3.2.6: nothing left
waiting that no one means to send). Those who may send one may withdraw it, with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import can_share_records
from referrals.forms.treatment_withdraw import TreatmentWithdrawForm
from referrals.models import Referral, TreatmentReferral
from referrals.models.references import TREATMENT_REFERRAL_PATTERN
from referrals.selectors import referrals as selectors
from referrals.selectors import sharing as selectors_sharing
from referrals.services import treatment as services_treatment
from referrals.views.detail import REFERENCE


@login_required
@require_http_methods(["GET", "POST"])
def treatment_withdraw(request: HttpRequest, reference: str, treatment_ref: str) -> HttpResponse:
    referral = selectors.referral_get_for(
        user=request.user, reference=reference, purpose="Withdraw a referral to the Treatment Service"
    )
    if not can_share_records(request.user):
        raise PermissionDenied
    treatment_referral = selectors_sharing.treatment_referral_for_sending(referral=referral, reference=treatment_ref)
    detail_url = reverse("referrals:detail", args=[referral.reference])
    # A stale page posted after someone else sent or withdrew it: the form says who (SEC-5).
    if treatment_referral.status != TreatmentReferral.Status.PENDING and request.method == "GET":
        messages.info(request, _("That referral to the Treatment Service is no longer waiting to be sent."))
        return redirect(detail_url)
    form = TreatmentWithdrawForm(request.POST if request.method == "POST" else None, version_of=treatment_referral)
    if request.method == "POST" and form.is_valid():
        try:
            services_treatment.treatment_referral_withdraw(
                treatment_referral=treatment_referral,
                by=request.user,
                because=form.cleaned_data["because"],
                detail=form.cleaned_data["detail"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error, default="because")
        else:
            referral.refresh_from_db(fields=["status"])
            if referral.status == Referral.Status.CLOSED:
                messages.success(
                    request,
                    _(
                        "Referral to the Treatment Service withdrawn. The referral is closed, as its triage "
                        "outcome was a referral to the Treatment Service only: reopen triage to offer ERS support."
                    ),
                )
            else:
                messages.success(request, _("Referral to the Treatment Service withdrawn."))
            return redirect(detail_url)
    context = {
        "referral": referral,
        "treatment_referral": treatment_referral,
        "detail_url": detail_url,
        "form": form,
    }
    return render(request, "referrals/sharing/treatment_withdraw.html", context)


urlpatterns = [
    re_path(
        rf"^{REFERENCE}/treatment/(?P<treatment_ref>{TREATMENT_REFERRAL_PATTERN})/withdraw/$",
        treatment_withdraw,
        name="treatment_withdraw",
    ),
]
