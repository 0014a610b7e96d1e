"""The second factor for staff (SEC-3): an authenticator app (TOTP, django-otp).

Signing in takes two steps. The sign-in page checks the username and password (through
``authenticate(request=...)``, so django-axes counts failures and locks a username and address
out after five). Then ``OTPRequiredMiddleware`` sends the signed-in but unverified member of
staff to the code page, or, the first time, to set up an authenticator app, and lets them
nowhere else until a code is right. Wrong codes are throttled by django-otp's device throttling
(each wrong code doubles the wait before the next).

``settings.ERS_OTP_REQUIRED`` switches the requirement; local settings turn it off for the
demo and production refuses to start without it.
"""

from __future__ import annotations

import math
from base64 import b32encode

import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.auth_forms import WRONG_CODE, SecurityCodeForm

DEVICE_NAME = "Authenticator app"
APP_SET_UP = _("Your authenticator app is set up. You will need a code from it each time you sign in.")
# Followed by how long to wait (see _throttled_message).
TOO_MANY_WRONG_CODES = _("You have entered too many wrong codes.")

# Pages a signed-in member of staff may use before their code is verified, besides the public
# self-referral pages, language switching and static files.
_OPEN_URL_NAMES = ("login", "logout", "otp_verify", "otp_enrol")
_OPEN_PREFIXES = ("/refer/", "/i18n/")


def _open_paths() -> tuple[tuple[str, ...], tuple[str, ...]]:
    exact = tuple(reverse(name) for name in _OPEN_URL_NAMES)
    prefixes = (*_OPEN_PREFIXES, reverse("password_reset"), "/" + settings.STATIC_URL.lstrip("/"))
    return exact, prefixes


def needs_no_second_factor(path: str) -> bool:
    exact, prefixes = _open_paths()
    return path in exact or path.startswith(prefixes)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class OTPRequiredMiddleware:
    """Every page but the open ones needs a session verified with a code. A signed-in member of
    staff who has not entered one goes to the code page, or to set up an app if they have none,
    with the page they asked for kept in ``next``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ERS_OTP_REQUIRED and not needs_no_second_factor(request.path_info):
            user = request.user
            if user.is_authenticated and not _is_verified(user):
                step = "otp_verify" if confirmed_device(user) else "otp_enrol"
                return redirect_to_login(request.get_full_path(), reverse(step))
        return self.get_response(request)


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _next_url(request) -> str:
    """Where to go once the code is right: ``next`` if it is a page of this site, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _redirect_with_next(url_name: str, next_url: str):
    return redirect_to_login(next_url, reverse(url_name))


def _throttled_message(device: TOTPDevice) -> str | None:
    """What to say if the device refuses codes for now after repeated wrong ones."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return str(TOO_MANY_WRONG_CODES)
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    wait = ngettext(
        "Wait %(seconds)s second, then enter the code your authenticator app shows now.",
        "Wait %(seconds)s seconds, then enter the code your authenticator app shows now.",
        seconds,
    ) % {"seconds": seconds}
    return f"{TOO_MANY_WRONG_CODES} {wait}"


def _check_code(request, device: TOTPDevice, form: SecurityCodeForm) -> bool:
    """Ask the device whether the code is right; add the specific message to the form if not."""
    throttled = _throttled_message(device)
    if throttled:
        form.add_error("code", throttled)
        return False
    if verify_token(request.user, device.persistent_id, form.cleaned_data["code"]) is None:
        form.add_error("code", WRONG_CODE)
        return False
    return True


def _mark_verified(request, device: TOTPDevice) -> None:
    # A new session key for the more trusted session, as Django does at sign-in.
    request.session.cycle_key()
    device.refresh_from_db()
    otp_login(request, device)


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request):
    """Step two of signing in: the 6-digit code from the member of staff's authenticator app."""
    next_url = _next_url(request)
    if _is_verified(request.user):
        return HttpResponseRedirect(next_url)
    device = confirmed_device(request.user)
    if device is None:
        return _redirect_with_next("otp_enrol", next_url)

    form = SecurityCodeForm(request.POST or None, button=_("Continue"))
    if request.method == "POST" and form.is_valid() and _check_code(request, device, form):
        _mark_verified(request, device)
        return HttpResponseRedirect(next_url)
    return render(request, "partnership/two_factor/verify.html", {"form": form, "next": next_url})


def _grouped(secret: str, size: int = 4) -> str:
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an SVG data URI for an <img>, so the page
    needs no inline styles under the Content Security Policy."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c")


@never_cache
@sensitive_post_parameters("code")
@login_required
def enrol(request):
    """First sign-in: set up an authenticator app. The device is unconfirmed until the member
    of staff enters a code from it, so a half-finished set-up never counts."""
    next_url = _next_url(request)
    if _is_verified(request.user):
        return HttpResponseRedirect(next_url)
    if confirmed_device(request.user) is not None:
        # Replacing an app needs an administrator (or the old app): never a password alone.
        return _redirect_with_next("otp_verify", next_url)

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)

    form = SecurityCodeForm(request.POST or None, button=_("Continue"), label=_("Enter the 6-digit code the app shows"))
    if request.method == "POST" and form.is_valid() and _check_code(request, device, form):
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        _mark_verified(request, device)
        messages.success(request, APP_SET_UP)
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "partnership/two_factor/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": qr_code_data_uri(device),
            "secret": _grouped(b32encode(device.bin_key).decode("ascii")),
            "account_name": request.user.get_username(),
        },
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): when to try again and who can help.
    It never repeats the username."""
    cool_off = get_cool_off(request)
    context = {}
    if cool_off:
        context["try_again_at"] = timezone.localtime(timezone.now() + cool_off)
        context["cool_off_minutes"] = int(cool_off.total_seconds() // 60)
    # django-axes' own status: 429 Too Many Requests unless AXES_HTTP_RESPONSE_CODE says otherwise.
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
