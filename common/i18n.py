"""Which pages follow the language a person chose, and which are always English.

The public self-referral pages (under ``settings.PUBLIC_PATH_PREFIXES``, /refer/), including
their error pages, come in the language chosen with the language chooser (English or Polish).
Staff pages are always in English: a member of staff who tried the public form in Polish, or
who shares a browser with someone who did, still gets English staff pages.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def is_public_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.PUBLIC_PATH_PREFIXES)


class StaffPagesInEnglishMiddleware:
    """After LocaleMiddleware: outside the public pages, English whatever the language cookie
    or the browser asks for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_path(request.path_info):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def public_pages(request) -> dict:
    """Context processor: error pages (404, CSRF failure) on a public path wear the public
    layout, with the language chooser and the service's phone number."""
    return {"is_public_page": is_public_path(request.path_info)}
