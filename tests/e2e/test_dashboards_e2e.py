"""The dashboards in a real browser (RPT-6): a manager reads the equity dashboard, chooses a
characteristic and a council with the GET filter, moves to the disengagement-risk dashboard and
on to the people through the link there; a hand-edited address gets the GOV.UK error summary.
axe-core (WCAG 2.2 AA) on every page visited."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reporting.views_dashboards import QUARTER_INVALID
from tests.e2e.conftest import checked
from tests.reporting.test_equality_dataset import NAMES, QUARTER, build_dataset

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_manager_reads_both_dashboards(page, live_server, sign_in, manager, hub, other_hub):
    hub.council, other_hub.council = "cumberland", "westmorland_and_furness"
    hub.save()
    other_hub.save()
    build_dataset(by=manager, hub=hub, other_hub=other_hub)
    sign_in(manager)

    page.goto(f"{live_server.url}{reverse('reporting:dashboard_equity')}?quarter={QUARTER.code}")
    checked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Equity dashboard")
    expect(page.get_by_role("table", name="Access compared with the local population")).to_be_visible()
    expect(page.get_by_text("configurable example figures")).to_be_visible()

    page.get_by_label("Characteristic").select_option("sex")
    page.get_by_label("Council").select_option("cumberland")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    checked(page)
    assert "characteristic=sex" in page.url and "council=cumberland" in page.url
    expect(page.get_by_role("table", name="Outcomes in the quarter")).to_contain_text("Prefer not to say")
    expect(page.locator(".govuk-caption-l")).to_contain_text("Cumberland")
    assert NAMES[1] not in page.content()

    page.get_by_role("link", name="Disengagement risk").click()
    page.wait_for_load_state()
    checked(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Disengagement risk dashboard")
    expect(page.get_by_role("table", name="People becoming inactive, by reason")).to_contain_text("Disengaged")

    # The figures are counts: the link takes the manager to the people themselves.
    page.get_by_role("link", name="people flagged as disengaging, on My work").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("referrals:my_work"))


@pytest.mark.django_db(transaction=True)
def test_a_hand_edited_quarter_gets_an_accessible_error_summary(page, live_server, sign_in, manager):
    sign_in(manager)
    page.goto(f"{live_server.url}{reverse('reporting:dashboard_disengagement')}?quarter=2025-26-Q7")
    checked(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(str(QUARTER_INVALID))
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link").click()
    expect(page.get_by_label("Quarter")).to_be_focused()
