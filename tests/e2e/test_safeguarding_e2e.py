"""A safeguarding concern from end to end, in a real browser (SAF-1, SAF-2).

A hub worker raises a concern about a child in the household of a person on their caseload
(after a first try with nothing filled in); the safeguarding lead, who signs in to the
safeguarding overview, records the referral to the council's safeguarding team and a strategy
meeting, then produces the chronology as a PDF for the council, which writes the disclosure
log. axe-core checks every page on the way.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.services import child_save
from referrals.models import Disclosure
from safeguarding.forms_concerns import CATEGORY_REQUIRED
from safeguarding.models import Concern
from tests.e2e.conftest import checked, own_page, sign_in_on
from tests.safeguarding.conftest import allocated_person

pytestmark = pytest.mark.e2e


def fill_date(page, group: str, day: dt.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(day.day))
    fields.get_by_label("Month").fill(str(day.month))
    fields.get_by_label("Year").fill(str(day.year))


@pytest.mark.django_db(transaction=True)
def test_a_concern_about_a_child_goes_to_the_council_and_into_a_chronology(
    browser, page, live_server, sign_in, spoc_practitioner, hub, hub_worker, safeguarding_lead
):
    person = allocated_person(spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    child_save(person=person, child=None, values={"age": 6}, by=hub_worker)
    today = timezone.localdate()

    # The hub worker raises the concern from the person's record.
    sign_in(hub_worker, check=checked)
    page.goto(live_server.url + reverse("referrals:person", kwargs={"person_ref": person.reference}))
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safeguarding concerns")
    checked(page)
    page.get_by_role("link", name="Raise a concern").click()
    checked(page)
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("alert")).to_contain_text(str(CATEGORY_REQUIRED))
    checked(page)
    page.get_by_role("group", name="What kind of concern is it?").get_by_label("Neglect", exact=True).check()
    page.get_by_role("group", name="Who is at risk?").get_by_label("A child in their household").check()
    page.get_by_label("Child aged 6").check()
    page.get_by_role("group", name="Risk level").get_by_label("Medium").check()
    page.get_by_label("What happened or was seen").fill("Not collected from school twice this week")
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_text("Waiting for a referral to the council").first).to_be_visible()
    checked(page)
    concern = Concern.objects.get()
    assert concern.about == Concern.About.CHILD

    # The safeguarding lead lands on the overview, with the concern waiting for a referral.
    with own_page(browser) as lead:
        sign_in_on(lead, live_server, safeguarding_lead, check=checked)
        expect(lead.get_by_role("heading", level=1)).to_have_text("Safeguarding overview")
        checked(lead)
        lead.locator("#awaiting").locator("xpath=following-sibling::ul[1]").get_by_role(
            "link", name=concern.reference
        ).click()
        checked(lead)

        lead.get_by_role("link", name="Record the referral to the council").click()
        checked(lead)
        lead.get_by_role("group", name="Which council's safeguarding team?").get_by_label("Cumberland").check()
        lead.get_by_label("The council's reference").fill("CSC-2026-0778")
        fill_date(lead, "Date of the referral", today)
        lead.get_by_role("button", name="Save the referral").click()
        expect(lead.locator("#council-referral")).to_contain_text("CSC-2026-0778")
        checked(lead)

        lead.get_by_role("link", name="Record a multi-agency meeting").click()
        checked(lead)
        lead.get_by_label("Strategy meeting or discussion").check()
        fill_date(lead, "Date of the meeting", today)
        lead.get_by_label("Who attended").fill("Social worker, Children's Services\nDC Jones, Cumbria Police")
        lead.get_by_label("Decisions").fill("Section 47 enquiry to start")
        lead.get_by_role("button", name="Save the meeting").click()
        expect(lead.get_by_text("Section 47 enquiry to start")).to_be_visible()
        checked(lead)

        # The chronology, then the PDF for the council.
        lead.get_by_role("link", name="Chronology").first.click()
        expect(lead.get_by_role("heading", level=1)).to_have_text("Chronology")
        expect(lead.locator("#chronology")).to_contain_text("Safeguarding concern raised: Neglect")
        checked(lead)
        lead.get_by_role("link", name="Produce as a PDF").click()
        checked(lead)
        lead.get_by_label("Yes, it is going to another organisation").check()
        lead.get_by_label("Organisation it is for (if it leaves the service)").fill("Cumberland Council")
        lead.get_by_role("group", name="Lawful basis for sharing it (if it leaves the service)").get_by_label(
            "Safeguarding a child"
        ).check()
        lead.get_by_label("What is it for?").fill("Strategy meeting")
        with lead.expect_download() as download:
            lead.get_by_role("button", name="Produce the PDF").click()
        assert download.value.suggested_filename == f"chronology-{person.reference}.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

    disclosure = Disclosure.objects.get()
    assert (disclosure.dataset, disclosure.to_organisation_name) == ("safeguarding_chronology", "Cumberland Council")
    concern.refresh_from_db()
    assert concern.status == Concern.Status.REFERRED and concern.meetings.get().kind == "strategy"
