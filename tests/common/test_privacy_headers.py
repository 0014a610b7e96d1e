"""No page holding personal data is kept by a browser or proxy cache, and no page may ask the
browser for a camera, microphone, location or payment (SEC-3, common/headers.py)."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from common.headers import DENIED_FEATURES
from tests.factories import PersonFactory, ReferralFactory


def assert_no_store(response, url):
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, (url, response.headers.get("Cache-Control"))
    assert "private" in directives, (url, response.headers.get("Cache-Control"))


def assert_permissions_policy(response, url):
    policy = dict(part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()", (url, feature)
    assert set(policy) == set(DENIED_FEATURES)


@pytest.fixture
def staff_pages(spoc_practitioner):
    referral = ReferralFactory(person=PersonFactory())
    return [
        reverse("referrals:queue"),
        reverse("referrals:detail", args=[referral.reference]),
        reverse("referrals:history", args=[referral.reference]),
        reverse("referrals:worklists"),
        reverse("referrals:new"),
        "/referrals/R-AAAAAAAA/",  # a 404 to a signed-in member of staff
    ]


def test_every_page_to_a_signed_in_member_of_staff_is_no_store(client, spoc_practitioner, staff_pages):
    client.force_login(spoc_practitioner)
    for url in staff_pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_no_store(response, url)
        assert_permissions_policy(response, url)


def test_data_protection_pages_are_no_store(client, data_protection_officer):
    client.force_login(data_protection_officer)
    for url in (reverse("referrals:data_rights"), reverse("access_log")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["public:start", "public:form", "login", "password_reset"])
def test_public_pages_are_no_store(name):
    url = reverse(name)
    response = Client().get(url)
    assert response.status_code == 200
    assert_no_store(response, url)
    assert_permissions_policy(response, url)


@pytest.mark.django_db
def test_a_posted_public_form_with_errors_is_no_store():
    # What a person typed comes back in the page: it must not stay in the browser's cache.
    response = Client().post(reverse("public:form"), {"public-referral-form-given_name": "Aoife"})
    assert response.status_code == 200
    assert_no_store(response, "public form, posted")


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_stay_cacheable_but_carry_the_permissions_policy():
    response = Client().get("/static/js/init.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert_permissions_policy(response, "/static/js/init.js")
