"""Restricted referrals: marking one restricted, and breaking the glass on one (SEC-1, SEC-2).

Neither page shows anything personal: the break-glass page is what someone sees *before* they
are let in, and the restriction page is used by the safeguarding lead, who has no referral
pages yet. Both show the reference only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import re_path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import can_break_glass, can_restrict_records, sees_referral_pages
from referrals.break_glass import break_glass_references, open_in_session
from referrals.forms.access import break_glass_form, restrict_form, unrestrict_form
from referrals.models import Referral
from referrals.selectors import referrals as selectors
from referrals.services import access as services_access

REFERENCE = r"(?P<reference>R-[0-9A-Z]{8})"


def _next_url(request, referral: Referral) -> str:
    """Where to go once let in: the page asked for, if it is one of ours; else the referral."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("referrals:detail", args=[referral.reference])


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request, reference: str):
    """Ask why, log it, then let this session in for an hour (see referrals.break_glass)."""
    if not can_break_glass(request.user):
        raise PermissionDenied
    referral = selectors.referral_for_break_glass(user=request.user, reference=reference)
    next_url = _next_url(request, referral)
    already_in = (
        not referral.access_restricted
        or referral.reference in break_glass_references(request.user)
        or selectors.has_routine_access(user=request.user, referral=referral)
    )
    if already_in:
        return redirect(next_url)
    form = break_glass_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services_access.referral_break_glass(referral=referral, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error, default="reason")
        else:
            open_in_session(request, referral.reference)
            return redirect(next_url)
    return render(
        request,
        "referrals/restricted/break_glass.html",
        {"reference": referral.reference, "form": form, "next_url": next_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def restriction(request, reference: str):
    """Restrict a referral, or lift its restriction: managers and the safeguarding lead."""
    if not can_restrict_records(request.user):
        raise PermissionDenied
    referral = selectors.referral_for_restriction(user=request.user, reference=reference, purpose="Restriction page")
    restricted = referral.access_restricted
    form = (unrestrict_form if restricted else restrict_form)(
        request.POST if request.method == "POST" else None, referral=referral
    )
    if request.method == "POST" and form.is_valid():
        service = services_access.referral_unrestrict if restricted else services_access.referral_restrict
        try:
            service(
                referral=referral,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error, default="reason")
        else:
            if restricted:
                messages.success(request, _("The restriction on %(ref)s is lifted.") % {"ref": referral.reference})
            else:
                messages.success(request, _("Access to %(ref)s is now restricted.") % {"ref": referral.reference})
            if sees_referral_pages(request.user):
                return redirect("referrals:detail", reference=referral.reference)
            return redirect("referrals:access_restriction", reference=referral.reference)
    detail_href = reverse("referrals:detail", args=[referral.reference]) if sees_referral_pages(request.user) else None
    return render(
        request,
        "referrals/restricted/restriction.html",
        {"referral": referral, "form": form, "restricted": restricted, "detail_href": detail_href},
    )


urlpatterns = [
    re_path(rf"^{REFERENCE}/break-glass/$", break_glass, name="break_glass"),
    re_path(rf"^{REFERENCE}/access-restriction/$", restriction, name="access_restriction"),
]
