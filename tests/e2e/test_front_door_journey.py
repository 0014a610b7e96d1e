"""The front door from end to end, in a real browser (REF-3 to REF-9, SEC-2).

A member of the public refers themselves on the public form; a SPOC practitioner signs in,
finds the referral in the queue, links it to the person the service already knows, records a
contact, screens, accepts and allocates it, and sees it leave the queue and their name in its
history. axe-core checks every page on the way, error pages included.

Locators are the ones a screen-reader user has: roles, accessible names and labels.
"""

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from partnership.models import Role
from referrals.forms.public import DOB_IN_FUTURE, SUBSTANCES_REQUIRED
from referrals.forms.triage import CONTACT_OUTCOME_REQUIRED
from referrals.matching import SAME_DATE_OF_BIRTH, SIMILAR_NAME
from referrals.models import ContactAttempt, Referral, Substance, Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from tests.e2e.conftest import checked
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

# For a person to look at.
QUEUE_SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-queue.png"
REFERRAL_SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-referral.png"

GIVEN_NAME = "Siân"
FAMILY_NAME = "Ó Briain-Nakamura"
DATE_OF_BIRTH = dt.date(1990, 7, 14)
REFERENCE_RE = re.compile(r"^R-[2-9A-HJ-NP-Z]{8}$")


def _staff_referral(*, by, given_name, family_name, received_at, **data):
    referral, _created = services.referral_create(
        data={
            "referrer_type": Referral.ReferrerType.PROFESSIONAL,
            "source": Referral.Source.GP,
            "subject_given_name": given_name,
            "subject_family_name": family_name,
            "subject_date_of_birth": dt.date(1980, 1, 1),
            "subject_phone": "07700 900123",
            "substances": [Substance.ALCOHOL],
            "consent_to_contact": True,
            "contact_methods": ["phone"],
            **data,
        },
        channel=Referral.Channel.PHONE,
        by=by,
        received_at=received_at,
    )
    return referral


@pytest.fixture
def front_door_world(ers):
    """What the service already holds before the public referral arrives.

    - Someone the service knew a year ago ("Sian Briain-Nakamura", same date of birth), whose
      person record a colleague made from that earlier referral, which was then closed.
    - Three referrals waiting in the queue: a routine one from three days ago, a Children's
      Services one and an urgent one from the last hour.
    """
    now = timezone.now()
    colleague = UserFactory(
        username="spoc2",
        first_name="Morag",
        last_name="Colleague",
        membership__organisation=ers,
        membership__role=Role.SPOC_PRACTITIONER,
    )
    earlier = _staff_referral(
        by=colleague,
        given_name="Sian",
        family_name="Briain-Nakamura",
        subject_date_of_birth=DATE_OF_BIRTH,
        subject_postcode="CA2 4AA",
        received_at=now - dt.timedelta(days=400),
    )
    person = services.person_create_from_referral(referral=earlier, by=colleague)
    allocation_services.referral_close(
        referral=earlier, by=colleague, reason="Person chose not to take up support then"
    )

    routine = _staff_referral(
        by=colleague, given_name="Alex", family_name="Older", received_at=now - dt.timedelta(days=3)
    )
    childrens = _staff_referral(
        by=colleague,
        given_name="Jordan",
        family_name="Family",
        source=Referral.Source.CHILDRENS_SERVICES,
        received_at=now - dt.timedelta(minutes=20),
    )
    urgent = _staff_referral(
        by=colleague,
        given_name="Sam",
        family_name="Urgent",
        is_urgent=True,
        received_at=now - dt.timedelta(minutes=10),
    )
    assert urgent.priority == Referral.Priority.URGENT
    assert childrens.priority == Referral.Priority.CHILDRENS_SERVICES
    return {"person": person, "earlier": earlier, "routine": routine, "childrens": childrens, "urgent": urgent}


