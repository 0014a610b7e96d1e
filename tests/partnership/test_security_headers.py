"""Secure headers, cookies and the idle timeout (SEC-3): a strict Content Security Policy whose
nonce matches every inline script, and the other headers NCSC guidance asks for."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ReferralFactory

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_inline_scripts_carry_the_nonce(response) -> None:
    policy = directives(response)
    nonces = [v.removeprefix("'nonce-").removesuffix("'") for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1, policy["script-src"]
    html = response.content.decode()
    inline = INLINE_SCRIPT.findall(html)
    assert inline, "expected at least base.html's inline script"
    for attributes in inline:
        assert f'nonce="{nonces[0]}"' in attributes, attributes


def assert_strict_policy(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def assert_other_headers(response) -> None:
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def staff_pages(spoc_practitioner):
    referral = ReferralFactory()
    return [
        reverse("referrals:queue"),
        reverse("referrals:new"),
        reverse("referrals:detail", args=[referral.reference]),
    ]


def test_staff_pages_send_a_strict_policy_whose_nonce_matches_the_inline_scripts(
    client, spoc_practitioner, staff_pages
):
    client.force_login(spoc_practitioner)

    for url in staff_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert_inline_scripts_carry_the_nonce(response)
        assert_other_headers(response)
        assert 'style="' not in response.content.decode(), url


@pytest.mark.parametrize("url_name", ["public:start", "public:form", "login", "password_reset"])
def test_public_pages_send_the_same_policy(db, url_name):
    response = Client().get(reverse(url_name))

    assert response.status_code == 200
    assert_strict_policy(response)
    assert_inline_scripts_carry_the_nonce(response)
    assert_other_headers(response)
    assert 'style="' not in response.content.decode()


def test_each_page_gets_a_fresh_nonce(db):
    browser = Client()

    first = directives(browser.get(reverse("login")))["script-src"]
    second = directives(browser.get(reverse("login")))["script-src"]

    assert first != second


def test_the_second_factor_and_lockout_pages_send_the_policy_too(spoc_practitioner):
    browser = Client()
    browser.post(reverse("login"), {"username": "spoc", "password": PASSWORD})
    enrol = browser.get(reverse("otp_enrol"))
    assert_strict_policy(enrol)
    assert_inline_scripts_carry_the_nonce(enrol)
    assert 'style="' not in enrol.content.decode()

    locked = Client()
    for _ in range(5):
        response = locked.post(reverse("login"), {"username": "spoc", "password": "not the password"})
    assert response.status_code == 429
    assert_strict_policy(response)
    assert_inline_scripts_carry_the_nonce(response)


def _templates() -> list[Path]:
    return [path for directory in TEMPLATE_DIRS for path in directory.rglob("*.html")]


def test_every_inline_script_in_the_templates_carries_the_nonce():
    """``{{ request.csp_nonce|default:'' }}`` would render empty (django-csp's lazy nonce is
    falsy until used), so the nonce must be written exactly like this."""
    missing = []
    for path in _templates():
        for attributes in INLINE_SCRIPT.findall(path.read_text()):
            if 'nonce="{{ request.csp_nonce }}"' not in attributes:
                missing.append(f"{path.relative_to(settings.BASE_DIR)}: <script{attributes}>")
    assert not missing, "\n".join(missing)


def test_no_template_uses_an_inline_style_attribute():
    """style-src 'self' blocks them: use a class in static/scss/_components.scss."""
    offenders = [str(path.relative_to(settings.BASE_DIR)) for path in _templates() if "style=" in path.read_text()]
    assert not offenders


# --- Cookies and the idle timeout ----------------------------------------------------------------


def test_the_session_cookie_is_http_only_and_same_site_lax(spoc_practitioner):
    browser = Client()

    browser.post(reverse("login"), {"username": "spoc", "password": PASSWORD})

    cookie = browser.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY


def test_the_session_ends_after_30_minutes_without_a_request(client, spoc_practitioner):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request starts the 30 minutes again
    client.force_login(spoc_practitioner)
    assert client.get(reverse("referrals:queue")).status_code == 200

    # Nothing for 31 minutes: the session has expired.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(reverse("referrals:queue"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('referrals:queue')}"


def test_each_request_moves_the_idle_timeout_on(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    key = client.session.session_key
    # 28 minutes without a request: two minutes left.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=2))

    response = client.get(reverse("referrals:queue"))

    assert response.status_code == 200
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=29)
