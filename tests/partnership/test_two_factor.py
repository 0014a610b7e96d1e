"""The second factor for staff (SEC-3): setting up an authenticator app, the code page, and no
staff page without a code."""

import os
import re
import secrets
import subprocess
import sys
from base64 import b32encode
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.auth_forms import CODE_FORMAT, ENTER_CODE, WRONG_CODE
from partnership.two_factor import APP_SET_UP, TOO_MANY_WRONG_CODES
from tests.conftest import current_code
from tests.factories import ReferralFactory, UserFactory

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VERIFY = reverse("otp_verify")
ENROL = reverse("otp_enrol")


def wrong_code(device: TOTPDevice) -> str:
    """A code that none of the time steps the device accepts (now, one before, one after) shows."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    accepted = {totp.token()}
    for offset in (-1, 1):
        totp.drift = device.drift + offset
        accepted.add(totp.token())
    return next(f"{n:06d}" for n in range(1_000_000) if n not in accepted)


def signed_in_with_password(username: str) -> Client:
    """A browser that has been through the password page only (a plain client, not the suite's
    client whose force_login also verifies the session)."""
    browser = Client()
    response = browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return browser


@pytest.fixture
def enrolled_spoc(spoc_practitioner):
    TOTPDevice.objects.create(user=spoc_practitioner, name="Phone", confirmed=True)
    return spoc_practitioner


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def html_of(response) -> str:
    return response.content.decode()


# --- Setting up an authenticator app -------------------------------------------------------------


def test_first_sign_in_asks_to_set_up_an_app_with_a_qr_code_and_the_key_to_type(spoc_practitioner):
    browser = signed_in_with_password("spoc")

    response = browser.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0] == f"{ENROL}?next=/"
    html = html_of(response)
    assert '<h1 class="govuk-heading-l">Set up an authenticator app</h1>' in html
    # The QR code is an SVG image (no inline styles under the Content Security Policy), with
    # a text alternative, and the key is shown in groups of four for typing by hand.
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" class="app-qr-code" alt="QR code[^"]+"', html)
    device = device_of(spoc_practitioner)
    assert not device.confirmed
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    # Until the code is entered, the menu offers nothing but signing out.
    assert reverse("referrals:queue") not in html
    assert f'action="{reverse("logout")}"' in html


def test_reloading_the_set_up_page_keeps_the_same_key(spoc_practitioner):
    browser = signed_in_with_password("spoc")

    first = html_of(browser.get(ENROL))
    second = html_of(browser.get(ENROL))

    assert TOTPDevice.objects.filter(user=spoc_practitioner).count() == 1
    secret = b32encode(device_of(spoc_practitioner).bin_key).decode()
    assert secret[:4] in first and secret[:4] in second


def test_a_wrong_code_at_set_up_is_refused_with_a_specific_message(spoc_practitioner):
    browser = signed_in_with_password("spoc")
    browser.get(ENROL)
    device = device_of(spoc_practitioner)

    response = browser.post(ENROL, {"code": wrong_code(device), "next": "/"})

    assert response.status_code == 200
    html = html_of(response)
    assert "There is a problem" in html
    assert str(WRONG_CODE) in html
    assert 'href="#id_code"' in html
    device.refresh_from_db()
    assert not device.confirmed
    assert browser.get(reverse("referrals:queue")).status_code == 302


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", ENTER_CODE), ("12ab56", CODE_FORMAT), ("12345", CODE_FORMAT), ("1" * 40, CODE_FORMAT)],
)
def test_a_missing_or_badly_formed_code_gets_its_own_message(spoc_practitioner, typed, message):
    browser = signed_in_with_password("spoc")
    browser.get(ENROL)

    response = browser.post(ENROL, {"code": typed})

    assert response.status_code == 200
    assert str(message) in html_of(response)
    assert device_of(spoc_practitioner).throttling_failure_count == 0  # never reached the device


def test_the_right_code_confirms_the_app_and_reaches_the_queue(spoc_practitioner):
    browser = signed_in_with_password("spoc")
    browser.get(reverse("home"), follow=True)  # sent to set up, which creates the device
    device = device_of(spoc_practitioner)

    # Typed with a space, as some apps show it.
    code = current_code(device)
    response = browser.post(ENROL, {"code": f"{code[:3]} {code[3:]}", "next": "/"}, follow=True)

    device.refresh_from_db()
    assert device.confirmed
    assert response.redirect_chain[0] == ("/", 302)
    assert response.redirect_chain[-1][0] == reverse("referrals:queue")
    assert str(APP_SET_UP) in html_of(response)
    assert browser.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_an_enrolled_member_of_staff_cannot_set_up_another_app_with_a_password_alone(enrolled_spoc):
    browser = signed_in_with_password("spoc")

    response = browser.get(ENROL)

    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=/"
    assert TOTPDevice.objects.filter(user=enrolled_spoc).count() == 1


# --- The code page -------------------------------------------------------------------------------


def test_an_enrolled_member_of_staff_is_asked_for_the_code_after_their_password(enrolled_spoc):
    response = Client().post(reverse("login"), {"username": "spoc", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=/"
    html = html_of(response)
    assert '<h1 class="govuk-heading-l">Enter the 6-digit code from your authenticator app</h1>' in html
    assert '<input type="hidden" name="next" value="/">' in html


def test_the_right_code_takes_them_to_the_page_they_asked_for(enrolled_spoc):
    referral = ReferralFactory()
    wanted = reverse("referrals:detail", args=[referral.reference])
    browser = signed_in_with_password("spoc")
    asked = browser.get(wanted)
    assert asked.url == f"{VERIFY}?next={wanted}"
    session_key_before = browser.session.session_key

    response = browser.post(VERIFY, {"code": current_code(device_of(enrolled_spoc)), "next": wanted})

    assert response.status_code == 302
    assert response.url == wanted
    assert browser.get(wanted).status_code == 200
    # A new session key for the more trusted session.
    assert browser.session.session_key != session_key_before


def test_the_code_page_never_sends_anyone_to_another_site(enrolled_spoc):
    browser = signed_in_with_password("spoc")

    response = browser.post(
        VERIFY, {"code": current_code(device_of(enrolled_spoc)), "next": "https://evil.example.com/"}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_wrong_code_is_refused_with_a_specific_message(enrolled_spoc):
    browser = signed_in_with_password("spoc")

    response = browser.post(VERIFY, {"code": wrong_code(device_of(enrolled_spoc)), "next": "/"})

    assert response.status_code == 200
    html = html_of(response)
    assert str(WRONG_CODE) in html
    assert "<title>Error: Enter the 6-digit code" in html
    assert DEVICE_ID_SESSION_KEY not in browser.session
    assert browser.get(reverse("referrals:queue")).status_code == 302


def test_repeated_wrong_codes_are_throttled_with_a_clear_message(enrolled_spoc):
    browser = signed_in_with_password("spoc")
    device = device_of(enrolled_spoc)
    for _ in range(3):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        browser.post(VERIFY, {"code": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 3

    # Straight after the third wrong code, even the right one waits (4 seconds).
    response = browser.post(VERIFY, {"code": current_code(device)})

    html = html_of(response)
    assert str(TOO_MANY_WRONG_CODES) in html
    assert re.search(r"Wait [1-4] seconds?, then enter the code your authenticator app shows now", html)
    assert DEVICE_ID_SESSION_KEY not in browser.session

    # Once the wait is over the right code works.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))
    response = browser.post(VERIFY, {"code": current_code(device), "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_code_cannot_be_used_twice(enrolled_spoc):
    device = device_of(enrolled_spoc)
    code = current_code(device)
    first = signed_in_with_password("spoc")
    assert first.post(VERIFY, {"code": code}).status_code == 302

    second = signed_in_with_password("spoc")
    response = second.post(VERIFY, {"code": code})

    assert str(WRONG_CODE) in html_of(response)


def test_someone_not_signed_in_is_sent_to_the_password_page_first(db):
    response = Client().get(VERIFY)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_code_page_sends_someone_without_an_app_to_set_one_up(spoc_practitioner):
    browser = signed_in_with_password("spoc")

    response = browser.get(VERIFY)

    assert response.status_code == 302
    assert response.url.startswith(ENROL)


# --- Nothing without the code --------------------------------------------------------------------


@pytest.fixture
def staff_pages(spoc_practitioner):
    referral = ReferralFactory()
    return [
        reverse("home"),
        reverse("referrals:queue"),
        reverse("referrals:new"),
        reverse("referrals:detail", args=[referral.reference]),
        reverse("referrals:history", args=[referral.reference]),
        reverse("admin:index"),
        "/admin/auth/user/",
        "/no-such-page/",
    ]


def test_a_password_alone_reaches_no_staff_page(enrolled_spoc, staff_pages):
    enrolled_spoc.is_staff = True
    enrolled_spoc.is_superuser = True
    enrolled_spoc.save()
    browser = signed_in_with_password("spoc")

    for url in staff_pages:
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{VERIFY}?next="), url
        # A form sent without the code goes nowhere either.
        assert browser.post(url, {}).status_code == 302, url


def test_a_member_of_staff_without_an_app_reaches_no_staff_page_either(spoc_practitioner, staff_pages):
    browser = signed_in_with_password("spoc")

    for url in staff_pages:
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{ENROL}?next="), url


def test_the_public_referral_pages_need_no_sign_in_and_no_code(enrolled_spoc):
    assert Client().get(reverse("public:start")).status_code == 200
    assert Client().get(reverse("public:form")).status_code == 200
    # Nor do they send a half-signed-in member of staff away.
    browser = signed_in_with_password("spoc")
    assert browser.get(reverse("public:start")).status_code == 200


def test_signing_out_and_resetting_a_password_work_before_the_code(enrolled_spoc):
    browser = signed_in_with_password("spoc")

    assert browser.get(reverse("password_reset")).status_code == 200
    response = browser.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in browser.session


def test_a_device_an_administrator_removes_stops_working_at_once(client, spoc_practitioner):
    client.force_login(spoc_practitioner)  # the suite's client: verified with a device
    assert client.get(reverse("referrals:queue")).status_code == 200

    TOTPDevice.objects.filter(user=spoc_practitioner).delete()

    response = client.get(reverse("referrals:queue"))
    assert response.status_code == 302
    assert response.url.startswith(ENROL)


def test_with_the_second_factor_switched_off_a_password_is_enough(settings, spoc_practitioner):
    """As in local settings, for the demo."""
    settings.ERS_OTP_REQUIRED = False
    browser = Client()

    response = browser.post(reverse("login"), {"username": "spoc", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("referrals:queue")


def test_the_suites_client_is_verified_for_any_persona(client, db):
    user = UserFactory(username="someone", membership=None)
    client.force_login(user)

    assert client.get(reverse("home")).status_code == 200


# --- Settings ------------------------------------------------------------------------------------


def _settings_value(module: str, **env_overrides: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": module}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for name, value in env_overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print('OTP', settings.ERS_OTP_REQUIRED)",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _env_file_sets(name: str) -> bool:
    env_file = BASE_DIR / ".env"
    return env_file.exists() and any(line.strip().startswith(f"{name}=") for line in env_file.read_text().splitlines())


def test_production_refuses_to_start_with_the_second_factor_switched_off():
    result = _settings_value(
        "config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="ers.example.org",
        DJANGO_OTP_REQUIRED="false",
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_OTP_REQUIRED" in result.stderr


def test_production_requires_the_second_factor_by_default():
    if _env_file_sets("DJANGO_OTP_REQUIRED"):
        pytest.skip("a local .env file sets DJANGO_OTP_REQUIRED")

    result = _settings_value(
        "config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="ers.example.org",
        DJANGO_OTP_REQUIRED=None,
    )

    assert result.returncode == 0, result.stderr
    assert "OTP True" in result.stdout


def test_local_settings_exempt_the_demo_from_the_second_factor():
    if _env_file_sets("DJANGO_OTP_REQUIRED"):
        pytest.skip("a local .env file sets DJANGO_OTP_REQUIRED")

    result = _settings_value("config.settings.local", DJANGO_OTP_REQUIRED=None)

    assert result.returncode == 0, result.stderr
    assert "OTP False" in result.stdout
