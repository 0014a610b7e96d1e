"""Recording the person's feedback on their SPOC experience (§3.2.9).

The front door only; other roles get 403 before anything is looked up, and a referral the
user may not see is a 404, as everywhere. Fetching the referral logs the view (SEC-2).
"""

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
from partnership.access import can_work_front_door
from referrals.forms.feedback import FeedbackForm
from referrals.selectors.referrals import referral_get_for
from referrals.services import feedback as feedback_services
from referrals.views.detail import REFERENCE


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, reference: str) -> HttpResponse:
    if not can_work_front_door(request.user):
        raise PermissionDenied
    referral = referral_get_for(user=request.user, reference=reference, purpose="Feedback")
    detail_url = reverse("referrals:detail", args=[referral.reference])
    existing = feedback_services.referral_feedback_get(referral=referral)
    initial = {"satisfaction": existing.satisfaction, "comment": existing.comment} if existing else {}
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        version_of=existing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            feedback_services.referral_feedback_record(
                referral=referral,
                by=request.user,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error, default="satisfaction")
        else:
            messages.success(request, _("Feedback saved"))
            return redirect(detail_url)
    context = {"referral": referral, "detail_url": detail_url, "form": form, "existing": existing}
    return render(request, "referrals/feedback/feedback.html", context)


urlpatterns = [
    re_path(rf"^{REFERENCE}/feedback/$", feedback, name="feedback"),
]
