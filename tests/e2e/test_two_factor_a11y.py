"""The second factor in a real browser (SEC-3): setting up an authenticator app, the code page
and the lockout page pass axe-core, and the Content Security Policy blocks nothing of ours."""

import tempfile
from base64 import b32decode
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.auth_forms import WRONG_CODE
from tests.e2e.conftest import PERSONA_PASSWORD, code_shown_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def csp_violations(page):
    """Every message Chromium logs about the Content Security Policy blocking something."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def _enter_password(page, live_server, username: str, password: str = PERSONA_PASSWORD) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def _path(page, live_server) -> str:
    return page.url.removeprefix(live_server.url)


@pytest.mark.django_db(transaction=True)
def test_setting_up_an_app_with_the_key_typed_by_hand_passes_axe(
    page, live_server, spoc_practitioner, assert_accessible, csp_violations
):
    _enter_password(page, live_server, "spoc")

    assert _path(page, live_server) == f"{reverse('otp_enrol')}?next=/"
    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    qr_code = page.get_by_role("img", name="QR code for your authenticator app", exact=False)
    assert qr_code.is_visible()
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")  # the SVG drew
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    assert_accessible(page)
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "two-factor-set-up.png"), full_page=True)

    # A wrong code first: the error summary, focused, and the page still passes.
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    right = f"{totp(b32decode(key)):06d}"
    page.get_by_label("Enter the 6-digit code the app shows").fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert str(WRONG_CODE) in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    # Then the code an app would show for the key typed by hand. django-otp makes the next try
    # wait a second after a wrong code.
    page.wait_for_timeout(1_100)
    page.get_by_label("Enter the 6-digit code the app shows").fill(f"{totp(b32decode(key)):06d}")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")

    assert _path(page, live_server) == reverse("referrals:queue")
    assert page.get_by_text("Your authenticator app is set up.").is_visible()
    assert TOTPDevice.objects.get(user=spoc_practitioner).confirmed
    assert_accessible(page)
    assert csp_violations == []


@pytest.mark.django_db(transaction=True)
def test_the_code_page_passes_axe_and_lets_the_right_code_in(
    page, live_server, spoc_practitioner, assert_accessible, csp_violations
):
    device = TOTPDevice.objects.create(user=spoc_practitioner, name="Phone", confirmed=True)
    _enter_password(page, live_server, "spoc")

    assert _path(page, live_server) == f"{reverse('otp_verify')}?next=/"
    assert page.get_by_role("heading", level=1).inner_text() == "Enter the 6-digit code from your authenticator app"
    assert_accessible(page)
    page.get_by_text("I cannot use my authenticator app").click()  # the details open
    assert_accessible(page)
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "two-factor-code.png"), full_page=True)

    page.get_by_label("Code").fill("12ab")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_label("Code").input_value() == "12ab"
    assert_accessible(page)

    page.get_by_label("Code").fill(code_shown_now(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")

    assert _path(page, live_server) == reverse("referrals:queue")
    assert page.locator(".app-signed-in-as").is_visible()
    assert csp_violations == []


@pytest.mark.django_db(transaction=True)
def test_the_lockout_page_passes_axe(page, live_server, spoc_practitioner, assert_accessible, csp_violations):
    for _ in range(5):
        _enter_password(page, live_server, "spoc", password="not the password")

    assert page.get_by_role("heading", level=1).inner_text() == "Sorry, you cannot sign in yet"
    assert page.get_by_text("You can try again after").is_visible()
    assert_accessible(page)
    assert csp_violations == []
