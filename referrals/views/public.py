"""The public self-referral pages (REF-3): a start page, the form and the confirmation.

No login. The form never says whether the person is already known to the service: the
duplicate check (REF-4) happens at triage, out of sight, and everyone gets the same reply.

The form runs the one public-form flow (common.public_forms): the honeypot, the hourly limit
per connection (settings.PUBLIC_REFERRAL_RATE_LIMIT), one referral for a double-clicked submit,
the language buttons that keep what was typed, and the reference in the session.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.public_forms import CHANGE_LANGUAGE, PublicForm, public_done_view, public_form_view
from referrals.forms.public import PublicReferralForm
from referrals.models import Referral, new_reference
from referrals.services import referrals as services

logger = logging.getLogger(__name__)

__all__ = ["CHANGE_LANGUAGE", "SESSION_REFERENCE_KEY", "done", "referral_form", "start"]

# The reference shown on the confirmation page travels in the session, never in the URL.
SESSION_REFERENCE_KEY = "public_referral_reference"
FORM_ID = "public-referral-form"


def _render_form(request, form):
    return render(request, "referrals/public/form.html", {"form": form, "language_form_id": FORM_ID})


PAGE = PublicForm(
    form_class=PublicReferralForm,
    render_form=_render_form,
    rate_limited_template="referrals/public/rate_limited.html",
    rate_limit_setting="PUBLIC_REFERRAL_RATE_LIMIT",
    rate_key_prefix="public-referral-rate",
    done_url="public:done",
    session_reference_key=SESSION_REFERENCE_KEY,
    save=lambda form: services.referral_create(
        data=form.referral_data(),
        channel=Referral.Channel.ONLINE,
        by=None,
        submission_token=form.cleaned_data["submission_token"],
    ),
    fake_reference=new_reference,
    log_name="Public referral form",
    log_received="Public referral received",
    logger=logger,
)


@login_not_required
@require_GET
def start(request):
    return render(request, "referrals/public/start.html")


referral_form = public_form_view(PAGE)
done = public_done_view(PAGE, template="referrals/public/done.html", back="public:start")
