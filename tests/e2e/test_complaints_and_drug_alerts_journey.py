"""Complaints (SAF-4) and drug alerts (SAF-5) in a real browser, axe-core on every page.

A member of the public makes a complaint on the public form: a missing answer is caught and
fixed with nothing lost, the confirmation gives a reference, and a manager finds it in the
complaints list and names who handles its first stage. A manager issues an urgent drug alert; a hub worker sees the banner on their
staff pages, acknowledges it, and the banner goes; the manager sees who has acknowledged it.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from safeguarding.alerts import live_alerts_known_empty
from safeguarding.forms_public import SUMMARY_REQUIRED
from safeguarding.models import Complaint, DrugAlertAcknowledgement
from tests.e2e.conftest import checked, own_page, sign_in_on

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _no_alert_left_behind():
    yield
    live_alerts_known_empty()


@pytest.mark.django_db(transaction=True)
def test_a_member_of_the_public_makes_a_complaint_and_a_manager_finds_it(
    page, public_page, live_server, manager, sign_in
):
    form = public_page
    form.goto(f"{live_server.url}{reverse('safeguarding_public:form')}")
    expect(form.get_by_role("heading", level=1)).to_have_text("Make a complaint or pay a compliment")
    checked(form)

    form.get_by_role("group", name="What would you like to do?").get_by_label("Make a complaint").check()
    form.get_by_role("group", name="Who are you?").get_by_label("I am a family member, friend or carer").check()
    form.get_by_role("group", name="What is it about?").get_by_label("Communication or information").check()
    form.get_by_role("group", name="Would you like a reply?").get_by_label("Yes").check()
    form.get_by_label("Your name").fill("Gwen Ashby")
    form.get_by_label("Phone number (optional)").fill("07700 900456")
    form.get_by_role("button", name="Send").click()

    # What happened was left out: said plainly, everything else kept.
    expect(form).to_have_title(re.compile("^Error"))
    expect(form.get_by_role("alert")).to_contain_text(str(SUMMARY_REQUIRED))
    expect(form.get_by_label("Your name")).to_have_value("Gwen Ashby")
    checked(form)
    form.get_by_label("Tell us what happened").fill("Nobody rang my son back for a fortnight.")
    form.get_by_role("button", name="Send").click()

    expect(form.get_by_role("heading", level=1)).to_have_text("Complaint sent")
    complaint = Complaint.objects.get()
    expect(form.locator(".govuk-panel__body")).to_contain_text(complaint.reference)
    assert complaint.reference not in form.url
    checked(form)

    sign_in(manager)
    page.goto(f"{live_server.url}{reverse('safeguarding:complaints')}")
    checked(page)
    page.get_by_role("link", name=complaint.reference).click()
    expect(page.get_by_role("heading", level=2, name="Stage 1: local resolution")).to_be_visible()
    expect(page.locator("#current-stage")).to_contain_text("Hub manager")
    checked(page)

    # The manager names who handles the stage; the page and its history say so.
    page.get_by_role("link", name="Name who handles this stage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who handles Stage 1: local resolution")
    checked(page)
    page.get_by_label("Manager handling this stage").select_option(label=manager.get_full_name())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#stage-handler")).to_contain_text(manager.get_full_name())
    expect(page.locator("#complaint-history")).to_contain_text(f"handled by {manager.get_full_name()}")
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_a_drug_alert_banner_is_shown_until_acknowledged(browser, page, live_server, manager, hub_worker, sign_in):
    sign_in(manager)
    page.goto(f"{live_server.url}{reverse('safeguarding:drug_alert_new')}")
    checked(page)
    page.get_by_label("Title").fill("Heroin cut with nitazenes")
    page.get_by_role("group", name="Grade").get_by_label("Urgent alert").check()
    page.get_by_label("Substance").fill("Brown heroin")
    page.get_by_label("Area").fill("Carlisle")
    page.get_by_label("What has been seen").fill("Three overdoses in two days.")
    page.get_by_label("Advice for staff and people who use drugs").fill("Offer naloxone to everyone.")
    page.get_by_role("group", name="Where did it come from?").get_by_label("Local Drug Information System").check()
    page.get_by_role("button", name="Issue the alert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Heroin cut with nitazenes")
    checked(page)

    with own_page(browser) as worker:
        sign_in_on(worker, live_server, hub_worker)
        worker.goto(f"{live_server.url}{reverse('recovery_plans:directory')}")
        banner = worker.get_by_role("region", name=re.compile("Drug alert: Urgent alert"))
        expect(banner).to_contain_text("Heroin cut with nitazenes")
        checked(worker)
        banner.get_by_role("button", name=re.compile("Acknowledge")).click()
        expect(worker.get_by_text("acknowledged", exact=False).first).to_be_visible()
        expect(worker.get_by_role("region", name=re.compile("Drug alert"))).to_have_count(0)
        assert worker.url.endswith(reverse("recovery_plans:directory"))
        checked(worker)
    assert DrugAlertAcknowledgement.objects.get().user == hub_worker

    page.reload()
    expect(page.locator("#acknowledged")).to_contain_text(hub_worker.get_full_name())
    checked(page)