def _refer_yourself_on_the_public_form(page, live_server) -> str:
    """Step 1: the public form, a mistake, its correction, and the reference read off the page."""
    page.goto(f"{live_server.url}{reverse('public:start')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get support with alcohol or drugs")
    checked(page)

    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for support")
    checked(page)

    page.get_by_role("group", name="Who is this referral for?").get_by_label("Myself").check()
    page.get_by_label("First name", exact=True).fill(GIVEN_NAME)
    page.get_by_label("Last name", exact=True).fill(FAMILY_NAME)
    date_of_birth = page.get_by_role("group", name="Date of birth")
    date_of_birth.get_by_label("Day").fill(str(DATE_OF_BIRTH.day))
    date_of_birth.get_by_label("Month").fill(str(DATE_OF_BIRTH.month))
    # The mistake: a year that has not happened yet.
    next_year = timezone.localdate().year + 1
    date_of_birth.get_by_label("Year").fill(str(next_year))
    page.get_by_label("Postcode (optional)").fill("ca1 2ab")
    page.get_by_label("Phone number", exact=True).fill("07700 900982")
    page.get_by_role("group", name="What is causing concern?").get_by_label("Alcohol").check()
    page.get_by_label("What help would you like? (optional)").fill("Someone to talk to about cutting down.")
    page.get_by_role("group", name="Is the person pregnant?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Is a social worker or Children’s Services involved").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_label("I agree to the service contacting me").check()
    page.get_by_role("group", name="How can we contact you?").get_by_label("Phone call").check()
    page.get_by_role("button", name="Send referral").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Ask for support"))
    expect(summary.get_by_role("link")).to_have_text([str(DOB_IN_FUTURE)])
    # The date field says the same, next to the boxes to fix.
    expect(date_of_birth).to_contain_text(str(DOB_IN_FUTURE))
    # GOV.UK Frontend moves focus to the summary, so a screen reader announces it.
    expect(summary).to_be_focused()
    # Everything else they typed is still there, accents and all.
    expect(page.get_by_label("First name", exact=True)).to_have_value(GIVEN_NAME)
    expect(page.get_by_label("Last name", exact=True)).to_have_value(FAMILY_NAME)
    expect(date_of_birth.get_by_label("Year")).to_have_value(str(next_year))
    expect(page.get_by_label("Phone number", exact=True)).to_have_value("07700 900982")
    expect(page.get_by_role("group", name="What is causing concern?").get_by_label("Alcohol")).to_be_checked()
    expect(page.get_by_label("I agree to the service contacting me")).to_be_checked()
    expect(page.get_by_role("group", name="How can we contact you?").get_by_label("Phone call")).to_be_checked()
    expect(page.get_by_label("What help would you like? (optional)")).to_have_value(
        "Someone to talk to about cutting down."
    )
    checked(page)

    summary.get_by_role("link", name=str(DOB_IN_FUTURE)).click()
    expect(date_of_birth.get_by_label("Day")).to_be_focused()
    date_of_birth.get_by_label("Year").fill(str(DATE_OF_BIRTH.year))
    page.get_by_role("button", name="Send referral").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Referral sent")
    expect(page).not_to_have_title(re.compile("^Error"))
    checked(page)
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert REFERENCE_RE.match(reference), reference
    # The reference is never in the address bar.
    assert reference not in page.url
    return reference


def _next_step(page, name: str) -> None:
    """The referral page's one primary button for the next step (not the Actions menu)."""
    button = page.get_by_role("button", name=name, exact=True)
    expect(button).to_have_count(1)
    # Visible on the page as it loads: not an item of the closed Actions menu.
    expect(button).to_be_visible()
    button.click()


def _queue_references(page) -> list[str]:
    table = page.get_by_role("table", name="Referrals in the queue")
    return [text.strip() for text in table.get_by_role("link").all_inner_texts()]


