"""Staff pages are always English; the public pages (under /refer/), their error pages
included, follow the language chosen; changing language on the form keeps what was typed."""

from __future__ import annotations

import re
import uuid

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from common.errors import server_error
from referrals.models import Referral
from referrals.views.public import CHANGE_LANGUAGE
from tests.referrals.test_public_referral import FORM_URL, answers

POLISH_FORM_QUESTION = "Dla kogo jest to zgłoszenie?"


def polish_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    return client


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# --- Staff pages are English ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["spoc_practitioner", "peer_worker", "treatment_practitioner"])
def test_staff_pages_stay_english_after_choosing_polish_on_the_public_form(client, db, request, persona):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    # The public form really is in Polish for this browser...
    assert POLISH_FORM_QUESTION in client.get(FORM_URL).content.decode()
    client.force_login(request.getfixturevalue(persona))
    # ...but every staff page is English.
    for url in (reverse("home"), reverse("referrals:new")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert lang_of(response) == "en-gb", url
        assert response["Content-Language"] == "en-gb"
        html = response.content.decode()
        assert "Record a referral" in html
        assert "Zgłoś" not in html and "Przejdź do głównej treści" not in html


def test_the_sign_in_page_is_english_whatever_the_browser_asks_for(db):
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="pl")
    assert lang_of(response) == "en-gb"


def test_the_staff_404_is_english(db):
    response = polish_client().get("/referrals/no-such-page/", follow=True)
    assert lang_of(response) == "en-gb"


# --- Public error pages --------------------------------------------------------------------------


def test_a_public_404_is_in_polish_with_the_phone_number(db):
    response = polish_client().get("/refer/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert lang_of(response) == "pl"
    assert "Nie znaleziono strony" in html
    assert settings.SERVICE_PHONE in html
    assert "Ask your manager" not in html
    assert 'name="language"' in html  # the language chooser, not the staff menu


def test_a_public_404_in_english_has_the_phone_number_too(db):
    html = Client().get("/refer/no-such-page/").content.decode()
    assert "Page not found" in html and settings.SERVICE_PHONE in html


def test_a_staff_404_says_nothing_about_the_public_form(client, spoc_practitioner):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    client.force_login(spoc_practitioner)
    html = client.get("/referrals/no-such-page/").content.decode()
    assert "Page not found" in html and "Ask your manager" in html


def test_a_csrf_failure_on_the_public_form_is_in_polish_with_the_phone_number(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    response = client.post(FORM_URL, answers())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Przepraszamy, nie udało się wysłać formularza" in html
    assert settings.SERVICE_PHONE in html
    assert lang_of(response) == "pl"
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("path", "language", "expected", "phone_shown"),
    [
        ("/refer/form/", "pl", "Przepraszamy, wystąpił problem z usługą", True),
        ("/refer/form/", "en-gb", "Sorry, there is a problem with the service", True),
        ("/referrals/", "pl", "Sorry, there is a problem with the service", False),
    ],
)
def test_the_server_error_page_follows_the_public_language_and_gives_the_phone_number(
    path, language, expected, phone_shown
):
    http_request = RequestFactory().get(path)
    http_request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
    response = server_error(http_request)
    assert response.status_code == 500
    html = response.content.decode()
    assert expected in html
    assert (settings.SERVICE_PHONE in html) is phone_shown


@override_settings(DEBUG=False)
def test_an_exception_on_a_public_page_gives_the_translated_500(db, monkeypatch):
    from referrals.views import public

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(public, "render", broken)
    client = polish_client()
    client.raise_request_exception = False
    response = client.get(FORM_URL)
    assert response.status_code == 500
    assert "Przepraszamy, wystąpił problem z usługą" in response.content.decode()


# --- Changing language part-way through the form ---------------------------------------------------


def test_changing_language_on_the_form_keeps_what_was_typed_and_saves_nothing(client, db):
    typed = answers(given_name="Zoë", family_name="", reason="Chcę porozmawiać.", homepage="spam")
    typed[CHANGE_LANGUAGE] = "pl"
    response = client.post(FORM_URL, typed)

    assert response.status_code == 200
    html = response.content.decode()
    assert lang_of(response) == "pl"
    assert POLISH_FORM_QUESTION in html
    # Everything typed is back, unvalidated: no error for the empty last name.
    assert 'value="Zoë"' in html
    assert 'value="14"' in html and 'value="1990"' in html  # the date of birth
    assert "Chcę porozmawiać." in html
    assert re.search(r'value="alcohol"[^>]*checked', html)
    assert re.search(r'value="myself"[^>]*checked', html)
    assert f'value="{typed["submission_token"]}"' in html
    assert "govuk-error-summary" not in html
    assert "spam" not in html  # the honeypot is never carried over
    assert not Referral.objects.exists()
    # The choice lasts: the next page is Polish too.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    assert POLISH_FORM_QUESTION in client.get(FORM_URL).content.decode()


def test_back_to_english_and_then_sending_makes_one_referral_in_english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    typed = answers()
    response = client.post(FORM_URL, {**typed, CHANGE_LANGUAGE: "en-gb"})
    assert lang_of(response) == "en-gb"
    assert 'value="Sam"' in response.content.decode()

    assert client.post(FORM_URL, typed).status_code == 302
    assert Referral.objects.get().preferred_language == "en-gb"


@pytest.mark.parametrize("language", ["xx", "", "de", "<script>"])
def test_an_unknown_language_falls_back_to_english(client, db, language):
    response = client.post(FORM_URL, {**answers(), CHANGE_LANGUAGE: language})
    assert response.status_code == 200
    assert lang_of(response) == "en-gb"
    assert not Referral.objects.exists()


def test_a_language_switch_with_nothing_typed_shows_an_empty_form(client, db):
    response = client.post(FORM_URL, {CHANGE_LANGUAGE: "pl"})
    assert response.status_code == 200
    html = response.content.decode()
    assert POLISH_FORM_QUESTION in html
    token = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', html).group(1)
    uuid.UUID(token)


def test_the_form_page_language_buttons_send_the_form_and_enter_still_sends_the_referral(client, db):
    html = client.get(FORM_URL).content.decode()
    assert 'id="public-referral-form"' in html
    button = re.search(r'<button[^>]*name="change_language"[^>]*>', html).group(0)
    assert 'form="public-referral-form"' in button and 'value="pl"' in button
    # The first submit button of the form (the one Enter presses) sends the referral.
    first = re.search(r'<button[^>]*form="public-referral-form"[^>]*>|<form[^>]*id="public-referral-form"', html)
    assert "hidden" in first.group(0) and "change_language" not in first.group(0)
