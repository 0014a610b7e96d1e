"""Headers every response carries beyond Django's and django-csp's (SEC-3).

- ``Cache-Control: no-store``: almost every page of this service holds personal data (a
  queue, a caseload, a person, the public form as typed, a reset link's form), and a page
  kept by a shared browser's cache or a proxy can be read by the next person at that machine.
  So the rule is simply "everything but static files": a rule about which pages hold personal
  data would have to be remembered by every new page, and forgetting it leaks.
- ``Permissions-Policy``: the service needs no camera, microphone, location, payment or
  device access, so no page (nor anything injected into one) may ask the browser for them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

# Every powerful feature a page could ask the browser for, each allowed to no origin.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


def is_static_path(path: str) -> bool:
    return path.startswith("/" + settings.STATIC_URL.lstrip("/"))


class PrivacyHeadersMiddleware:
    """Before WhiteNoise, so static files get the Permissions-Policy too (and stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not is_static_path(request.path_info):
            patch_cache_control(response, no_store=True, private=True)
        return response
