"""Signing in, in a real browser: the pages pass axe-core and a SPOC lands on the queue."""

import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from partnership.auth_forms import WRONG_USERNAME_OR_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_sign_in_page_looks_right_and_passes_axe(page, live_server, assert_accessible):
    response = page.goto(f"{live_server.url}{reverse('login')}")

    assert response.status == 200
    assert page.title().startswith("Sign in")
    # The stylesheet and GOV.UK Frontend's JavaScript were served and have run.
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Helvetica" in font and "GDS Transport" not in font
    assert page.locator(".govuk-header__service-name").inner_text() == "Engagement and Recovery Support"
    assert page.locator(".govuk-header__logotype, .govuk-header__logo").count() == 0
    assert_accessible(page)
    # For a person to look at: /tmp/signin.png.
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "signin.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_failed_sign_in_shows_an_accessible_error_summary(page, live_server, spoc_practitioner, assert_accessible):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Username").fill("spoc")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert str(WRONG_USERNAME_OR_PASSWORD) in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert page.get_by_label("Username").input_value() == "spoc"
    assert page.title().startswith("Error:")
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_password_reset_page_passes_axe(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_role("link", name="I have forgotten my password").click()

    assert page.url == f"{live_server.url}{reverse('password_reset')}"
    assert_accessible(page)

    page.get_by_label("Work e-mail address").fill("not an address")
    page.get_by_role("button", name="Send reset link").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_spoc_practitioner_signs_in_through_the_form_and_lands_on_the_queue(
    page, live_server, spoc_practitioner, sign_in, assert_accessible
):
    sign_in(spoc_practitioner)

    assert page.url == f"{live_server.url}{reverse('referrals:queue')}"
    assert page.locator(".app-signed-in-as").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    assert page.url == f"{live_server.url}{reverse('login')}"
    assert page.get_by_text("You have signed out.").is_visible()
    assert_accessible(page)


@pytest.mark.django_db(transaction=True)
def test_account_home_page_passes_axe(page, live_server, data_protection_officer, sign_in, assert_accessible):
    # The data protection officer's home is the account page (commissioners go on to their
    # reports: tests/e2e/test_reports_e2e.py checks those pages).
    sign_in(data_protection_officer)

    assert page.url == f"{live_server.url}{reverse('home')}"
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert_accessible(page)
