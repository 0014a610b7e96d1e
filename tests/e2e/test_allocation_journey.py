"""From the referral page to an allocated worker, in a real browser: the primary button for
the next step, the target in the identity bar, and the worker list narrowed to the chosen hub
(static/js/allocate.js). axe-core checks each page.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral, Triage
from referrals.services import triage as triage_services
from tests.e2e.conftest import assert_accessible
from tests.factories import ReferralFactory

pytestmark = pytest.mark.e2e


def checked(page) -> None:
    page.wait_for_load_state("load")
    assert_accessible(page)


def _shown_workers(page) -> list[str]:
    """The workers the select offers now: options neither hidden nor disabled."""
    return page.get_by_label("Worker", exact=True).evaluate(
        "select => Array.from(select.options).filter(o => o.value && !o.hidden && !o.disabled).map(o => o.text)"
    )


@pytest.mark.django_db(transaction=True)
def test_choosing_a_hub_shows_only_its_workers(
    page, live_server, sign_in, spoc_practitioner, hub, hub_worker, other_hub, other_hub_worker
):
    referral = ReferralFactory(received_at=timezone.now() - dt.timedelta(hours=1))
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc_practitioner,
        attempted_at=timezone.now() - dt.timedelta(minutes=30),
        method="phone",
        outcome="made_contact",
    )
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, substances=["alcohol"], council_of_residence="cumberland", risk="green"
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    carlisle = f"{hub_worker.get_full_name()} (Recovery worker)"
    kendal = f"{other_hub_worker.get_full_name()} (Recovery worker)"

    sign_in(spoc_practitioner)
    page.goto(f"{live_server.url}{reverse('referrals:detail', args=[referral.reference])}")
    identity = page.locator(".moj-identity-bar")
    expect(identity).to_contain_text("Target: Triage completed, due")
    expect(identity).to_contain_text("Met")
    checked(page)

    # The next step is one button on the page, not an item in the Actions menu.
    page.get_by_role("button", name="Allocate to a hub and worker", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate to a hub and worker")
    checked(page)
    assert set(_shown_workers(page)) >= {carlisle, kendal}

    hubs = page.get_by_role("group", name="Which hub will support the person?")
    hubs.get_by_label(other_hub.name).check()
    assert _shown_workers(page) == [kendal]
    page.get_by_label("Worker", exact=True).select_option(label=kendal)
    checked(page)

    # Changing the hub clears a worker from the other hub.
    hubs.get_by_label(hub.name).check()
    assert _shown_workers(page) == [carlisle]
    expect(page.get_by_label("Worker", exact=True)).to_have_value("")

    hubs.get_by_label(other_hub.name).check()
    page.get_by_label("Worker", exact=True).select_option(label=kendal)
    page.get_by_role("button", name="Allocate", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(f"Referral allocated to {other_hub.name}")
    expect(page.locator(".moj-identity-bar")).to_contain_text(f"Status: {Referral.Status.ALLOCATED.label}")
    expect(page.locator("#next-step")).to_have_count(0)
    checked(page)
    referral.refresh_from_db()
    assert (referral.hub, referral.allocated_worker) == (other_hub, other_hub_worker)
