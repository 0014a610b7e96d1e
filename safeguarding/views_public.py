"""The public complaints and compliments form (SAF-4, §3.17.1) at /complaints/: no sign-in.

Built like the self-referral form (referrals.views.public), with its guards:
- a honeypot box people never see; a bot that fills it in gets the usual confirmation page and
  nothing is saved;
- a limit on submissions per connection per hour (settings.PUBLIC_COMPLAINT_RATE_LIMIT),
  counted in the cache under a keyed hash of the address, never the address itself;
- the same form sent twice (a double click) makes one complaint;
- the language buttons send what has been typed so far, and the page comes back in the
  language chosen with everything kept; a mistake re-shows the page with everything typed;
- the reference for the confirmation page travels in the session, never in the URL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from common.client_address import client_address
from common.forms.errors import add_service_errors
from safeguarding.forms_public import PublicComplaintForm
from safeguarding.models import new_complaint_reference
from safeguarding.services_complaints import complaint_receive_public

logger = logging.getLogger(__name__)

SESSION_REFERENCE_KEY = "public_complaint_reference"
SESSION_KIND_KEY = "public_complaint_kind"
RATE_LIMIT_WINDOW_SECONDS = 60 * 60
CHANGE_LANGUAGE = "change_language"
FORM_ID = "public-complaint-form"


def _client_key(request) -> str:
    address = client_address(request) or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"public-complaint-rate:{digest}"


def _over_rate_limit(key: str) -> bool:
    return (cache.get(key) or 0) >= settings.PUBLIC_COMPLAINT_RATE_LIMIT


def _count_submission(key: str) -> None:
    if not cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:
            cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS)


def _render_form(request, form):
    context = {
        "form": form,
        "language_form_id": FORM_ID,
        "language_form_action": reverse("safeguarding_public:form"),
        "language_submit_label": _("Send"),
    }
    return render(request, "safeguarding/public/form.html", context)


def _as_typed(request) -> PublicComplaintForm:
    """What was typed, unvalidated and without errors (the honeypot never carried over)."""
    blank = PublicComplaintForm()
    initial = {
        name: field.widget.value_from_datadict(request.POST, request.FILES, blank.add_prefix(name))
        for name, field in blank.fields.items()
        if name != "homepage"
    }
    if not initial.get("submission_token"):
        initial["submission_token"] = str(uuid.uuid4())
    return PublicComplaintForm(initial=initial)


def _change_language(request):
    language = request.POST.get(CHANGE_LANGUAGE, "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response = _render_form(request, _as_typed(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request):
    if request.method == "POST" and CHANGE_LANGUAGE in request.POST:
        return _change_language(request)
    if request.method == "POST":
        key = _client_key(request)
        if _over_rate_limit(key):
            logger.warning("Public complaints form: hourly limit reached for client %s", key[-12:])
            response = render(request, "safeguarding/public/rate_limited.html", status=429)
            response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
            return response
        form = PublicComplaintForm(request.POST)
        if form.is_valid():
            if form.is_bot:
                _count_submission(key)
                logger.info("Public complaints form: honeypot filled in, nothing saved (client %s)", key[-12:])
                request.session[SESSION_REFERENCE_KEY] = new_complaint_reference()
                request.session[SESSION_KIND_KEY] = form.cleaned_data["kind"]
                return redirect("safeguarding_public:done")
            try:
                complaint, created = complaint_receive_public(
                    data=form.complaint_data(), submission_token=form.cleaned_data["submission_token"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    _count_submission(key)
                    logger.info("Public complaint received: %s", complaint.reference)
                request.session[SESSION_REFERENCE_KEY] = complaint.reference
                request.session[SESSION_KIND_KEY] = complaint.kind
                return redirect("safeguarding_public:done")
    else:
        form = PublicComplaintForm(initial={"submission_token": str(uuid.uuid4())})
    return _render_form(request, form)


@login_not_required
@never_cache
@require_GET
def done(request):
    reference = request.session.get(SESSION_REFERENCE_KEY)
    if not reference:
        return redirect("safeguarding_public:form")
    context = {"reference": reference, "compliment": request.session.get(SESSION_KIND_KEY) == "compliment"}
    return render(request, "safeguarding/public/done.html", context)
