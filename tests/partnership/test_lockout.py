"""Lockout after repeated failed sign-ins (SEC-3, django-axes): five wrong passwords for one
username from one address pause signing in to it from there for 30 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnership.auth_forms import WRONG_USERNAME_OR_PASSWORD

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory
LOCKED_OUT = "Sorry, you cannot sign in yet"
SIGN_IN = reverse("login")


def attempt(browser: Client, username: str, password: str, address: str = "203.0.113.7"):
    return browser.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(browser: Client, username: str, times: int, address: str = "203.0.113.7"):
    response = None
    for _ in range(times):
        response = attempt(browser, username, "not the password", address)
    return response


@pytest.fixture
def browser():
    return Client()


def test_four_wrong_passwords_still_get_the_ordinary_message(browser, spoc_practitioner):
    response = fail(browser, "spoc", 4)

    assert response.status_code == 200
    assert str(WRONG_USERNAME_OR_PASSWORD) in response.content.decode()


def test_five_wrong_passwords_lock_the_account_from_that_address_with_the_lockout_page(browser, spoc_practitioner):
    before = timezone.localtime(timezone.now() + timedelta(minutes=30))
    response = fail(browser, "spoc", 5)
    after = timezone.localtime(timezone.now() + timedelta(minutes=30))

    assert response.status_code == 429
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{LOCKED_OUT}</h1>' in html
    # When they can try again (30 minutes on, in UK time) and who can help.
    assert any(f"You can try again after <strong>{moment:%-I:%M}" in html for moment in (before, after))
    assert "contact your manager or your organisation's system administrator" in html
    assert reverse("password_reset") in html
    # The page never repeats the username.
    assert "spoc" not in html


def test_the_right_password_during_lockout_still_fails(browser, spoc_practitioner):
    fail(browser, "spoc", 5)

    response = attempt(browser, "spoc", PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_a_different_username_from_the_same_address_is_not_locked(browser, spoc_practitioner, manager):
    fail(browser, "spoc", 5)

    response = attempt(browser, "manager", PASSWORD)

    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(manager.pk)


def test_the_same_username_from_another_address_is_not_locked(browser, spoc_practitioner):
    fail(browser, "spoc", 5, address="203.0.113.7")

    response = attempt(Client(), "spoc", PASSWORD, address="198.51.100.20")

    assert response.status_code == 302


def test_a_right_password_clears_the_count_of_wrong_ones(browser, spoc_practitioner):
    fail(browser, "spoc", 4)
    assert attempt(browser, "spoc", PASSWORD).status_code == 302
    browser.post(reverse("logout"))

    response = fail(browser, "spoc", 4)

    assert response.status_code == 200
    assert attempt(browser, "spoc", PASSWORD).status_code == 302


def test_signing_in_works_again_after_30_minutes(browser, spoc_practitioner):
    fail(browser, "spoc", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    response = attempt(browser, "spoc", PASSWORD)

    assert response.status_code == 302


def test_unknown_usernames_are_locked_out_the_same_way(browser, db):
    """So the lockout page does not tell anyone which usernames exist."""
    response = fail(browser, "nobody", 5)

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()


def test_the_admin_sign_in_counts_failures_too(browser, spoc_practitioner):
    for _ in range(5):
        response = browser.post(
            "/admin/login/", {"username": "spoc", "password": "not the password"}, REMOTE_ADDR="203.0.113.7"
        )

    assert response.status_code == 429
    assert attempt(browser, "spoc", PASSWORD).status_code == 429
