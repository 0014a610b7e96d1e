"""The public self-referral form (REF-3, §3.1.1.c, §3.2.8): no login, nothing lost, translatable."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.forms import fields as common_fields
from common.forms import identifiers
from referrals.forms import public as f
from referrals.models import Referral, YesNoUnknown
from referrals.views.public import SESSION_REFERENCE_KEY
from tests.factories import PersonFactory

FORM_URL = "/refer/form/"
DONE_URL = "/refer/done/"
START_URL = "/refer/"


@pytest.fixture(autouse=True)
def _empty_rate_limit_cache():
    # The rate limit counts in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


def answers(**overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "homepage": "",
        "referral_for": "myself",
        "given_name": "Sam",
        "family_name": "Taylor",
        "date_of_birth_0": "14",
        "date_of_birth_1": "6",
        "date_of_birth_2": "1990",
        "address": "",
        "postcode": "ca1 1aa",
        "phone": "07700 900982",
        "email": "",
        "substances": ["alcohol", "cannabis"],
        "reason": "Someone to talk to about my drinking.",
        "pregnant": "no",
        "open_to_childrens_services": "unknown",
        "consent_to_contact": "on",
        "contact_methods": ["phone", "text"],
        "safe_contact_times": "Weekdays after 6pm",
        "safe_to_leave_message": "no",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- Pages --------------------------------------------------------------------------------


def test_start_page_explains_the_service_and_offers_the_phone_number_without_a_login(client, db):
    response = client.get(reverse("public:start"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Get support with alcohol or drugs" in html
    assert "free and confidential" in html
    assert "within 3 working days" in html
    assert settings.SERVICE_PHONE in html
    assert f'href="{reverse("public:form")}"' in html and "Start now" in html
    assert "call 999" in html and "NHS 111" in html
    # The language chooser replaces the staff menu, and comes back to this page.
    assert 'action="/i18n/setlang/"' in html and f'name="next" value="{START_URL}"' in html
    assert "Polski" in html and "Sign out" not in html
    assert html.count("<h1") == 1


def test_form_page_has_a_fresh_submission_token_and_shows_the_someone_else_questions_without_javascript(client, db):
    first = client.get(FORM_URL).context["form"]["submission_token"].value()
    response = client.get(FORM_URL)
    second = response.context["form"]["submission_token"].value()

    assert uuid.UUID(first) and uuid.UUID(second) and first != second
    html = response.content.decode()
    # Revealed by GOV.UK Frontend when JavaScript runs; present in the page for everyone.
    assert 'name="referrer_name"' in html and 'name="referrer_phone"' in html
    # Hidden until "Someone I care about" is chosen, when JavaScript runs.
    assert 'class="govuk-radios__conditional govuk-radios__conditional--hidden"' in html
    # The honeypot is hidden from people, screen readers and the tab order.
    assert 'aria-hidden="true"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "call 999" in html
    assert html.count("<h1") == 1


def test_confirmation_page_without_a_referral_in_the_session_goes_to_the_start_page(client, db):
    response = client.get(DONE_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("public:start")


# --- Sending a referral -------------------------------------------------------------------


def test_self_referral_creates_one_referral_with_coded_values_and_shows_the_reference(client, db):
    response = client.post(FORM_URL, answers())

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.channel == Referral.Channel.ONLINE
    assert referral.referrer_type == Referral.ReferrerType.SELF
    assert referral.source == Referral.Source.SELF
    assert referral.created_by is None
    assert referral.subject_given_name == "Sam"
    assert referral.subject_family_name == "Taylor"
    assert referral.subject_date_of_birth == dt.date(1990, 6, 14)
    assert referral.subject_postcode == "CA1 1AA"
    assert referral.subject_phone == "07700900982"  # stored as digits, like the staff form's
    assert referral.substances == ["alcohol", "cannabis"]
    assert referral.reason == "Someone to talk to about my drinking."
    assert referral.pregnant == YesNoUnknown.NO
    assert referral.open_to_childrens_services == YesNoUnknown.UNKNOWN
    assert referral.consent_to_contact is True
    assert referral.contact_methods == ["phone", "text"]
    assert referral.safe_contact_times == "Weekdays after 6pm"
    assert referral.safe_to_leave_message == YesNoUnknown.NO
    assert referral.preferred_language == "en-gb"
    assert referral.referrer_name == ""

    done = client.get(response["Location"])
    assert done.status_code == 200
    html = done.content.decode()
    assert referral.reference in html
    assert "Referral sent" in html
    assert "within 3 working days, in the way you told us is safe" in html


def test_redirect_after_sending_carries_no_reference_or_personal_data(client, db):
    response = client.post(FORM_URL, answers(given_name="Siân", email="sian@example.org"))

    referral = Referral.objects.get()
    location = response["Location"]
    assert location == DONE_URL
    for secret in (referral.reference, "Si", "Taylor", "1990", "CA1", "07700", "sian@"):
        assert secret not in location
    assert client.session[SESSION_REFERENCE_KEY] == referral.reference


def test_sending_the_same_form_twice_makes_one_referral_and_shows_the_same_reference(client, db):
    data = answers()

    first = client.post(FORM_URL, data)
    reference = client.get(first["Location"]).context["reference"]
    second = client.post(FORM_URL, data)

    assert Referral.objects.count() == 1
    assert second.status_code == 302
    assert client.get(second["Location"]).context["reference"] == reference == Referral.objects.get().reference


def test_unicode_name_is_stored_exactly_as_typed(client, db):
    client.post(FORM_URL, answers(given_name="Siân", family_name="Ó Briain-Nakamura"))

    referral = Referral.objects.get()
    assert referral.subject_full_name == "Siân Ó Briain-Nakamura"


def test_someone_else_referral_needs_the_referrers_name_relationship_and_a_way_to_reach_them(client, db):
    response = client.post(FORM_URL, answers(referral_for="someone_else"))

    assert response.status_code == 200
    assert Referral.objects.count() == 0
    html = response.content.decode()
    for message in (f.REFERRER_NAME_REQUIRED, f.REFERRER_RELATIONSHIP_REQUIRED, f.REFERRER_CONTACT_REQUIRED):
        assert escape(str(message)) in html
    # The summary links to the box to fix.
    assert 'href="#id_referrer_name"' in html
    # Typed answers are kept, and the someone-else details stay open (the carer's stay closed).
    assert 'value="Sam"' in html
    assert 'govuk-radios__conditional--hidden" id="conditional-id_referral_for-2"' not in html
    assert 'govuk-radios__conditional--hidden" id="conditional-id_referral_for-3"' in html


def test_someone_else_referral_is_coded_as_family_and_keeps_the_referrers_details(client, db):
    response = client.post(
        FORM_URL,
        answers(
            referral_for="someone_else",
            referrer_name="Ann Taylor",
            referrer_relationship="Mother",
            referrer_email="ann@example.org",
            date_of_birth_0="",
            date_of_birth_1="",
            date_of_birth_2="",
        ),
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referrer_type == Referral.ReferrerType.FAMILY
    assert referral.source == Referral.Source.FAMILY
    assert (referral.referrer_name, referral.referrer_relationship) == ("Ann Taylor", "Mother")
    assert referral.referrer_email == "ann@example.org"
    # A family member may not know the date of birth: it is not required of them.
    assert referral.subject_date_of_birth is None


def test_referrer_details_typed_then_switched_to_myself_are_not_stored(client, db):
    client.post(FORM_URL, answers(referral_for="myself", referrer_name="Ann Taylor", referrer_relationship="Mother"))

    referral = Referral.objects.get()
    assert referral.referrer_name == "" and referral.referrer_relationship == ""


def test_self_referral_needs_a_date_of_birth(client, db):
    response = client.post(FORM_URL, answers(date_of_birth_0="", date_of_birth_1="", date_of_birth_2=""))

    assert response.status_code == 200
    assert escape(str(f.DOB_REQUIRED)) in response.content.decode()
    assert Referral.objects.count() == 0


def _over_120_years_ago() -> dict:
    year = timezone.localdate().year - 121
    return {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": str(year)}


def _tomorrow() -> dict:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return {
        "date_of_birth_0": str(tomorrow.day),
        "date_of_birth_1": str(tomorrow.month),
        "date_of_birth_2": str(tomorrow.year),
    }


BAD_ANSWERS = [
    pytest.param(_tomorrow, f.DOB_IN_FUTURE, "id_date_of_birth_0", id="future-date-of-birth"),
    pytest.param(
        {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "1990"},
        f.DOB_NOT_REAL,
        "id_date_of_birth_0",
        id="31-february",
    ),
    pytest.param(
        {"date_of_birth_1": "", "date_of_birth_0": "3"}, f.DOB_MISSING_MONTH, "id_date_of_birth_1", id="no-month"
    ),
    pytest.param({"date_of_birth_2": "90"}, f.DOB_YEAR_FOUR_DIGITS, "id_date_of_birth_2", id="two-digit-year"),
    pytest.param({"date_of_birth_0": "1st"}, f.DOB_NOT_REAL, "id_date_of_birth_0", id="date-not-numbers"),
    pytest.param(_over_120_years_ago, f.DOB_TOO_OLD, "id_date_of_birth_2", id="over-120"),
    pytest.param(
        {"email": "sam@@example", "contact_methods": ["email"]}, common_fields.EMAIL_INVALID, "id_email", id="bad-email"
    ),
    pytest.param({"phone": "12345"}, identifiers.PHONE_INVALID, "id_phone", id="bad-phone"),
    pytest.param({"phone": "+1 212 555 0100"}, identifiers.PHONE_INVALID, "id_phone", id="non-uk-phone"),
    pytest.param({"postcode": "NOT A CODE"}, identifiers.POSTCODE_INVALID, "id_postcode", id="bad-postcode"),
    pytest.param({"reason": "x" * 5001}, f.REASON_TOO_LONG, "id_reason", id="over-long-help-text"),
    pytest.param({"given_name": "S" * 101}, f.GIVEN_NAME_TOO_LONG, "id_given_name", id="over-long-name"),
    pytest.param(
        {"safe_contact_times": "t" * 501}, f.SAFE_TIMES_TOO_LONG, "id_safe_contact_times", id="over-long-times"
    ),
    pytest.param({"consent_to_contact": None}, f.CONSENT_REQUIRED, "id_consent_to_contact", id="no-consent"),
    pytest.param({"contact_methods": None}, f.CONTACT_METHODS_REQUIRED, "id_contact_methods_1", id="no-contact-method"),
    pytest.param({"substances": None}, f.SUBSTANCES_REQUIRED, "id_substances_1", id="no-substance"),
    pytest.param({"pregnant": None}, f.PREGNANT_REQUIRED, "id_pregnant_1", id="pregnancy-not-answered"),
    pytest.param({"referral_for": None}, f.REFERRAL_FOR_REQUIRED, "id_referral_for_1", id="who-not-answered"),
    pytest.param({"phone": "", "contact_methods": ["phone"]}, f.PHONE_NEEDED_FOR_CALL, "id_phone", id="call-no-phone"),
    pytest.param({"phone": "", "contact_methods": ["text"]}, f.PHONE_NEEDED_FOR_TEXT, "id_phone", id="text-no-phone"),
    pytest.param({"email": "", "contact_methods": ["email"]}, f.EMAIL_NEEDED, "id_email", id="email-no-address"),
    pytest.param(
        {"address": "", "contact_methods": ["letter"]},
        f.ADDRESS_NEEDED_FOR_LETTER,
        "id_address",
        id="letter-no-address",
    ),
    pytest.param(
        {"address": "1 Main Street\nCarlisle", "postcode": "", "contact_methods": ["letter"]},
        f.POSTCODE_NEEDED_FOR_LETTER,
        "id_postcode",
        id="letter-no-postcode",
    ),
]


@pytest.mark.parametrize(("bad", "message", "anchor"), BAD_ANSWERS)
def test_each_bad_answer_gets_its_own_message_and_everything_typed_is_kept(client, db, bad, message, anchor):
    # Answers relative to today are callables, worked out now rather than at collection, so a
    # run that crosses midnight still posts a date in the future.
    bad = bad() if callable(bad) else bad
    data = answers(
        **{"given_name": "Siân", "family_name": "Ó Briain-Nakamura", "safe_contact_times": "Evenings only", **bad}
    )

    response = client.post(FORM_URL, data)

    assert response.status_code == 200
    assert Referral.objects.count() == 0
    html = response.content.decode()
    assert escape(str(message)) in html
    # The error summary links to the input to fix, and that input exists on the page.
    assert f'href="#{anchor}"' in html
    assert f'id="{anchor}"' in html
    assert html.startswith("<!DOCTYPE html>") and "<title>Error:" in html
    # The other answers are still there.
    # Everything typed is still there, the wrong answer included, so it can be corrected.
    for name in ("given_name", "family_name", "safe_contact_times", "phone", "email", "postcode"):
        if data.get(name):
            assert f'value="{escape(data[name])}"' in html, name
    if data.get("reason"):
        assert escape(data["reason"]) in html
    if "date_of_birth_0" not in bad and "date_of_birth_2" not in bad:
        assert 'value="1990"' in html
    if "substances" not in bad:
        assert response.context["form"]["substances"].value() == ["alcohol", "cannabis"]
    # The same submission token comes back, so sending the corrected form still makes one referral.
    assert response.context["form"]["submission_token"].value() == data["submission_token"]


def test_a_new_line_counts_as_one_character_so_5000_characters_with_line_breaks_are_accepted(client, db):
    text = "\r\n".join(["a" * 99] * 50) + "a"  # 5,049 bytes sent; 5,000 characters as counted on screen

    response = client.post(FORM_URL, answers(reason=text))

    assert response.status_code == 302
    assert len(Referral.objects.get().reason) == 5000


@pytest.mark.parametrize(
    "phone",
    ["01632 960 001", "07700-900982", "+44 7700 900982", "+44 (0)7700 900982", "020 7946 0018", "0044 7700 900982"],
)
def test_uk_phone_numbers_as_people_type_them_are_accepted(phone):
    assert identifiers.is_uk_phone_number(phone)


@pytest.mark.parametrize(
    "phone", ["12345", "0770090098212", "+1 212 555 0100", "07700 9OO982", "++447700900982", "7700900982"]
)
def test_things_that_are_not_uk_phone_numbers_are_refused(phone):
    assert not identifiers.is_uk_phone_number(phone)


def test_odd_input_never_causes_a_server_error(client, db):
    response = client.post(
        FORM_URL,
        {
            "submission_token": "not-a-uuid",
            "referral_for": "robot",
            "date_of_birth_0": "\x00",
            "date_of_birth_1": "١٢",  # Arabic-Indic digits
            "date_of_birth_2": "99999999999999999999",
            "substances": ["heroin-ish"],
            "contact_methods": ["carrier pigeon"],
            "pregnant": "maybe",
        },
    )

    assert response.status_code == 200
    assert Referral.objects.count() == 0


def test_an_altered_submission_token_is_replaced_not_shown_as_an_error(client, db):
    response = client.post(FORM_URL, answers(submission_token="not-a-uuid"))

    assert response.status_code == 302
    assert Referral.objects.get().submission_token is not None


def test_a_form_sent_without_a_token_comes_back_with_one_so_the_corrected_form_is_sent_once(client, db):
    response = client.post(FORM_URL, answers(submission_token=None, phone="nope"))

    token = response.context["form"]["submission_token"].value()
    assert uuid.UUID(token)
    assert f'value="{token}"' in response.content.decode()
    corrected = answers(submission_token=token)
    client.post(FORM_URL, corrected)
    client.post(FORM_URL, corrected)
    assert Referral.objects.count() == 1


def test_the_form_never_says_whether_the_person_is_already_known(client, db):
    PersonFactory(given_name="Sam", family_name="Taylor", date_of_birth=dt.date(1990, 6, 14), postcode="CA1 1AA")

    response = client.post(FORM_URL, answers())
    done = client.get(response["Location"])

    assert response["Location"] == DONE_URL
    html = done.content.decode()
    assert "already" not in html.lower() and "known" not in html.lower()
    assert Referral.objects.get().person is None  # matching is for triage (REF-4), not the public form


# --- Abuse guards ---------------------------------------------------------------------------


def test_a_bot_that_fills_the_honeypot_sees_the_usual_confirmation_but_nothing_is_saved(client, db):
    response = client.post(FORM_URL, answers(homepage="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == DONE_URL
    assert Referral.objects.count() == 0
    done = client.get(DONE_URL)
    assert done.status_code == 200
    assert "Referral sent" in done.content.decode()
    assert done.context["reference"].startswith("R-")


def test_too_many_referrals_from_one_connection_get_a_friendly_429_with_the_phone_number(client, db, settings):
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(FORM_URL, answers()).status_code == 302

    response = client.post(FORM_URL, answers())

    assert response.status_code == 429
    assert Referral.objects.count() == 2
    html = response.content.decode()
    assert settings.SERVICE_PHONE in html
    assert "has not been sent" in html
    assert response["Retry-After"] == "3600"


def test_the_rate_limit_is_per_connection(client, db, settings):
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 1
    assert client.post(FORM_URL, answers(), REMOTE_ADDR="192.0.2.1").status_code == 302

    assert client.post(FORM_URL, answers(), REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.post(FORM_URL, answers(), REMOTE_ADDR="192.0.2.2").status_code == 302


def test_mistakes_do_not_count_towards_the_rate_limit(client, db, settings):
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 1
    for _ in range(3):
        assert client.post(FORM_URL, answers(phone="nope")).status_code == 200

    assert client.post(FORM_URL, answers()).status_code == 302


def test_the_client_address_is_never_logged_or_used_as_a_cache_key(client, db, settings, caplog):
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 0
    caplog.set_level("INFO")

    client.post(FORM_URL, answers(), REMOTE_ADDR="198.51.100.7")

    assert "198.51.100.7" not in caplog.text
    assert "limit" in caplog.text


# --- Notifications (REF-3: stored before any e-mail is tried) --------------------------------


def test_the_spoc_is_emailed_the_reference_but_never_the_name(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM_URL, answers(given_name="Siân", family_name="Ó Briain-Nakamura"))

    referral = Referral.objects.get()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert referral.reference in email.subject + email.body
    for personal in ("Siân", "Briain", "1990", "07700", "CA1"):
        assert personal not in email.subject + email.body


def test_a_failed_notification_still_saves_the_referral_and_shows_the_reference(
    client, db, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from referrals import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unavailable")

    monkeypatch.setattr(tasks.notify_spoc_of_referral, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, answers())

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.reference in client.get(response["Location"]).content.decode()
    assert mailoutbox == []


# --- Languages (§3.2.8) ---------------------------------------------------------------------


def test_the_pages_are_in_polish_when_polish_is_chosen(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"

    start = client.get(START_URL).content.decode()
    form = client.get(FORM_URL).content.decode()

    assert '<html lang="pl"' in start
    assert "Zacznij teraz" in start
    assert "Dla kogo jest to zgłoszenie?" in form
    assert "Alkohol" in form  # a model choice label, translated
    assert "Start now" not in start and "Who is this referral for?" not in form


def test_errors_are_in_polish_and_the_referral_records_polish_as_the_preferred_language(client, db):
    bad = client.post(FORM_URL, answers(phone="12345"), HTTP_ACCEPT_LANGUAGE="pl")
    assert "Wpisz brytyjski numer telefonu" in bad.content.decode()
    assert "Wystąpił problem" in bad.content.decode()

    good = client.post(FORM_URL, answers(), HTTP_ACCEPT_LANGUAGE="pl")
    assert good.status_code == 302
    assert Referral.objects.get().preferred_language == "pl"
    assert "Zgłoszenie zostało wysłane" in client.get(DONE_URL, HTTP_ACCEPT_LANGUAGE="pl").content.decode()


def test_the_language_chooser_switches_language_and_returns_to_the_same_page(client, db):
    response = client.post("/i18n/setlang/", {"language": "pl", "next": FORM_URL})

    assert response.status_code == 302
    assert response["Location"] == FORM_URL
    assert "Dla kogo jest to zgłoszenie?" in client.get(FORM_URL).content.decode()


def test_a_signed_in_member_of_staff_sees_the_same_public_page_without_the_staff_menu(client, spoc_practitioner):
    client.force_login(spoc_practitioner)

    html = client.get(FORM_URL).content.decode()

    assert "Sign out" not in html and "SPOC queue" not in html
    assert 'name="change_language"' in html
