"""The one flow of a public form (no sign-in): the self-referral form (REF-3) and the complaints
and compliments form (SAF-4) both run it, each with its own form, templates, limit and service.

Guards that do not lock out real people:
- a honeypot box that people never see (the form's ``homepage`` field, ``form.is_bot``): a bot
  that fills it in gets the usual confirmation page, with a made-up reference, and nothing is
  saved;
- a generous limit on submissions per connection per hour (a setting named by the form),
  counted in the Django cache under a keyed hash of the address (common.client_address, the
  same address the sign-in lockout counts), never the address itself. No rate-limit library is
  installed, and this needs only a counter, so it is done here;
- the same form sent twice (a double click) saves once: the form carries a submission token
  and the service returns the first record for it, whose reference both requests show;
- the language buttons (templates/includes/language_chooser.html) send what has been typed so
  far under ``change_language``: the page comes back in the language chosen with everything
  kept, unvalidated; nothing is stored, the answers go back to the browser;
- the reference for the confirmation page travels in the session, never in the URL.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from common.client_address import client_address
from common.forms.errors import add_service_errors

RATE_LIMIT_WINDOW_SECONDS = 60 * 60
# The name the language buttons send the form with.
CHANGE_LANGUAGE = "change_language"
HONEYPOT = "homepage"


@dataclass(frozen=True)
class PublicForm:
    """What one public form is made of; the flow is the same for every one."""

    form_class: type[forms.Form]
    # ``render_form(request, form)``: the form page, drawn by the form's own module (its
    # template, and the language buttons' ``language_form_id`` and anything else it needs).
    render_form: Callable[[Any, Any], HttpResponse]
    rate_limited_template: str
    # The name of the setting holding the hourly limit (read on every post: tests change it).
    rate_limit_setting: str
    # Each form counts its own submissions: the cache key's prefix.
    rate_key_prefix: str
    # Where a sent form goes (a URL name); the confirmation reads the session.
    done_url: str
    session_reference_key: str
    # ``save(form) -> (record, created)``: the service, given the valid form.
    save: Callable[[Any], tuple[Any, bool]]
    # A reference shaped like a real one, for a bot.
    fake_reference: Callable[[], str]
    # How the log names the form and a new record: "Public referral form", "Public referral received".
    log_name: str
    log_received: str
    logger: logging.Logger
    # Anything else the confirmation page needs from the session: ``(form, record or None) -> {key: value}``.
    session_extra: Callable[[Any, Any], dict] = field(default=lambda form, record: {})


def client_key(request, prefix: str) -> str:
    """A cache key for the connection: an HMAC of the address, so neither the cache nor a log
    line ever holds the address itself, and the hash cannot be reversed by trying addresses."""
    address = client_address(request) or "unknown"
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{prefix}:{digest}"


def _over_rate_limit(page: PublicForm, key: str) -> bool:
    return (cache.get(key) or 0) >= getattr(settings, page.rate_limit_setting)


def _count_submission(key: str) -> None:
    # add() starts the hour's window; incr() is atomic on Redis and memcached.
    if not cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS)


def _new_form(page: PublicForm, initial: dict | None = None):
    initial = dict(initial or {})
    if not initial.get("submission_token"):
        initial["submission_token"] = str(uuid.uuid4())
    return page.form_class(initial=initial)


def _as_typed(request, page: PublicForm):
    """An unbound form showing what was typed (each field read as the form itself would read
    it), so nothing is validated and no error is shown. The honeypot is never carried over."""
    blank = page.form_class()
    initial = {
        name: field.widget.value_from_datadict(request.POST, request.FILES, blank.add_prefix(name))
        for name, field in blank.fields.items()
        if name != HONEYPOT
    }
    return _new_form(page, initial)


def _change_language(request, page: PublicForm) -> HttpResponse:
    language = request.POST.get(CHANGE_LANGUAGE, "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    response = page.render_form(request, _as_typed(request, page))
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


def _remember(request, page: PublicForm, form, record, reference: str) -> HttpResponse:
    request.session[page.session_reference_key] = reference
    request.session.update(page.session_extra(form, record))
    return redirect(page.done_url)


def public_form_view(page: PublicForm) -> Callable:
    """The form page (GET and POST): no sign-in, never cached."""

    @login_not_required
    @never_cache
    @require_http_methods(["GET", "POST"])
    def view(request):
        return public_form_page(request, page)

    return view


def public_done_view(
    page: PublicForm, *, template: str, back: str, context: Callable[[Any], dict] = lambda request: {}
) -> Callable:
    """The confirmation page: the reference the session holds, or back to ``back`` (a URL
    name) when nothing was sent. ``context(request)`` adds what else the template needs."""

    @login_not_required
    @never_cache
    @require_GET
    def view(request):
        reference = request.session.get(page.session_reference_key)
        if not reference:
            return redirect(back)
        return render(request, template, {"reference": reference, **context(request)})

    return view


def public_form_page(request, page: PublicForm) -> HttpResponse:
    """The form page's flow (GET and POST)."""
    if request.method != "POST":
        return page.render_form(request, _new_form(page))
    if CHANGE_LANGUAGE in request.POST:
        return _change_language(request, page)
    key = client_key(request, page.rate_key_prefix)
    if _over_rate_limit(page, key):
        page.logger.warning("%s: hourly limit reached for client %s", page.log_name, key[-12:])
        response = render(request, page.rate_limited_template, status=429)
        response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
        return response
    form = page.form_class(request.POST)
    if form.is_valid():
        if form.is_bot:
            # Looks exactly like success, so the bot learns nothing; nothing is stored.
            _count_submission(key)
            page.logger.info("%s: honeypot filled in, nothing saved (client %s)", page.log_name, key[-12:])
            return _remember(request, page, form, None, page.fake_reference())
        try:
            record, created = page.save(form)
        except ValidationError as error:
            add_service_errors(form, error, field_map=getattr(form, "MODEL_TO_FORM_FIELD", None))
        else:
            if created:
                _count_submission(key)
                page.logger.info("%s: %s", page.log_received, record.reference)
            # A double-clicked submit finds the same record and shows the same reference.
            return _remember(request, page, form, record, record.reference)
    return page.render_form(request, form)
