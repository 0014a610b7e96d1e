"""Drug alert pages (SAF-5): the list, one alert (with who has read it, for those who issue
alerts), issuing, acknowledging (POST) and withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.forms.errors import add_service_errors
from common.pagination import paginate
from partnership.access import can_issue_drug_alerts, receives_drug_alerts
from safeguarding import alerts_services as services
from safeguarding.alerts_forms import DrugAlertForm, DrugAlertWithdrawForm
from safeguarding.alerts_selectors import drug_alert_get_for, drug_alert_readers, drug_alerts_for


@login_required
@require_http_methods(["GET"])
def alert_list(request):
    if not receives_drug_alerts(request.user):
        raise PermissionDenied
    may_issue = can_issue_drug_alerts(request.user)
    page = paginate(request, drug_alerts_for(user=request.user, include_past=may_issue), per_page=50)
    return render(request, "safeguarding/alerts/list.html", {"page": page, "may_issue": may_issue})


@login_required
@require_http_methods(["GET", "POST"])
def alert_new(request):
    if not can_issue_drug_alerts(request.user):
        raise PermissionDenied
    form = DrugAlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.drug_alert_issue(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alert issued: it is now shown to staff until they acknowledge it"))
            return redirect("safeguarding:drug_alert", alert_ref=alert.reference)
    return render(request, "safeguarding/alerts/form.html", {"form": form, "title": _("Issue a drug alert")})


@login_required
@require_http_methods(["GET"])
def alert_detail(request, alert_ref: str):
    alert = drug_alert_get_for(user=request.user, reference=alert_ref)
    may_issue = can_issue_drug_alerts(request.user)
    readers = drug_alert_readers(alert=alert) if may_issue else []
    context = {
        "alert": alert,
        "may_issue": may_issue,
        "readers": readers,
        "not_yet": [r for r in readers if r.acknowledged_at is None],
        "read": [r for r in readers if r.acknowledged_at is not None],
    }
    return render(request, "safeguarding/alerts/detail.html", context)


@login_required
@require_POST
def alert_acknowledge(request, alert_ref: str):
    alert = drug_alert_get_for(user=request.user, reference=alert_ref)
    services.drug_alert_acknowledge(alert=alert, by=request.user)
    messages.success(request, _("Thank you: alert %(reference)s acknowledged") % {"reference": alert.reference})
    back = request.POST.get("next", "")
    # Back to the page the banner was on: a path of ours, nothing else (no control characters).
    if (
        back.startswith("/")
        and back.isprintable()
        and len(back) <= 2000
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return redirect(back)
    return redirect("safeguarding:drug_alert", alert_ref=alert.reference)


@login_required
@require_http_methods(["GET", "POST"])
def alert_withdraw(request, alert_ref: str):
    alert = drug_alert_get_for(user=request.user, reference=alert_ref)
    if not can_issue_drug_alerts(request.user):
        raise PermissionDenied
    form = DrugAlertWithdrawForm(request.POST or None, alert=alert)
    if request.method == "POST" and form.is_valid():
        try:
            services.drug_alert_withdraw(
                alert=alert, by=request.user, reason=form.cleaned_data["reason"], expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alert withdrawn"))
            return redirect("safeguarding:drug_alert", alert_ref=alert.reference)
    context = {"form": form, "title": _("Withdraw the alert"), "alert": alert}
    return render(request, "safeguarding/alerts/form.html", context)
