"""SEC-5 in two real browsers: two practitioners, each signed in in a browser context of their
own, open the same screening form. The first saves a red risk for "thoughts of suicide"; the
second then saves the copy they opened earlier (green, no reasons) and is not told "Screening
saved": the save is refused, the page says who changed what, keeps everything they typed, and
a second, deliberate save succeeds. axe-core checks every page, the refusal included.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from common.audit import EDIT_CONFLICT
from referrals.models import Triage
from tests.e2e.conftest import assert_accessible, own_page, sign_in_on
from tests.factories import ReferralFactory
from tests.referrals.test_concurrent_edits import member_of_staff

pytestmark = pytest.mark.e2e


def checked(page) -> None:
    page.wait_for_load_state("load")
    assert_accessible(page)


def screen(page, *, risk: str) -> None:
    """Answer the screening questions the same way in either browser."""
    page.get_by_role("group", name="Is the person pregnant?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Is the person open to Children's Services").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Is there a mental health concern?").get_by_label("Not known").check()
    page.get_by_role("group", name="Is the person homeless or at risk of homelessness?").get_by_label(
        "Not known"
    ).check()
    page.get_by_role("group", name="Initial risk rating").get_by_label(risk, exact=True).check()


@pytest.mark.django_db(transaction=True)
def test_an_older_screening_in_another_browser_cannot_put_red_back_to_green(browser, live_server, ers):
    alex = member_of_staff(ers, "alex", "Alex", "Morgan")
    bea = member_of_staff(ers, "bea", "Bea", "Khan")
    referral = ReferralFactory(subject_postcode="CA1 1AA", council_of_residence="cumberland", substances=["alcohol"])
    url = f"{live_server.url}{reverse('referrals:screening', args=[referral.reference])}"

    with own_page(browser) as alex_page, own_page(browser) as bea_page:
        sign_in_on(alex_page, live_server, alex)
        sign_in_on(bea_page, live_server, bea)
        # Both open the form before either saves.
        alex_page.goto(url)
        checked(alex_page)
        bea_page.goto(url)
        checked(bea_page)

        screen(alex_page, risk="Red")
        alex_page.get_by_label("Thoughts of suicide or self-harm").check()
        alex_page.get_by_role("button", name="Save screening", exact=True).click()
        expect(alex_page.get_by_role("alert")).to_contain_text("Screening saved")

        typed = "Spoke to the person's sister, who is worried about their drinking"
        screen(bea_page, risk="Green")
        bea_page.get_by_label("Screening notes (optional)").fill(typed)
        bea_page.get_by_role("button", name="Save screening", exact=True).click()

        # Refused, and said so: what changed, by whom; nothing Bea typed is lost.
        summary = bea_page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(str(EDIT_CONFLICT))
        banner = bea_page.locator("#edit-conflict")
        expect(banner).to_contain_text("Alex Morgan")
        expect(banner).to_contain_text("Initial risk rating")
        expect(banner).to_contain_text("Red")
        expect(banner).to_contain_text("Thoughts of suicide or self-harm")
        expect(bea_page.get_by_label("Screening notes (optional)")).to_have_value(typed)
        expect(
            bea_page.get_by_role("group", name="Initial risk rating").get_by_label("Green", exact=True)
        ).to_be_checked()
        checked(bea_page)
        triage = Triage.objects.get(referral=referral)
        assert (triage.risk, triage.risk_reasons) == (Triage.Risk.RED, ["suicide"])

        # The error summary's link takes Bea to the changes.
        summary.get_by_role("link").click()
        expect(bea_page).to_have_url(f"{url}#edit-conflict")

        # Having read it, Bea keeps the red rating and her note, and saves on purpose.
        bea_page.get_by_role("group", name="Initial risk rating").get_by_label("Red", exact=True).check()
        bea_page.get_by_label("Thoughts of suicide or self-harm").check()
        bea_page.get_by_role("button", name="Save screening", exact=True).click()
        expect(bea_page.get_by_role("alert")).to_contain_text("Screening saved")
        checked(bea_page)
        triage.refresh_from_db()
        assert (triage.risk, triage.risk_reasons, triage.screening_notes) == (Triage.Risk.RED, ["suicide"], typed)
