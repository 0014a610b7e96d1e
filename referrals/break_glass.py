"""Break-glass access to restricted referrals (SEC-1, SEC-2).

A restricted referral opens routinely only for its allocated worker, its allocated hub's team
and the safeguarding lead. Anyone else at the front door must say why before it opens; the
reason is written to the access log (``AccessLog.Action.BREAK_GLASS``), the allocated worker
sees it on the referral page, and the referral stays open to them for this session only, for
at most ``BREAK_GLASS_SECONDS``.

How the pieces meet:
- ``referrals.selectors.referral_get_for`` raises ``BreakGlassRequired`` for such a referral.
  It is a ``PermissionDenied``, so anywhere this middleware is missing the answer is a plain
  403: the rule fails closed.
- ``BreakGlassMiddleware`` turns that exception into a redirect to the break-glass page, and
  tells the selectors which references this session has opened, by setting
  ``user.break_glass_references`` (the way django-otp's middleware sets ``user.otp_device``).
"""

from __future__ import annotations

import time
from functools import partial
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

SESSION_KEY = "break_glass"
# An hour: long enough to deal with whatever made someone open the record, short enough that
# a forgotten tab does not leave it open for the day. The idle session timeout may end it sooner.
BREAK_GLASS_SECONDS = 60 * 60


class BreakGlassRequired(PermissionDenied):
    """The user may open this restricted referral only by giving a reason first."""

    def __init__(self, reference: str):
        super().__init__("This referral is restricted.")
        self.reference = reference


def _live(grants, now: float) -> dict[str, float]:
    if not isinstance(grants, dict):
        return {}
    return {ref: expiry for ref, expiry in grants.items() if isinstance(expiry, (int, float)) and expiry > now}


def references_in_session(session, *, now: float | None = None) -> frozenset[str]:
    """The referral references this session has broken the glass on and not yet timed out."""
    return frozenset(_live(session.get(SESSION_KEY), now or time.time()))


def open_in_session(request, reference: str) -> None:
    """Let this session into the referral for ``BREAK_GLASS_SECONDS``. Call only after the
    reason is in the access log."""
    now = time.time()
    grants = _live(request.session.get(SESSION_KEY), now)
    grants[reference] = now + BREAK_GLASS_SECONDS
    request.session[SESSION_KEY] = grants


def break_glass_url(reference: str, *, next_url: str) -> str:
    """The break-glass page for a restricted referral, coming back to ``next_url`` once let in."""
    return f"{reverse('referrals:break_glass', args=[reference])}?{urlencode({'next': next_url})}"


def break_glass_references(user) -> frozenset[str]:
    """What the selectors consult: empty for a user not seen through the middleware (a
    service, a task, a test calling a selector directly), so nothing opens by accident."""
    return getattr(user, "break_glass_references", frozenset())


def _annotate(user, request):
    if user.is_authenticated:
        user.break_glass_references = references_in_session(request.session)
    return user


class BreakGlassMiddleware:
    """Goes after AuthenticationMiddleware (it needs ``request.user`` and the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            # Lazy, like request.user itself: pages that never ask who is signed in pay nothing.
            request.user = SimpleLazyObject(partial(_annotate, user, request))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BreakGlassRequired) and request.user.is_authenticated:
            return redirect(break_glass_url(exception.reference, next_url=request.get_full_path()))
        return None