@pytest.mark.django_db(transaction=True)
def test_a_self_referral_goes_from_the_public_form_to_an_allocated_worker(
    page, public_page, live_server, spoc_practitioner, hub, hub_worker, front_door_world, sign_in
):
    world = front_door_world
    spoc_name = spoc_practitioner.get_full_name()
    worker_name = hub_worker.get_full_name()

    # 1. The member of the public refers themselves.
    reference = _refer_yourself_on_the_public_form(public_page, live_server)
    referral = Referral.objects.get(reference=reference)
    assert (referral.subject_given_name, referral.subject_family_name) == (GIVEN_NAME, FAMILY_NAME)
    assert referral.subject_date_of_birth == DATE_OF_BIRTH
    assert referral.channel == Referral.Channel.ONLINE and referral.created_by is None
    assert referral.person is None

    # (2. is front_door_world: the person already known, and the queue before this referral.)
    # 3. The SPOC practitioner signs in and lands on the queue, which is in priority order.
    # Through the sign-in pages (password, then the authenticator app's code), each checked.
    sign_in(spoc_practitioner, check=checked)
    expect(page).to_have_url(f"{live_server.url}{reverse('referrals:queue')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("SPOC queue")
    checked(page)
    assert _queue_references(page) == [
        world["urgent"].reference,
        world["childrens"].reference,
        world["routine"].reference,
        reference,
    ], "urgent first, then Children's Services, then routine oldest first"
    assert world["earlier"].reference not in _queue_references(page), "a closed referral is not in the queue"
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_contain_text(f"{GIVEN_NAME} {FAMILY_NAME}")
    expect(row).to_contain_text("Routine")
    expect(row).to_contain_text(str(Referral.Channel.ONLINE.label))
    expect(row).to_contain_text("Unassigned")
    page.screenshot(path=str(QUEUE_SCREENSHOT), full_page=True)

    # 4. The referral, then the duplicate check: the person known from last year is shown.
    row.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    expect(page.get_by_role("heading", name="Not linked to a person yet")).to_be_visible()
    checked(page)

    page.get_by_role("button", name="Check for duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check if we already know this person")
    checked(page)
    known = world["person"]
    card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=re.compile(rf"^{re.escape(known.full_name)}: "))
    )
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_have_text(f"{known.full_name}: Strong match")
    reasons = card.get_by_role("definition").filter(has=page.get_by_role("list")).get_by_role("listitem")
    expect(reasons).to_have_text([str(SAME_DATE_OF_BIRTH), str(SIMILAR_NAME)])
    expect(card).to_contain_text("1 referral")
    # Chrome names the button "This is the same person : <name>" (the visually hidden span is
    # positioned, so it gets a space of its own); match the words, not the spacing.
    card.get_by_role(
        "button", name=re.compile(rf"^This is the same person\s*:\s*{re.escape(known.full_name)}$")
    ).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    expect(page.get_by_role("alert")).to_contain_text(
        f"Referral {reference} is now linked to an existing person record."
    )
    checked(page)
    referral.refresh_from_db()
    assert referral.person_id == known.pk

    # The person's earlier history is one click away.
    page.get_by_role("link", name=re.compile(rf"^{re.escape(known.full_name)}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(known.full_name)
    checked(page)
    referrals_table = page.get_by_role("table", name=re.compile("^Referrals for"))
    earlier_row = referrals_table.get_by_role("row").filter(
        has=page.get_by_role("link", name=world["earlier"].reference, exact=True)
    )
    expect(earlier_row).to_contain_text("Closed")
    expect(referrals_table.get_by_role("link", name=reference, exact=True)).to_be_visible()
    referrals_table.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    checked(page)

    # 5a. A contact attempt: first without saying what happened, then properly.
    _next_step(page, "Record a contact attempt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a contact attempt")
    checked(page)
    page.get_by_role("group", name="How did you try to contact them?").get_by_label("Phone call").check()
    page.get_by_role("button", name="Save contact attempt").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text([str(CONTACT_OUTCOME_REQUIRED)])
    expect(
        page.get_by_role("group", name="How did you try to contact them?").get_by_label("Phone call")
    ).to_be_checked()
    checked(page)
    page.get_by_role("group", name="What happened?").get_by_label("Spoke to the person").check()
    page.get_by_role("button", name="Save contact attempt").click()
    expect(page.get_by_role("alert")).to_contain_text("Contact attempt saved")
    expect(page.get_by_role("table", name="Contact attempts")).to_contain_text(
        str(ContactAttempt.Outcome.MADE_CONTACT.label)
    )
    checked(page)

    # 5b. Screening and initial risk, then the outcome.
    _next_step(page, "Record screening and risk")
    expect(page.get_by_role("heading", level=1)).to_have_text("Screening and initial risk")
    checked(page)
    # What the person told us on the form is already filled in.
    expect(page.get_by_role("group", name="Which substances").get_by_label("Alcohol")).to_be_checked()
    expect(page.get_by_role("group", name="Is the person pregnant?").get_by_label("No", exact=True)).to_be_checked()
    # The council area comes from the postcode given on the form (CA1: Cumberland), so
    # whether the person lives in the area is not asked again.
    expect(page.get_by_role("group", name="Which council area")).to_have_count(0)
    page.get_by_role("group", name="Is the person open to Children's Services").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Initial risk rating").get_by_label("Amber").check()
    page.get_by_role("group", name="Reasons for the risk rating").get_by_label(
        str(Triage.RiskReason.WITHDRAWAL.label)
    ).check()
    page.get_by_role("button", name="Save screening", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Screening saved")
    expect(page.locator("#eligibility-result")).to_contain_text("Eligible")
    checked(page)

    page.get_by_role("link", name="Record the triage outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage outcome")
    checked(page)
    page.get_by_role("group", name="What is the outcome of triage?").get_by_label(
        str(Triage.Outcome.ERS.label), exact=True
    ).check()
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Triage outcome saved: {Triage.Outcome.ERS.label}")
    expect(page.locator(".moj-identity-bar")).to_contain_text(str(Referral.Status.TRIAGED.label))
    checked(page)

    # 5c. Allocation to a hub and a worker there.
    _next_step(page, "Allocate to a hub and worker")
    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate to a hub and worker")
    checked(page)
    page.get_by_role("group", name="Which hub will support the person?").get_by_label(hub.name).check()
    page.get_by_label("Worker", exact=True).select_option(label=f"{worker_name} (Recovery worker)")
    page.get_by_role("button", name="Allocate", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(f"Referral allocated to {hub.name}")
    identity = page.locator(".moj-identity-bar")
    expect(identity).to_contain_text(f"Status: {Referral.Status.ALLOCATED.label}")
    allocation = page.get_by_role("heading", name="Allocation").locator("xpath=following-sibling::dl[1]")
    expect(allocation).to_contain_text(hub.name)
    expect(allocation).to_contain_text(worker_name)
    checked(page)
    page.screenshot(path=str(REFERRAL_SCREENSHOT), full_page=True)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    assert (referral.hub, referral.allocated_worker) == (hub, hub_worker)

    # 6. The queue no longer lists it; the others are still waiting.
    page.get_by_role("link", name="SPOC queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SPOC queue")
    checked(page)
    assert _queue_references(page) == [
        world["urgent"].reference,
        world["childrens"].reference,
        world["routine"].reference,
    ]

    # 7. The history names the SPOC practitioner against each change they made.
    page.goto(f"{live_server.url}{reverse('referrals:detail', args=[reference])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    checked(page)
    page.get_by_role("navigation", name="Referral sections").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History of changes")
    checked(page)
    entries = page.locator(".moj-timeline__item")

    def entry(title: str, reason: str):
        return entries.filter(has=page.get_by_role("heading", name=title, exact=True)).filter(
            has=page.get_by_text(f"Reason: {reason}", exact=True)
        )

    expect(entry("Referral: created", "Referral received")).to_contain_text("by Public online form")
    for title, reason in [
        ("Referral: changed", "Linked to an existing person"),
        ("Contact attempt: created", "Contact attempt recorded"),
        ("Triage: created", "Screening saved"),
        ("Triage: changed", "Triage completed"),
        ("Referral: changed", "Allocated"),
    ]:
        found = entry(title, reason)
        expect(found).to_have_count(1)
        expect(found.locator(".moj-timeline__byline")).to_have_text(f"by {spoc_name}")
    # The allocation itself: hub and worker, as names.
    allocated = entry("Referral: changed", "Allocated")
    expect(allocated.get_by_role("row", name=re.compile("^Hub"))).to_contain_text(hub.name)
    expect(allocated.get_by_role("row", name=re.compile("^Allocated worker"))).to_contain_text(worker_name)


@pytest.mark.django_db(transaction=True)
def test_the_public_form_in_polish_passes_axe_and_speaks_polish(public_page, live_server):
    page = public_page
    with translation.override("pl"):
        polish = {
            english: gettext(english)
            for english in (
                "Get support with alcohol or drugs",
                "Start now",
                "Ask for support",
                "Send referral",
                "There is a problem",
            )
        }
        polish_substances_required = str(SUBSTANCES_REQUIRED)
    assert all(polish[english] != english for english in polish), "the Polish catalogue is missing or not compiled"

    page.goto(f"{live_server.url}{reverse('public:start')}")
    checked(page)

    # The language chooser: visibly "Polski", announced as "Zmień język na polski".
    page.get_by_role("navigation", name="Language").get_by_role("button", name="polski").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", level=1)).to_have_text(polish["Get support with alcohol or drugs"])
    checked(page)

    page.get_by_role("button", name=polish["Start now"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(polish["Ask for support"])
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    checked(page)

    # Sent empty: the error summary and its messages are in Polish too.
    page.get_by_role("button", name=polish["Send referral"]).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text(polish["There is a problem"])
    expect(summary).to_contain_text(polish_substances_required)
    checked(page)
