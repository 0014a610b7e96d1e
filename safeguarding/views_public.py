"""The public complaints and compliments form (SAF-4, §3.17.1) at /complaints/: no sign-in.

It runs the one public-form flow the self-referral form runs (common.public_forms): the
honeypot, the hourly limit per connection (settings.PUBLIC_COMPLAINT_RATE_LIMIT), one complaint
for a double-clicked submit, the language buttons that keep what was typed, and the reference
(and whether it was a compliment) in the session for the confirmation page.
"""

from __future__ import annotations

import logging

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.public_forms import PublicForm, public_done_view, public_form_view
from safeguarding.forms_public import PublicComplaintForm
from safeguarding.models import new_complaint_reference
from safeguarding.services_complaints import complaint_receive_public

logger = logging.getLogger(__name__)

SESSION_REFERENCE_KEY = "public_complaint_reference"
SESSION_KIND_KEY = "public_complaint_kind"
FORM_ID = "public-complaint-form"


def _render_form(request, form):
    context = {
        "form": form,
        "language_form_id": FORM_ID,
        "language_form_action": reverse("safeguarding_public:form"),
        "language_submit_label": _("Send"),
    }
    return render(request, "safeguarding/public/form.html", context)


def _kind(form, complaint) -> dict:
    return {SESSION_KIND_KEY: complaint.kind if complaint is not None else form.cleaned_data["kind"]}


PAGE = PublicForm(
    form_class=PublicComplaintForm,
    render_form=_render_form,
    rate_limited_template="safeguarding/public/rate_limited.html",
    rate_limit_setting="PUBLIC_COMPLAINT_RATE_LIMIT",
    rate_key_prefix="public-complaint-rate",
    done_url="safeguarding_public:done",
    session_reference_key=SESSION_REFERENCE_KEY,
    save=lambda form: complaint_receive_public(
        data=form.complaint_data(), submission_token=form.cleaned_data["submission_token"]
    ),
    fake_reference=new_complaint_reference,
    log_name="Public complaints form",
    log_received="Public complaint received",
    logger=logger,
    session_extra=_kind,
)


complaint_form = public_form_view(PAGE)
done = public_done_view(
    PAGE,
    template="safeguarding/public/done.html",
    back="safeguarding_public:form",
    context=lambda request: {"compliment": request.session.get(SESSION_KIND_KEY) == "compliment"},
)
