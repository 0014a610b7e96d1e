"""The person record in a real browser (issue 9, PLN-7): a hub worker signs in, lands on "My
work", opens a person from their caseload, reads the identity bar, moves to the timeline,
filters it and pages back through it; every page passes axe-core, and at 320 CSS pixels wide
neither the person page nor the timeline scrolls sideways."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import ContactAttempt, Referral
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.e2e.conftest import checked, own_page, sign_in_on
from tests.e2e.test_narrow_screens import assert_no_sideways_scroll
from tests.factories import ReferralFactory
from tests.states import allocate

pytestmark = pytest.mark.e2e

NAMES = ("Eluned", "Pryce-Abernethy")


@pytest.fixture
def person_with_history(spoc_practitioner, hub, hub_worker):
    referral = ReferralFactory(
        subject_given_name=NAMES[0],
        subject_family_name=NAMES[1],
        subject_date_of_birth=dt.date(1979, 11, 2),
        received_at=timezone.now() - dt.timedelta(days=60),
        channel=Referral.Channel.PHONE,
    )
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    # Thirty contact attempts: more than a page of the timeline.
    for n in range(30):
        triage_services.contact_attempt_record(
            referral=referral,
            by=spoc_practitioner,
            attempted_at=timezone.now() - dt.timedelta(days=50, hours=n),
            method=ContactAttempt.Method.PHONE,
            outcome=ContactAttempt.Outcome.NO_ANSWER,
        )
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    person = referral.person
    services.person_update(person=person, by=spoc_practitioner, reason="Asked", pronouns="she/her")
    return person


@pytest.mark.django_db(transaction=True)
def test_a_hub_worker_opens_a_person_and_reads_their_timeline(page, sign_in, hub_worker, person_with_history):
    person = person_with_history
    sign_in(hub_worker)
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    checked(page)

    page.get_by_role("table", name="People allocated to you").get_by_role("link", name=" ".join(NAMES)).click()
    bar = page.get_by_role("region", name="The person")
    expect(bar).to_contain_text(" ".join(NAMES))
    expect(bar).to_contain_text("Pronouns: she/her")
    expect(bar).to_contain_text("2 Nov 1979")
    expect(bar).to_contain_text("Green risk at triage")
    sections = page.get_by_role("navigation", name="Sections of the person record")
    expect(sections.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    checked(page)

    sections.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Timeline")
    timeline = page.locator("#timeline .moj-timeline__item")
    expect(timeline).to_have_count(25)
    checked(page)

    # Only contact attempts: kinds go in the address, nothing about the person.
    kinds = page.get_by_role("group", name="Show")
    for box in kinds.get_by_role("checkbox").all():
        box.uncheck()
    kinds.get_by_label("Contact attempts").check()
    page.get_by_role("button", name="Show these events").click()
    assert NAMES[1] not in page.url and person.reference in page.url
    expect(timeline.first).to_contain_text("Contact attempt")
    expect(page.locator('#timeline [data-kind="referral"]')).to_have_count(0)
    checked(page)

    page.get_by_role("link", name="Older events").click()
    expect(timeline).to_have_count(5)  # 30 attempts: 25, then 5
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_person_pages_do_not_scroll_sideways_at_320_pixels(browser, live_server, hub_worker, person_with_history):
    with own_page(browser, width=320, height=640) as page:
        sign_in_on(page, live_server, hub_worker)
        assert_no_sideways_scroll(page)
        for name in ("referrals:person", "referrals:person_timeline", "referrals:person_history"):
            page.goto(f"{live_server.url}{reverse(name, kwargs={'person_ref': person_with_history.reference})}")
            assert_no_sideways_scroll(page)
            checked(page)
