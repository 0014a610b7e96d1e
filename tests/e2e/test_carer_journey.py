"""A young carer refers herself on the public form, in a real browser (§3.1.1.c, §3.10.10).

She chooses "Me, because of someone else's drinking or drug use", which reveals the questions
about the person she cares for; a missing answer is caught and fixed; the referral is stored
as a carer's, with no substances of her own. A SPOC practitioner then sees the young-carer
warning on the referral page and the screening page. axe-core checks every page.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals.forms.public import CARED_FOR_RELATIONSHIP_REQUIRED
from referrals.models import Referral
from tests.e2e.conftest import checked

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_young_carer_refers_herself_and_is_flagged_for_the_spoc(
    page, public_page, live_server, spoc_practitioner, sign_in
):
    born = timezone.localdate().replace(year=timezone.localdate().year - 15) - dt.timedelta(days=40)
    form = public_page
    form.goto(f"{live_server.url}{reverse('public:form')}")
    expect(form.get_by_role("heading", level=1)).to_have_text("Ask for support")

    who = form.get_by_role("group", name="Who is this referral for?")
    cared_for = form.get_by_role("group", name="Who is the person whose drinking or drug use affects you?")
    expect(cared_for).to_be_hidden()
    who.get_by_label("Me, because of someone else’s drinking or drug use").check()
    expect(cared_for).to_be_visible()
    checked(form)

    form.get_by_label("Their first name (optional)").fill("Chris")
    form.get_by_label("First name", exact=True).fill("Maja")
    form.get_by_label("Last name", exact=True).fill("Nowak")
    date_of_birth = form.get_by_role("group", name="Date of birth")
    date_of_birth.get_by_label("Day").fill(str(born.day))
    date_of_birth.get_by_label("Month").fill(str(born.month))
    date_of_birth.get_by_label("Year").fill(str(born.year))
    form.get_by_label("Phone number", exact=True).fill("07700 900456")
    form.get_by_role("group", name="What is causing concern?").get_by_label("Alcohol").check()
    form.get_by_role("group", name="Is the person pregnant?").get_by_label("No", exact=True).check()
    form.get_by_role("group", name="Is a social worker or Children’s Services involved").get_by_label(
        "Not sure"
    ).check()
    form.get_by_label("I agree to the service contacting me").check()
    form.get_by_role("group", name="How can we contact you?").get_by_label("Text message").check()
    form.get_by_role("button", name="Send referral").click()

    # She forgot to say who she cares for: the summary links to the question, still revealed.
    expect(form).to_have_title(re.compile("^Error"))
    summary = form.get_by_role("alert")
    expect(summary).to_contain_text(str(CARED_FOR_RELATIONSHIP_REQUIRED))
    expect(cared_for).to_be_visible()
    expect(form.get_by_label("Their first name (optional)")).to_have_value("Chris")
    checked(form)
    summary.get_by_role("link", name=str(CARED_FOR_RELATIONSHIP_REQUIRED)).click()
    cared_for.get_by_label("Parent").check()
    form.get_by_role("button", name="Send referral").click()

    expect(form.get_by_role("heading", level=1)).to_have_text("Referral sent")
    checked(form)
    reference = form.locator(".govuk-panel__body strong").inner_text().strip()

    referral = Referral.objects.get(reference=reference)
    assert referral.support_for == Referral.SupportFor.CARER
    assert referral.cared_for_relationship == Referral.CaredForRelationship.PARENT
    assert (referral.substances, referral.cared_for_substances) == ([], ["alcohol"])
    assert referral.is_young_carer

    # The SPOC practitioner sees the young carer flagged, on the queue, the referral and screening.
    sign_in(spoc_practitioner)
    page.goto(f"{live_server.url}{reverse('referrals:queue')}")
    expect(page.get_by_role("row").filter(has_text=reference)).to_contain_text("Young carer")
    checked(page)
    page.goto(f"{live_server.url}{reverse('referrals:detail', args=[reference])}")
    expect(page.locator("#young-carer-warning")).to_contain_text("Young carer")
    expect(page.locator("#support-for")).to_have_text("Support as a family member, friend or carer")
    checked(page)
    page.goto(f"{live_server.url}{reverse('referrals:screening', args=[reference])}")
    expect(page.locator("#young-carer-warning")).to_be_visible()
    expect(page.get_by_role("group", name="Which substances does the person they care for use?")).to_be_visible()
    checked(page)
