"""The signed-in menu and the home-page redirect: partnership draws them, and the pages in them
come from the apps that own those pages (partnership.registry, filled by AppConfig.ready())."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from partnership.context_processors import service

MENUS = {
    "spoc_practitioner": [
        "Home",
        "SPOC queue",
        "Record a referral",
        "Worklists",
        "Outreach",
        "Local services",
        "Drug alerts",
    ],
    "manager": [
        "Home",
        "SPOC queue",
        "Record a referral",
        "Worklists",
        "My work",
        "Hub caseload",
        "Plans due",
        "Outreach",
        "Groups",
        "Local services",
        "Reports",
        "Dashboards",
        "Incidents",
        "Notifications",
        "Drug alerts",
        "Complaints",
        "Access log",
    ],
    # No wrong door: everyone who meets people may record a referral.
    "hub_worker": [
        "Home",
        "Record a referral",
        "My work",
        "My caseload",
        "Plans due",
        "Outreach",
        "Groups",
        "Local services",
        "Drug alerts",
    ],
    "peer_worker": [
        "Home",
        "Record a referral",
        "My work",
        "My caseload",
        "Plans due",
        "Outreach",
        "Groups",
        "Local services",
        "Drug alerts",
    ],
    "treatment_practitioner": ["Home", "Record a referral", "People shared with us", "Drug alerts"],
    "data_protection_officer": ["Home", "Worklists", "Access log", "Data rights"],
    "commissioner": ["Home", "Reports", "Dashboards"],
    "safeguarding_lead": ["Home", "Record a referral", "Safeguarding", "Incidents", "Notifications", "Drug alerts"],
    "outsider": ["Home"],
    "admin_user": ["Home", "Administration"],
}


@pytest.mark.parametrize(("persona", "labels"), MENUS.items())
def test_each_role_sees_its_menu_in_order(request, persona, labels):
    user = request.getfixturevalue(persona)
    http_request = RequestFactory().get("/")
    http_request.user = user

    items = service(http_request)["nav_items"]

    assert [str(item["label"]) for item in items] == labels


def test_the_current_section_is_the_longest_matching_address(manager):
    http_request = RequestFactory().get(reverse("referrals:queue") + "?page=2")
    http_request.user = manager

    active = [str(item["label"]) for item in service(http_request)["nav_items"] if item["active"]]

    assert active == ["SPOC queue"]


@pytest.mark.parametrize(
    ("persona", "destination"),
    [
        ("spoc_practitioner", "referrals:queue"),
        ("manager", "referrals:queue"),
        ("hub_worker", "referrals:my_work"),
        ("peer_worker", "referrals:my_work"),
        ("treatment_practitioner", "referrals:shared_people"),
        ("commissioner", "reporting:archive"),
        ("safeguarding_lead", "safeguarding:overview"),
    ],
)
def test_each_role_lands_where_its_work_is(client, request, persona, destination):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse(destination)


@pytest.mark.parametrize("persona", ["data_protection_officer", "outsider"])
def test_other_roles_stay_on_the_home_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("home")).status_code == 200
