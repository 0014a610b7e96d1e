"""The home page: each role is sent to its work, or told honestly what the service offers it."""

import pytest
from django.urls import reverse

from partnership.models import Role
from tests.factories import ReferralFactory, UserFactory


def test_home_asks_anyone_not_signed_in_to_sign_in(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_spoc_practitioner_goes_straight_to_the_queue(client, spoc_practitioner):
    client.force_login(spoc_practitioner)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("referrals:queue")


def test_hub_worker_goes_straight_to_my_work(client, hub_worker):
    # Issue 9: "My work", their caseload first and then what the apps add.
    client.force_login(hub_worker)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse("referrals:my_work")


def test_commissioner_home_is_the_published_reports_and_shows_no_personal_data(client, commissioner):
    referral = ReferralFactory(subject_given_name="Siân", subject_family_name="Ó Briain-Nakamura")
    client.force_login(commissioner)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("reporting:archive")
    response = client.get(response.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Published reports" in html
    assert "Reports hold counts only: no names, dates of birth, addresses or identifiers" in html
    assert "No reports have been published yet." in html
    assert "Siân" not in html
    assert "Briain-Nakamura" not in html
    assert referral.reference not in html
    # No menu item leads a commissioner to the queue or a caseload.
    assert reverse("referrals:queue") not in html
    assert reverse("referrals:caseload") not in html


def test_member_of_staff_without_an_organisation_is_told_to_ask_their_administrator(client, outsider):
    client.force_login(outsider)

    html = client.get(reverse("home")).content.decode()

    assert "Your account is not linked to an organisation" in html
    assert "Ask your administrator" in html


@pytest.mark.parametrize(
    ("persona", "says"),
    [
        # Treatment practitioners go straight to "People shared with us" (tests/referrals/test_treatment_referral.py),
        # the safeguarding lead to the concerns (tests/partnership/test_navigation.py).
        ("data_protection_officer", "Subject access exports, corrections to a person"),
    ],
)
def test_other_roles_see_what_the_service_offers_them(client, request, persona, says):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert says in response.content.decode()


def test_data_protection_officer_sees_their_page(client, ers):
    dpo = UserFactory(username="dpo", membership__organisation=ers, membership__role=Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)

    html = client.get(reverse("home")).content.decode()

    assert "Subject access exports" in html
    assert "Data protection officer" in html


def test_home_page_has_one_heading_and_the_signed_in_menu(client, data_protection_officer):
    client.force_login(data_protection_officer)

    html = client.get(reverse("home")).content.decode()

    assert html.count("<h1") == 1
    assert "app-signed-in-as" in html
