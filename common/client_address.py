"""The address a request came from, for the sign-in lockout (django-axes) and the public
form's hourly limit: one function, so both count the same person the same way.

Behind TLS termination or a load balancer every request reaches Django from the proxy, so
``REMOTE_ADDR`` is the proxy's address: counting by it would lock every member of staff out
together and hold the whole public to one hourly limit. ``X-Forwarded-For`` says who the
proxy was talking to, but anyone can send that header, so it is believed only as far as
``settings.TRUSTED_PROXY_COUNT`` (``DJANGO_TRUSTED_PROXY_COUNT``) proxies of our own vouch
for it:

- ``0`` (the default, safe without a proxy): ``REMOTE_ADDR`` only; the header is ignored.
- ``N``: each of our N proxies appends the address it was connected from, so the client is
  the N-th address from the right. Anything to its left was sent by the client and is not
  believed. With fewer addresses than that (a request that bypassed a proxy), or one that
  is not an address, ``REMOTE_ADDR`` is used.

django-ipware counts proxies differently (it expects the first proxy's own address in the
header too), and gives no address at all for the commonest set-up, one proxy that appends
the client's address, so the lockout would again key everyone alike; hence this function,
which django-axes is told to use (``AXES_CLIENT_IP_CALLABLE``).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote
