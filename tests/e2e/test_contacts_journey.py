"""A hub worker on a phone (375 CSS pixels wide) records a routine contact with someone on
their caseload, then an outreach contact with someone not yet known (PLN-3); axe-core on every
page on the way."""

import pytest
from django.urls import reverse

from recovery_plans.models import Contact, OutreachContact
from referrals.services import referrals as referral_services
from tests.e2e.conftest import assert_accessible, own_page, sign_in_on
from tests.factories import ReferralFactory
from tests.states import allocate

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


def checked(page) -> None:
    page.wait_for_load_state("load")
    assert_accessible(page)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at 375 px: {widths}"


@pytest.mark.django_db(transaction=True)
def test_a_contact_and_an_outreach_contact_recorded_on_a_phone(
    browser, live_server, spoc_practitioner, hub, hub_worker
):
    referral = ReferralFactory(subject_given_name="Morwenna", subject_family_name="Tregothnan")
    referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.refresh_from_db()
    person = referral.person

    with own_page(browser, **PHONE) as page:
        sign_in_on(page, live_server, hub_worker)
        page.goto(live_server.url + reverse("contacts:list", kwargs={"person_ref": person.reference}))
        checked(page)
        page.get_by_role("button", name="Record a contact").click()
        checked(page)
        # A routine contact: the type and where; the time is now and 15 minutes is offered.
        page.get_by_label("Brief advice").check()
        page.get_by_label("Phone", exact=True).check()
        page.get_by_label("How long, in minutes").fill("10")
        page.get_by_role("button", name="Save contact").click()
        checked(page)
        assert "Contact saved" in page.content()
        assert "Brief advice" in page.locator("#contacts").inner_text()

        # Nothing chosen: the error summary says what to fix, and the page stays accessible.
        page.goto(live_server.url + reverse("contacts:new", kwargs={"person_ref": person.reference}))
        page.get_by_role("button", name="Save contact").click()
        checked(page)
        assert "Select the type of contact" in page.locator(".govuk-error-summary").inner_text()

        page.goto(live_server.url + reverse("contacts:outreach"))
        checked(page)
        page.get_by_role("button", name="Record an outreach contact").click()
        checked(page)
        page.get_by_label("Where did you meet?").fill("Bus station")
        page.locator("input[name=engaged][value=no]").check()
        page.get_by_label("Not ready to change").check()
        page.get_by_label("Age", exact=True).fill("45")
        page.get_by_label("The age is my estimate").check()
        page.get_by_role("button", name="Save outreach contact").click()
        checked(page)
        assert "New contact" in page.locator("#outreach-contacts").inner_text()
        page.locator("#outreach-contacts a").first.click()
        checked(page)

    contact = Contact.objects.get()
    assert (contact.type, contact.setting, contact.duration_minutes) == ("brief_advice", "phone", 10)
    met = OutreachContact.objects.get()
    assert (met.location, met.engaged, met.not_engaging_reason, met.age_is_perceived) == (
        "Bus station",
        False,
        "not_ready",
        True,
    )


@pytest.mark.django_db(transaction=True)
def test_engagement_and_group_pages_on_a_phone(browser, live_server, spoc_practitioner, hub, hub_worker):
    from django.utils import timezone

    from recovery_plans.services import groups as group_services

    referral = ReferralFactory(subject_given_name="Ifan", subject_family_name="Pritchard")
    referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.refresh_from_db()
    person = referral.person
    group = group_services.group_create(by=hub_worker, name="Pre-detox group", kind="pre_detox")
    session = group_services.group_session_create(
        group=group, by=hub_worker, starts_at=timezone.now(), duration_minutes=90
    )

    with own_page(browser, **PHONE) as page:
        sign_in_on(page, live_server, hub_worker)
        page.goto(live_server.url + reverse("contacts:inactive", kwargs={"person_ref": person.reference}))
        checked(page)
        page.get_by_label("Moved away").check()
        page.get_by_role("button", name="Mark as inactive").click()
        checked(page)
        page.get_by_role("button", name="Re-enter support").click()
        checked(page)
        assert "The person is active again" in page.content()

        page.goto(live_server.url + reverse("contacts:groups"))
        checked(page)
        page.get_by_role("link", name="Pre-detox group").click()
        checked(page)
        page.goto(live_server.url + reverse("contacts:group_session", kwargs={"pk": session.pk}))
        checked(page)
        page.get_by_label("The person’s reference").fill(person.reference)
        page.get_by_role("button", name="Record attendance").click()
        checked(page)
        assert "Ifan Pritchard" in page.locator("#attendance").inner_text()
        page.goto(live_server.url + reverse("contacts:group_new"))
        checked(page)
        page.goto(live_server.url + reverse("contacts:outreach_session_new"))
        checked(page)
        page.goto(live_server.url + reverse("contacts:naloxone_supply_new"))
        checked(page)
