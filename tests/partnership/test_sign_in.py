"""Signing in, signing out and resetting a password (SEC-3)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.auth_forms import (
    ENTER_PASSWORD,
    ENTER_USERNAME,
    PASSWORD_TOO_LONG,
    PASSWORDS_DO_NOT_MATCH,
    USERNAME_TOO_LONG,
    WRONG_USERNAME_OR_PASSWORD,
)
from partnership.views import SIGNED_OUT
from tests.conftest import current_code

PASSWORD = "correct horse battery staple"  # tests/factories.py UserFactory


def test_sign_in_page_is_a_gov_uk_form_with_a_reset_link(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert reverse("password_reset") in html
    # Nobody is signed in, so there is no menu and no sign-out button.
    assert "govuk-service-navigation" not in html


def test_spoc_practitioner_signs_in_and_lands_on_the_queue(client, spoc_practitioner):
    device = TOTPDevice.objects.create(user=spoc_practitioner, name="Phone", confirmed=True)
    response = client.post(reverse("login"), {"username": "spoc", "password": PASSWORD}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0] == (reverse("home"), 302)
    # The second step (SEC-3): the code from their authenticator app.
    assert response.redirect_chain[-1][0] == reverse("otp_verify") + "?next=/"
    response = client.post(reverse("otp_verify"), {"code": current_code(device), "next": "/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:queue")
    assert response.wsgi_request.user == spoc_practitioner


def test_sign_in_returns_to_the_page_asked_for(client, commissioner):
    response = client.post(
        reverse("login") + "?next=/",
        {"username": "commissioner", "password": PASSWORD, "next": "/"},
    )

    assert response.status_code == 302
    assert response.url == "/"


def test_sign_in_never_redirects_to_another_site(client, commissioner):
    response = client.post(
        reverse("login"), {"username": "commissioner", "password": PASSWORD, "next": "https://evil.example.com/"}
    )

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_shows_a_specific_error_and_keeps_the_username(client, spoc_practitioner):
    response = client.post(reverse("login"), {"username": "spoc", "password": "not the password"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert str(WRONG_USERNAME_OR_PASSWORD) in html
    # The error summary links to the username field, which keeps what was typed.
    assert 'href="#id_username"' in html
    assert re.search(r'<input[^>]*name="username"[^>]*value="spoc"', html)
    # The password is never echoed back.
    assert "not the password" not in html
    assert "<title>Error: Sign in" in html
    assert not response.wsgi_request.user.is_authenticated


def test_unknown_username_gets_the_same_message_as_a_wrong_password(client, db):
    response = client.post(reverse("login"), {"username": "nobody", "password": "whatever it is"})

    assert str(WRONG_USERNAME_OR_PASSWORD) in response.content.decode()


def test_empty_sign_in_form_names_each_missing_field(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert str(ENTER_USERNAME) in html
    assert str(ENTER_PASSWORD) in html
    assert "govuk-form-group--error" in html


def test_switched_off_account_cannot_sign_in(client, spoc_practitioner):
    spoc_practitioner.is_active = False
    spoc_practitioner.save()

    response = client.post(reverse("login"), {"username": "spoc", "password": PASSWORD})

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_signed_in_member_of_staff_visiting_sign_in_goes_home(client, commissioner):
    client.force_login(commissioner)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_out_is_a_post_only(client, outsider):
    # Someone with no role: the home page is theirs (every role is sent on to its work).
    client.force_login(outsider)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_sign_out_ends_the_session_and_says_so(client, commissioner):
    client.force_login(commissioner)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert str(SIGNED_OUT) in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_sign_out_button_is_in_the_menu_of_every_signed_in_page(client, outsider):
    client.force_login(outsider)

    html = client.get(reverse("home")).content.decode()

    assert f'action="{reverse("logout")}"' in html
    assert "app-link-button" in html


def test_password_reset_sends_an_email_with_a_link_that_works(
    client, spoc_practitioner, django_capture_on_commit_callbacks
):
    # The e-mail goes from a background task once the request commits (partnership.tasks).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": spoc_practitioner.email})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [spoc_practitioner.email]
    assert "Engagement and Recovery Support" in message.subject
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/\S+/)", message.body).group(1)

    # Django swaps the token in the link for a session key and redirects to the form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "a brand new long passphrase 42"
    done = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")

    signed_in = client.post(reverse("login"), {"username": "spoc", "password": new_password})
    assert signed_in.status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_reset_rejects_a_badly_formed_address(client, db):
    response = client.post(reverse("password_reset"), {"email": "not an address"})

    assert response.status_code == 200
    assert "Enter an e-mail address in the correct format" in response.content.decode()
    assert 'value="not an address"' in response.content.decode()


def test_new_passwords_that_differ_are_refused_with_a_specific_message(
    client, spoc_practitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": spoc_practitioner.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(
        set_password_url,
        {"new_password1": "a brand new long passphrase 42", "new_password2": "something else entirely 42"},
    )

    assert response.status_code == 200
    assert str(PASSWORDS_DO_NOT_MATCH) in response.content.decode()


def test_a_used_or_broken_reset_link_says_so(client, db):
    response = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "broken-token"}))

    assert response.status_code == 200
    assert "This reset link does not work" in response.content.decode()


@pytest.mark.parametrize("name", ["password_reset_done", "password_reset_complete"])
def test_password_reset_pages_render_for_anyone(client, db, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [("x" * 20_000, "anything", USERNAME_TOO_LONG), ("spoc", "p" * 5_000, PASSWORD_TOO_LONG)],
)
def test_an_overlong_username_or_password_gets_a_message_not_an_error(client, db, username, password, message):
    """Found by the attack suite on PostgreSQL: the attempt log's column is 255 characters."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert str(message) in response.content.decode()
    assert not AccessAttempt.objects.filter(username__startswith="xxxx").exists()
