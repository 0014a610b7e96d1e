"""SAF-1 in a real browser, axe-core on every page: a hub worker shares one safeguarding concern
with the Treatment Service (the person's record already shared with it, on a recorded basis), the
Treatment practitioner sees that concern and not the other, and it goes when the share is stopped."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from referrals.models import Consent
from referrals.services.consent import consent_record
from referrals.services.grants import share_person_with_organisation
from tests.e2e.conftest import checked
from tests.e2e.test_sharing_journey import sign_in_on
from tests.safeguarding.conftest import allocated_person, raise_concern

pytestmark = pytest.mark.e2e

SHARED = "SHARED-SUMMARY strangers staying in the flat"
UNSHARED = "UNSHARED-SUMMARY threats from a partner"


@pytest.mark.django_db(transaction=True)
def test_a_concern_shared_with_treatment_is_seen_there_until_the_share_is_stopped(
    page, treatment_page, live_server, spoc_practitioner, hub, hub_worker, treatment_practitioner, treatment_org, sign_in
):
    person = allocated_person(spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    consent_record(person=person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=True)
    share_person_with_organisation(person=person, organisation=treatment_org, by=spoc_practitioner, reason="Referral")
    shared = raise_concern(person, hub_worker, summary=SHARED)
    raise_concern(person, hub_worker, summary=UNSHARED)

    # 1. The hub worker opens the concern and shares it; sent empty first, the form says what is missing.
    sign_in(hub_worker, check=checked)
    page.goto(live_server.url + reverse("safeguarding:concern", kwargs={"concern_ref": shared.reference}))
    checked(page)
    page.get_by_role("link", name="Share with the Treatment Service").click()
    checked(page)
    page.get_by_role("button", name="Share the concern").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the Treatment organisation")
    checked(page)
    page.get_by_label(treatment_org.name).check()
    page.get_by_label(str(Consent.LawfulBasis.SAFEGUARDING.label)).check()
    page.get_by_label("Why does the Treatment Service need to know?").fill("A child visits; the prescriber must know")
    page.get_by_role("button", name="Share the concern").click()
    expect(page.get_by_role("main")).to_contain_text(treatment_org.name)
    checked(page)

    # 2. The Treatment practitioner, in a browser of their own, sees the shared concern only.
    sign_in_on(treatment_page, live_server, treatment_practitioner)
    treatment_page.goto(live_server.url + reverse("referrals:shared_person", args=[person.reference]))
    main = treatment_page.get_by_role("main")
    expect(main).to_contain_text(SHARED)
    expect(main).not_to_contain_text(UNSHARED)
    checked(treatment_page)

    # 3. The hub worker stops sharing it; the Treatment page no longer shows it.
    page.get_by_role("link", name="Stop sharing").first.click()
    checked(page)
    page.get_by_label("Why", exact=False).first.fill("The person asked us to stop")
    page.get_by_role("button", name="Stop sharing the concern").click()
    checked(page)
    treatment_page.reload()
    expect(treatment_page.get_by_role("main")).not_to_contain_text(SHARED)
    checked(treatment_page)
