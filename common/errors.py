"""The server error page (handler500), translated on the public pages.

Rendered without the request's context processors (they may be what failed), from a template
that needs nothing but the phone number and whether the page is a public one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseServerError
from django.template import loader
from django.utils import translation

from common.i18n import is_public_path


def server_error(request):
    public = is_public_path(request.path_info)
    # The failure may have come before LocaleMiddleware ran: decide the language afresh.
    language = translation.get_language_from_request(request) if public else settings.LANGUAGE_CODE
    with translation.override(language):
        body = loader.get_template("500.html").render(
            {
                "is_public_page": public,
                "service_phone": settings.SERVICE_PHONE,
                "LANGUAGE_CODE": translation.get_language(),
            }
        )
    return HttpResponseServerError(body)
