"""The assessment's readings from end to end, in a real browser (ASM-5, ASM-2).

A hub worker opens the assessment of someone on their caseload, fills in part of a section,
then records an AUDIT-C. It is positive, so the reading's page offers the full AUDIT, which
opens with the three answers already given; the worker completes it. Then a star-style reading,
and its page draws the chart with the same numbers in a table. Scores are never typed: the
pages work them out. axe-core checks every page on the way, the error state included.

Locators are the ones a screen-reader user has: roles, accessible names and labels.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import InstrumentReading, NeedsSection
from referrals.services import referrals as referral_services
from tests.e2e.conftest import checked
from tests.factories import ReferralFactory
from tests.states import allocate

pytestmark = pytest.mark.e2e


def _choose(page, *, index: int, only_unchosen: bool = False) -> None:
    """In every question (a fieldset of radios), choose the answer at ``index``."""
    for group in page.get_by_role("group").all():
        radios = group.get_by_role("radio")
        if radios.count() == 0:
            continue
        if only_unchosen and any(radios.nth(i).is_checked() for i in range(radios.count())):
            continue
        radios.nth(index).check()


def test_a_hub_worker_screens_goes_on_to_the_full_audit_and_records_a_star_reading(
    page, live_server, sign_in, spoc_practitioner, hub, hub_worker
):
    referral = ReferralFactory(subject_given_name="Aled", subject_family_name="Pritchard-Okoye")
    person = referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    sign_in(hub_worker, check=checked)

    # The assessment overview: nothing started yet.
    page.goto(live_server.url + reverse("assessments:overview", args=[person.reference]))
    checked(page)
    expect(page.get_by_role("heading", name="Assessment", level=1)).to_be_visible()

    # A section saved with only one answer (partial is fine).
    page.get_by_role("link", name="Needs, aspirations and goals").click()
    checked(page)
    page.get_by_label("Goals").fill("To be back at work by the spring")
    page.get_by_role("button", name="Save this section").click()
    checked(page)
    expect(page.get_by_text("Needs, aspirations and goals saved")).to_be_visible()
    assert NeedsSection.objects.get(person=person).goals == "To be back at work by the spring"

    # The AUDIT-C: sent with a question unanswered first, then completed.
    page.get_by_role("link", name="Readings", exact=True).click()
    checked(page)
    page.get_by_role("link", name=re.compile(r"Record a reading\s*:\s*AUDIT-C")).click()
    checked(page)
    page.get_by_role("group").first.get_by_role("radio").nth(3).check()
    page.get_by_role("button", name="Save reading").click()
    checked(page)
    expect(page.get_by_role("alert")).to_be_visible()
    assert not InstrumentReading.objects.exists()
    groups = [g for g in page.get_by_role("group").all() if g.get_by_role("radio").count()]
    groups[1].get_by_role("radio").nth(2).check()  # 3: q1 already chosen, q2 scores 2, q3 scores 1
    groups[2].get_by_role("radio").nth(1).check()
    page.get_by_role("button", name="Save reading").click()
    checked(page)
    expect(page.get_by_text("AUDIT-C positive", exact=True)).to_be_visible()
    screening = InstrumentReading.objects.get(instrument="audit-c")
    assert screening.total == 6

    # Positive: on to the full AUDIT, with the three answers carried.
    page.get_by_role("link", name=re.compile("Continue to the")).click()
    checked(page)
    expect(page.get_by_text("The answers given in the screening")).to_be_visible()
    _choose(page, index=0, only_unchosen=True)
    page.get_by_role("button", name="Save reading").click()
    checked(page)
    full = InstrumentReading.objects.get(instrument="audit")
    assert (full.total, full.carried_from) == (6, screening)
    assert {key: full.answers[key] for key in ("q1", "q2", "q3")} == screening.answers

    # A star-style reading, then its page: chart and table with the same numbers.
    page.get_by_role("link", name="Readings", exact=True).click()
    page.get_by_role("link", name=re.compile(r"Record a reading\s*:\s*Recovery reading")).click()
    checked(page)
    _choose(page, index=5)
    page.get_by_role("button", name="Save reading").click()
    checked(page)
    page.get_by_role("link", name="All readings of this instrument").click()
    checked(page)
    expect(page.get_by_role("img", name=re.compile("change between readings"))).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("6")
    star = InstrumentReading.objects.get(instrument="recovery-reading")
    assert set(star.answers.values()) == {"6"}
