"""The access-model pages in a real browser: each passes axe-core (WCAG 2.2 AA), error states
included, and shows each role only what it may see (SEC-1, SEC-2, PAR-4, PAR-6, REF-9).

Caseloads, the referral page as a peer support worker, a restricted referral opened by breaking
the glass and its restriction page, the access-log search, the data rights pages, the first
appointment and onward referral pages, and the commissioner's home page.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from partnership.models import AccessLog
from partnership.services import access_log_record
from partnership.views_access_log import REFERENCE_INVALID
from referrals.data_rights.services import RESTRICTION_REASON_REQUIRED
from referrals.forms.appointments import ATTENDED_REQUIRED
from referrals.forms.intake_messages import GIVEN_NAME_REQUIRED
from referrals.models import Referral, SubjectAccessRequest, Triage
from referrals.services import access as services_access
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.services.access import BREAK_GLASS_REASON_REQUIRED, UNRESTRICT_REASON_REQUIRED
from tests.e2e.conftest import checked

pytestmark = pytest.mark.e2e

MINE = ("Gwenllian", "Ap Rhys-Okonjo")  # allocated to the hub worker
PEERS = ("Tadhg", "Mac Giolla-Eriksen")  # allocated to the peer support worker
RESTRICTED = ("Zofia", "Wiśniewska-Hart")  # restricted, allocated in the other hub
PEOPLE = [MINE, PEERS, RESTRICTED]
RISK_NOTE = "Risk note: shares needles with a neighbour"
BREAK_GLASS_REASON = "Person phoned the duty line in crisis and their worker is on leave"


def full_name(names: tuple[str, str]) -> str:
    return " ".join(names)


def heading(page):
    return page.get_by_role("heading", level=1)


def error_summary(page):
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    # "Error: " once, before the page's own title (GOV.UK error pattern).
    expect(page).to_have_title(re.compile(r"^Error: (?!Error)"))
    return summary


def _allocated(spoc, *, names, hub, worker, day_of_birth: int) -> Referral:
    """A referral through the front door's services: linked person, screening with a risk note,
    accepted for ERS support and allocated."""
    referral, _created = services.referral_create(
        data={
            "referrer_type": Referral.ReferrerType.SELF,
            "source": Referral.Source.SELF,
            "subject_given_name": names[0],
            "subject_family_name": names[1],
            "subject_date_of_birth": dt.date(1985, 3, day_of_birth),
            "subject_phone": "07700 900123",
            "subject_postcode": "CA1 1AA",
            "substances": ["alcohol"],
            "reason": "Help to cut down.",
            "consent_to_contact": True,
            "contact_methods": ["phone"],
        },
        channel=Referral.Channel.PHONE,
        by=spoc,
        received_at=timezone.now() - dt.timedelta(days=3),
    )
    services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc,
        council_of_residence="cumberland",
        substances=["alcohol"],
        risk=Triage.Risk.AMBER,
        risk_reasons=[Triage.RiskReason.INJECTING],
        risk_notes=RISK_NOTE,
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=worker, by=spoc)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def casework(spoc_practitioner, hub, other_hub, hub_worker, peer_worker, other_hub_worker, safeguarding_lead):
    """Three people: one allocated to the hub worker, one to the peer support worker (same
    hub), and one in the other hub whose referral the safeguarding lead has restricted."""
    spoc = spoc_practitioner
    mine = _allocated(spoc, names=MINE, hub=hub, worker=hub_worker, day_of_birth=4)
    peers = _allocated(spoc, names=PEERS, hub=hub, worker=peer_worker, day_of_birth=5)
    restricted = _allocated(spoc, names=RESTRICTED, hub=other_hub, worker=other_hub_worker, day_of_birth=6)
    services_access.referral_restrict(
        referral=restricted, by=safeguarding_lead, reason="The person is a relative of a member of staff"
    )
    return {"mine": mine, "peers": peers, "restricted": restricted}


def _open_referral_from_caseload(page, referral) -> None:
    page.get_by_role("table", name="People allocated to you").get_by_role(
        "link", name=referral.reference, exact=True
    ).click()
    expect(heading(page)).to_contain_text("Referral summary")


# --- Caseloads and the referral page --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_my_caseload_and_the_hub_caseload_pass_axe(page, sign_in, hub_worker, peer_worker, casework):
    sign_in(hub_worker)
    expect(heading(page)).to_have_text("My work")  # where hub workers land (issue 9)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="My caseload").click()
    expect(heading(page)).to_have_text("My caseload")
    expect(page.get_by_role("table", name="People allocated to you")).to_contain_text(full_name(MINE))
    checked(page)

    page.get_by_role("navigation", name="Caseloads").get_by_role("link", name="Everyone in my hub").click()
    expect(heading(page)).to_have_text("Hub caseload")
    hub_table = page.get_by_role("table", name="People allocated to your hub")
    expect(hub_table).to_contain_text(full_name(MINE))
    expect(hub_table).to_contain_text(full_name(PEERS))
    expect(hub_table).not_to_contain_text(full_name(RESTRICTED))
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_referral_page_for_a_peer_worker_passes_axe_and_shows_no_safeguarding_detail(
    page, sign_in, peer_worker, casework
):
    sign_in(peer_worker)
    _open_referral_from_caseload(page, casework["peers"])
    main = page.get_by_role("main")
    expect(main).to_contain_text(full_name(PEERS))
    expect(main).to_contain_text("Amber risk")  # the rating, which everyone working with them needs
    expect(main).not_to_contain_text(RISK_NOTE)
    expect(main).not_to_contain_text(str(Triage.RiskReason.INJECTING.label))
    expect(page.get_by_role("heading", name="Escalations")).to_have_count(0)
    checked(page)


# --- Restricted referrals (SEC-1) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_breaking_the_glass_and_the_restriction_page_pass_axe_with_their_errors(
    page, live_server, sign_in, manager, spoc_practitioner, casework
):
    restricted = casework["restricted"]
    # Reopened, it is back at the front door, which a manager works in every hub (another hub's
    # allocated casework would be a 404 for them).
    allocation_services.referral_close(referral=restricted, by=spoc_practitioner, reason="Moved away")
    allocation_services.referral_reopen(referral=restricted, by=spoc_practitioner, reason="Came back")
    sign_in(manager)
    # No grant of the manager's: the referral asks for a reason before it opens.
    page.goto(f"{live_server.url}{reverse('referrals:detail', args=[restricted.reference])}")
    expect(heading(page)).to_contain_text("This referral is restricted")
    expect(page.get_by_role("main")).not_to_contain_text(full_name(RESTRICTED))
    checked(page)

    page.get_by_role("button", name="Open the referral").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([str(BREAK_GLASS_REASON_REQUIRED)])
    checked(page)

    page.get_by_label("Why do you need to open this referral?").fill(BREAK_GLASS_REASON)
    page.get_by_role("button", name="Open the referral").click()
    expect(heading(page)).to_contain_text("Referral summary")
    expect(page.locator("#break-glass-openings")).to_contain_text(BREAK_GLASS_REASON)
    checked(page)

    page.get_by_role("button", name="Lift the restriction").click()
    expect(heading(page)).to_contain_text("Lift the restriction")
    checked(page)
    page.get_by_role("button", name="Lift the restriction").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([str(UNRESTRICT_REASON_REQUIRED)])
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_access_log_search_with_a_filter_passes_axe(page, sign_in, manager, hub_worker, casework):
    mine = casework["mine"]
    access_log_record(user=hub_worker, action=AccessLog.Action.VIEW, obj=mine, person_id=mine.person_id)
    sign_in(manager)
    page.get_by_role("link", name="Access log").click()
    expect(heading(page)).to_have_text("Access log")
    checked(page)

    # A mistyped reference first: the error, with what was typed kept.
    page.get_by_label("Referral reference").fill("R-123")
    page.get_by_role("button", name="Search").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([str(REFERENCE_INVALID)])
    expect(page.get_by_label("Referral reference")).to_have_value("R-123")
    checked(page)

    page.get_by_label("Referral reference").fill(mine.reference)
    page.get_by_role("button", name="Search").click()
    entries = page.get_by_role("table", name="Entries, newest first")
    expect(entries.get_by_role("row")).to_have_count(2)
    expect(entries).to_contain_text(f"Referral {mine.reference}")
    expect(entries).to_contain_text(hub_worker.get_full_name())
    expect(page.get_by_label("Referral reference")).to_have_value(mine.reference)
    checked(page)


# --- Data rights (PAR-6) ------------------------------------------------------------------------


@pytest.fixture
def dpo_on_person_page(page, sign_in, data_protection_officer, casework):
    """The data protection officer, signed in, has found the hub worker's person and opened
    their data rights page."""
    sign_in(data_protection_officer)
    page.get_by_role("link", name="Data rights").first.click()
    page.get_by_label("Find a person").fill(MINE[1])
    page.get_by_role("button", name="Search").click()
    page.get_by_role("table", name="People matching the search").get_by_role(
        "link", name=full_name(MINE), exact=True
    ).click()
    expect(heading(page)).to_have_text(full_name(MINE))
    return page


@pytest.mark.django_db(transaction=True)
def test_the_data_rights_search_and_a_persons_data_rights_page_pass_axe(
    page, sign_in, data_protection_officer, casework
):
    sign_in(data_protection_officer)
    page.get_by_role("link", name="Data rights").first.click()
    expect(heading(page)).to_have_text("Data rights")
    checked(page)

    page.get_by_label("Find a person").fill(MINE[1])
    page.get_by_role("button", name="Search").click()
    found = page.get_by_role("table", name="People matching the search")
    expect(found.get_by_role("link")).to_have_text([full_name(MINE)])
    checked(page)

    found.get_by_role("link", name=full_name(MINE), exact=True).click()
    expect(heading(page)).to_have_text(full_name(MINE))
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_rectification_form_passes_axe_with_an_error(dpo_on_person_page):
    page = dpo_on_person_page
    page.get_by_role("link", name="Correct these details").click()
    expect(heading(page)).to_have_text("Correct a person's details")
    checked(page)

    page.get_by_label("First name").fill("")
    page.get_by_label("Reason for the correction").fill("Person phoned to say their first name is wrong")
    page.get_by_role("button", name="Save the correction").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([str(GIVEN_NAME_REQUIRED)])
    # What was typed stays.
    expect(page.get_by_label("Last name")).to_have_value(MINE[1])
    expect(page.get_by_label("Reason for the correction")).to_have_value(
        "Person phoned to say their first name is wrong"
    )
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_processing_restriction_page_passes_axe_with_an_error(dpo_on_person_page):
    page = dpo_on_person_page
    page.get_by_role("button", name="Restrict processing").click()
    expect(heading(page)).to_have_text("Restrict processing")
    checked(page)

    page.get_by_role("button", name="Restrict processing").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([str(RESTRICTION_REASON_REQUIRED)])
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_subject_access_request_page_passes_axe_and_offers_the_export(dpo_on_person_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = dpo_on_person_page
    page.get_by_role("button", name="Record a subject access request").click()
    expect(heading(page)).to_have_text("Subject access request")
    checked(page)

    page.get_by_label("Request reference").fill("DPO-2026-014")
    page.get_by_label("Details of the request").fill("Letter received 2 March; identity checked with a passport")
    page.get_by_role("button", name="Prepare the export").click()
    expect(page.get_by_role("alert")).to_contain_text("Subject access request SAR-")
    sar = SubjectAccessRequest.objects.get()
    # Made straight after the request is saved (Celery runs tasks inline in tests).
    expect(page.get_by_role("link", name=f"Download {sar.reference} (zip: PDF and JSON)")).to_be_visible()
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.READY
    checked(page)


# --- First appointment and onward referral (REF-9, PAR-4) ---------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_first_appointment_page_passes_axe_with_its_errors(page, sign_in, hub_worker, casework):
    sign_in(hub_worker)
    _open_referral_from_caseload(page, casework["mine"])
    page.get_by_role("link", name="Record first appointment").click()
    expect(heading(page)).to_have_text("Record the first appointment")
    checked(page)

    # The offer's date and time start as now; whether they attended is left unanswered.
    page.get_by_role("button", name="Save first appointment").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([str(ATTENDED_REQUIRED)])
    checked(page)


@pytest.mark.django_db(transaction=True)
def test_the_onward_referral_page_passes_axe(page, sign_in, hub_worker, casework):
    sign_in(hub_worker)
    _open_referral_from_caseload(page, casework["mine"])
    page.get_by_role("link", name="Record an onward referral").click()
    expect(heading(page)).to_have_text("Record an onward referral")
    checked(page)


# --- Commissioners (no personal data) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_commissioners_home_page_passes_axe_and_names_nobody(page, sign_in, commissioner, casework):
    sign_in(commissioner)
    # Commissioners land on the published reports (reporting), and nothing else.
    expect(heading(page)).to_have_text("Published reports")
    expect(page.get_by_role("main")).to_contain_text("No reports have been published yet.")
    content = page.content()
    for names in PEOPLE:
        assert full_name(names) not in content
        assert names[1] not in content
    for referral in casework.values():
        assert referral.reference not in content
    checked(page)
