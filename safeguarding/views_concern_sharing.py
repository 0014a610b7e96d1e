"""Sharing a safeguarding concern with the Treatment Service on a recorded basis, and withdrawing
the share (SAF-1). Thin views: a role that may not share is refused (403) before anything is
looked up; the concern comes through ``selectors_concerns.concern_get_for`` (404 and the access
log); the service decides, logs the disclosure and grants or takes back the access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.forms.errors import add_service_errors
from partnership.access import can_share_concerns
from safeguarding import selectors_concern_sharing as sharing
from safeguarding import selectors_concerns as selectors
from safeguarding import services_concern_sharing as services
from safeguarding.forms_concern_sharing import ConcernShareForm, ConcernShareWithdrawForm
from safeguarding.views_concerns import _form_page


def _concern(request, concern_ref: str, purpose: str):
    if not can_share_concerns(request.user):
        raise PermissionDenied
    return selectors.concern_get_for(user=request.user, reference=concern_ref, purpose=purpose)


def _concern_url(concern) -> str:
    return reverse("safeguarding:concern", kwargs={"concern_ref": concern.reference}) + "#sharing"


@login_required
@require_http_methods(["GET", "POST"])
def concern_share(request, concern_ref):
    concern = _concern(request, concern_ref, "Share a concern with the Treatment Service")
    form = ConcernShareForm(request.POST or None, organisations=sharing.share_options(concern=concern))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_share(
                concern=concern,
                organisation=data["organisation"],
                lawful_basis=data["lawful_basis"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Concern shared with %(organisation)s") % {"organisation": data["organisation"].name}
            )
            return redirect(_concern_url(concern))
    return _form_page(
        request,
        concern.person,
        form,
        title=_("Share the concern with the Treatment Service"),
        back=_concern_url(concern),
        concern=concern,
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_share_withdraw(request, concern_ref, share_pk):
    concern = _concern(request, concern_ref, "Stop sharing a concern")
    share = sharing.standing_share_get(concern=concern, pk=share_pk)
    if share is None:
        raise Http404
    share.concern = concern
    form = ConcernShareWithdrawForm(request.POST or None, share=share)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_share_withdraw(
                share=share, reason=form.cleaned_data["reason"], by=request.user, expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(organisation)s no longer sees the concern") % {"organisation": share.organisation.name}
            )
            return redirect(_concern_url(concern))
    title = _("Stop sharing the concern with %(organisation)s") % {"organisation": share.organisation.name}
    return _form_page(request, concern.person, form, title=title, back=_concern_url(concern), concern=concern)
