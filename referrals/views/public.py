"""The public self-referral pages (REF-3): a start page, the form and the confirmation.

No login. The form never says whether the person is already known to the service: the
duplicate check (REF-4) happens at triage, out of sight, and everyone gets the same reply.

Abuse guards that do not lock out real people:
- a honeypot box that people never see; a bot that fills it in gets the usual confirmation
  page, but nothing is saved;
- a generous limit on referrals per connection per hour (settings.PUBLIC_REFERRAL_RATE_LIMIT),
  counted in the Django cache under a keyed hash of the address (common.client_address, the
  same address the sign-in lockout counts), never the address itself.
  No rate-limit library is installed, and this needs only a counter, so it is done here.
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
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from common.client_address import client_address
from common.forms.errors import add_service_errors
from referrals.forms.public import PublicReferralForm
from referrals.models import Referral, new_reference
from referrals.services import referrals as services

logger = logging.getLogger(__name__)

# The reference shown on the confirmation page travels in the session, never in the URL.
SESSION_REFERENCE_KEY = "public_referral_reference"
RATE_LIMIT_WINDOW_SECONDS = 60 * 60
# The form page's language buttons send the form with this name (see
# templates/includes/language_chooser.html): the page comes back in the language chosen with
# everything typed so far, unvalidated. Nothing is stored: the answers go back to the browser.
CHANGE_LANGUAGE = "change_language"
FORM_ID = "public-referral-form"


def _client_key(request) -> str:
    """A cache key for the connection: an HMAC of the address, so neither the cache nor a log
    line ever holds the address itself, and the hash cannot be reversed by trying addresses."""
    address = client_address(request) or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"public-referral-rate:{digest}"


def _over_rate_limit(key: str) -> bool:
    return (cache.get(key) or 0) >= settings.PUBLIC_REFERRAL_RATE_LIMIT


def _count_submission(key: str) -> None:
    # add() starts the hour's window; incr() is atomic on Redis and memcached.
    if not cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS)


@login_not_required
@require_GET
def start(request):
    return render(request, "referrals/public/start.html")


def _as_typed(request) -> PublicReferralForm:
    """An unbound form showing what was typed (each field read as the form itself would read
    it), so nothing is validated and no error is shown. The honeypot is never carried over."""
    blank = PublicReferralForm()
    initial = {
        name: field.widget.value_from_datadict(request.POST, request.FILES, blank.add_prefix(name))
        for name, field in blank.fields.items()
        if name != "homepage"
    }
    if not initial.get("submission_token"):
        initial["submission_token"] = str(uuid.uuid4())
    return PublicReferralForm(initial=initial)


def _change_language(request):
    language = request.POST.get(CHANGE_LANGUAGE, "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response = render(request, "referrals/public/form.html", {"form": _as_typed(request), "language_form_id": FORM_ID})
    # As Django's set_language view does: the choice lasts for the other public pages.
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
def referral_form(request):
    if request.method == "POST" and CHANGE_LANGUAGE in request.POST:
        return _change_language(request)
    if request.method == "POST":
        key = _client_key(request)
        if _over_rate_limit(key):
            logger.warning("Public referral form: hourly limit reached for client %s", key[-12:])
            response = render(request, "referrals/public/rate_limited.html", status=429)
            response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
            return response

        form = PublicReferralForm(request.POST)
        if form.is_valid():
            if form.is_bot:
                # Looks exactly like success, so the bot learns nothing; nothing is stored.
                _count_submission(key)
                logger.info("Public referral form: honeypot filled in, nothing saved (client %s)", key[-12:])
                request.session[SESSION_REFERENCE_KEY] = new_reference()
                return redirect("public:done")
            try:
                referral, created = services.referral_create(
                    data=form.referral_data(),
                    channel=Referral.Channel.ONLINE,
                    by=None,
                    submission_token=form.cleaned_data["submission_token"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, field_map=form.MODEL_TO_FORM_FIELD)
            else:
                if created:
                    _count_submission(key)
                    logger.info("Public referral received: %s", referral.reference)
                # A double-clicked submit finds the same referral and shows the same reference.
                request.session[SESSION_REFERENCE_KEY] = referral.reference
                return redirect("public:done")
    else:
        form = PublicReferralForm(initial={"submission_token": str(uuid.uuid4())})
    return render(request, "referrals/public/form.html", {"form": form, "language_form_id": FORM_ID})


@login_not_required
@never_cache
@require_GET
def done(request):
    reference = request.session.get(SESSION_REFERENCE_KEY)
    if not reference:
        return redirect("public:start")
    return render(request, "referrals/public/done.html", {"reference": reference})
