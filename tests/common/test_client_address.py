"""Behind a proxy: the sign-in lockout and the public form's hourly limit count the client,
not the proxy, and believe X-Forwarded-For only as far as our own proxies vouch for it
(common/client_address.py, DJANGO_TRUSTED_PROXY_COUNT)."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from common.client_address import client_address
from referrals.models import Referral
from tests.referrals.test_public_referral import FORM_URL, answers

PROXY = "10.0.0.2"
PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory


def address(settings, proxies: int, forwarded: str | None, remote: str = PROXY) -> str:
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy of ours (the default): the header is the client's own word, ignored.
        (0, None, PROXY),
        (0, "198.51.100.7", PROXY),
        (0, "198.51.100.7, 203.0.113.9", PROXY),
        # One proxy: it appended the address it was connected from, the right-most.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the left one was sent by the client
        (1, " 2001:db8::1 ", "2001:db8::1"),
        # Two proxies: the outer one's entry, second from the right.
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (2, "203.0.113.9, 10.0.0.3", "203.0.113.9"),
        # A request that bypassed the proxy, or a header that is not an address: the connection.
        (1, None, PROXY),
        (1, "", PROXY),
        (2, "203.0.113.9", PROXY),
        (1, "not an address", PROXY),
        (1, "198.51.100.7, <script>", PROXY),
    ],
)
def test_the_client_address_believes_only_our_own_proxies(settings, proxies, forwarded, expected):
    assert address(settings, proxies, forwarded) == expected


def test_the_default_trusts_no_proxy():
    from django.conf import settings

    assert settings.TRUSTED_PROXY_COUNT == 0


# --- The public form's hourly limit ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def post_form(forwarded: str, remote: str = PROXY) -> int:
    return Client().post(FORM_URL, answers(), REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).status_code


def test_without_a_proxy_a_forged_header_does_not_escape_the_hourly_limit(db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 1

    assert post_form("198.51.100.1", remote="203.0.113.9") == 302
    assert post_form("198.51.100.2", remote="203.0.113.9") == 429
    assert Referral.objects.count() == 1


def test_behind_one_proxy_each_member_of_the_public_has_their_own_hourly_limit(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 1

    assert post_form("203.0.113.9") == 302
    assert post_form("198.51.100.20") == 302  # someone else, through the same proxy
    assert post_form("203.0.113.9") == 429
    # Forging an address to the left of what the proxy appended changes nothing.
    assert post_form("192.0.2.55, 203.0.113.9") == 429
    assert Referral.objects.count() == 2


# --- The sign-in lockout (django-axes) ---------------------------------------------------------


def sign_in(username: str, password: str, forwarded: str, remote: str = PROXY):
    return Client().post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


LOCKED_OUT = "Sorry, you cannot sign in yet"


def test_behind_one_proxy_a_lockout_locks_out_the_address_that_failed_not_everyone(settings, spoc_practitioner):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in("spoc", "not the password", forwarded="198.51.100.66")

    assert LOCKED_OUT in sign_in("spoc", PASSWORD, forwarded="198.51.100.66").content.decode()
    # The real member of staff, at another address behind the same proxy, still signs in.
    response = sign_in("spoc", PASSWORD, forwarded="203.0.113.9")
    assert response.status_code == 302


def test_without_a_proxy_a_forged_header_does_not_escape_the_lockout(settings, spoc_practitioner):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(5):
        sign_in("spoc", "not the password", forwarded=f"198.51.100.{number}", remote="203.0.113.50")

    response = sign_in("spoc", PASSWORD, forwarded="192.0.2.1", remote="203.0.113.50")
    assert LOCKED_OUT in response.content.decode()
