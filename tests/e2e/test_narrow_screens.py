"""At 320 CSS pixels wide (400% zoom on a laptop) no page scrolls sideways: wide tables scroll
inside their own container (WCAG 2.2 1.4.10 reflow), and the queue's filter never covers it
(WCAG 2.4.11 focus not obscured)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import ContactAttempt, Referral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.e2e.conftest import assert_accessible, sign_in_on

pytestmark = pytest.mark.e2e


def _allocated(spoc, hub, worker) -> Referral:
    referral, _created = services.referral_create(
        data={
            "referrer_type": Referral.ReferrerType.PROFESSIONAL,
            "source": Referral.Source.GP,
            "subject_given_name": "Maximiliana",
            "subject_family_name": "Featherstonehaugh-Oyelaran",
            "subject_date_of_birth": dt.date(1984, 2, 3),
            "subject_postcode": "CA1 1AA",
            "referrer_name": "Dr Amina Shah",
            "referrer_organisation": "Botchergate Surgery",
            "substances": ["alcohol", "opioids"],
            "reason": "Would like support.",
            "consent_to_contact": True,
            "contact_methods": ["phone"],
        },
        channel=Referral.Channel.EMAIL,
        by=spoc,
        received_at=timezone.now() - dt.timedelta(days=2),
    )
    services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc,
        attempted_at=timezone.now() - dt.timedelta(days=1),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.MADE_CONTACT,
        notes="Talked through the drop-in times",
    )
    triage_services.triage_save_screening(
        referral=referral, by=spoc, council_of_residence="cumberland", substances=["alcohol"]
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    referral.refresh_from_db()
    return referral


def assert_no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at {widths[1]} px: the page is {widths[0]} px wide"


@pytest.mark.django_db(transaction=True)
def test_no_page_scrolls_sideways_at_320_pixels(
    browser, live_server, spoc_practitioner, hub_worker, manager, data_protection_officer, hub
):
    referral = _allocated(spoc_practitioner, hub, hub_worker)
    pages = {
        spoc_practitioner: [
            reverse("referrals:queue"),
            reverse("referrals:detail", args=[referral.reference]),
            reverse("referrals:history", args=[referral.reference]),
            reverse("referrals:person", args=[referral.person.reference]),
            reverse("referrals:consent", args=[referral.person.reference]),
            reverse("referrals:contact", args=[referral.reference]),
        ],
        hub_worker: [reverse("referrals:caseload"), reverse("referrals:hub_caseload")],
        manager: [reverse("access_log")],
        data_protection_officer: [reverse("referrals:data_rights")],
    }
    for user, urls in pages.items():
        context, page = _signed_in_page(browser, live_server, user, width=320, height=640)
        try:
            for url in urls:
                page.goto(f"{live_server.url}{url}")
                assert_no_sideways_scroll(page)
                assert_accessible(page)
        finally:
            context.close()


def _signed_in_page(browser, live_server, user, *, width: int, height: int = 800):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    sign_in_on(page, live_server, user)
    return context, page


def _uncovered(page, locator) -> bool:
    """Whether the element itself is what a click at its centre would reach (nothing over it)."""
    return locator.evaluate(
        """(el) => { el.scrollIntoView({block: 'center'}); const r = el.getBoundingClientRect();
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return el === top || el.contains(top); }"""
    )


@pytest.mark.parametrize("width", [320, 768])
@pytest.mark.django_db(transaction=True)
def test_the_queue_filter_opens_and_closes_and_never_covers_the_queue(
    browser, live_server, spoc_practitioner, hub_worker, hub, width
):
    referral, _created = services.referral_create(
        data={
            "referrer_type": Referral.ReferrerType.SELF,
            "source": Referral.Source.SELF,
            "subject_given_name": "Ola",
            "subject_family_name": "Nowak",
            "substances": ["alcohol"],
            "consent_to_contact": True,
            "contact_methods": ["phone"],
        },
        channel=Referral.Channel.ONLINE,
    )
    context, page = _signed_in_page(browser, live_server, spoc_practitioner, width=width)
    try:
        page.goto(f"{live_server.url}{reverse('referrals:queue')}")
        page.wait_for_load_state("load")
        link = page.get_by_role("link", name=referral.reference)
        # The filter starts closed below desktop width: the first referral is in view, uncovered.
        show = page.get_by_role("button", name="Show filter")
        assert show.is_visible()
        assert _uncovered(page, link)
        assert not page.get_by_role("button", name="Apply filters").is_visible()
        link.focus()
        assert _uncovered(page, link), "a focused referral link is hidden under the filter"
        show.click()
        assert page.get_by_role("button", name="Apply filters").is_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Close").click()
        assert not page.get_by_role("button", name="Apply filters").is_visible()
        assert _uncovered(page, link)
        assert_no_sideways_scroll(page)
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_the_queue_uses_the_full_width_of_a_wide_screen(browser, live_server, spoc_practitioner):
    context, page = _signed_in_page(browser, live_server, spoc_practitioner, width=1600, height=900)
    try:
        page.goto(f"{live_server.url}{reverse('referrals:queue')}")
        page.wait_for_load_state("load")
        main_width = page.evaluate("() => document.querySelector('main').getBoundingClientRect().width")
        assert main_width > 1400, f"the queue is a {main_width} px column on a 1600 px screen"
        # The filter shows beside the queue on a wide screen, with no toggle needed.
        assert page.get_by_role("button", name="Apply filters").is_visible()
    finally:
        context.close()
