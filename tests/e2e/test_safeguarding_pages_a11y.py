"""Every safeguarding page in a real browser: each passes axe-core (WCAG 2.2 AA), and so does the
error state of each main form (sent empty: the error summary and the fields in error).

The safeguarding lead's pages: the overview, a person's concerns, a concern and each of its
forms (change, status, referral to the council, action, meeting), the chronology and its mark
and summary forms and the PDF form; notifications (list, overdue, one, mark as sent); the
incident registers, each kind's list, new, detail and change pages, a serious incident's action
form; drug alerts (list, one with its acknowledgements, new, withdraw). A manager's complaint
pages: the list, a new complaint, a complaint and its change, escalate, response, response sent,
close and withdraw pages.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.services import child_save
from safeguarding import chronology
from safeguarding import services_complaints as complaints
from safeguarding import services_concerns as concerns
from safeguarding import services_incidents as incidents
from safeguarding.alerts import live_alerts_known_empty
from safeguarding.alerts_services import drug_alert_acknowledge, drug_alert_issue
from safeguarding.chronology_services import chronology_summary_add
from safeguarding.incident_kinds import KINDS
from safeguarding.models import (
    Complaint,
    Concern,
    DataSecurityIncident,
    DeathInService,
    DrugAlert,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)
from tests.e2e.conftest import checked
from tests.safeguarding.conftest import allocated_person, raise_concern

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _no_alert_left_behind():
    yield
    live_alerts_known_empty()


def visit(page, live_server, url: str) -> None:
    response = page.goto(live_server.url + url)
    assert response.status == 200, url
    checked(page)


def sent_empty(page, live_server, url: str) -> None:
    """The form at ``url`` sent with nothing filled in: an error summary, and axe-clean."""
    visit(page, live_server, url)
    page.locator("#main-content form").locator("button:not([type=button]), input[type=submit]").first.click()
    page.wait_for_load_state()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    checked(page)


def _records(*, spoc, hub, worker, lead, manager):
    """A concern about a child (significant: referred and notified), its action and meeting, a
    chronology summary, one record of each incident kind and a live drug alert."""
    person = allocated_person(spoc=spoc, hub=hub, worker=worker)
    child = child_save(person=person, child=None, values={"age": 6}, by=worker)
    concern = raise_concern(
        person, worker, at_risk=Concern.AtRisk.CHILD_IN_HOUSEHOLD, child=child, risk_level=Concern.RiskLevel.HIGH
    )
    today = timezone.localdate()
    concerns.concern_council_referral_record(
        concern=concern, by=lead, council="cumberland", council_reference="CSC-1", referred_on=today
    )
    concerns.concern_action_add(
        concern=concern, by=lead, description="Home visit", due_on=today - dt.timedelta(days=2), owner=worker
    )
    concerns.concern_meeting_record(
        concern=concern, by=lead, kind="strategy", held_on=today, attendees="Social worker", decisions="Visit weekly"
    )
    chronology_summary_add(
        person=person, by=lead, occurred_at=timezone.now(), agency="School", event="Attendance is better"
    )
    now = timezone.now()
    serious = incidents.incident_record(
        model=SeriousIncident,
        by=lead,
        seriousness="serious",
        category="harm_safeguarding",
        incident_type="safeguarding_action",
        occurred_at=now - dt.timedelta(days=1),
        known_at=now - dt.timedelta(days=1),
        description="Children left at home overnight.",
        person=person,
    )
    incidents.incident_action_add(incident=serious, by=lead, description="Review", owner="Manager", due_on=today)
    records = {
        "serious-incidents": serious,
        "deaths": incidents.incident_record(
            model=DeathInService, by=lead, person=person, died_on=today, known_at=now, cause="not_known"
        ),
        "overdoses": incidents.incident_record(
            model=NonFatalOverdose,
            by=manager,
            occurred_at=now - dt.timedelta(hours=3),
            naloxone_by="staff",
            naloxone_doses=1,
        ),
        "data-security": incidents.incident_record(
            model=DataSecurityIncident,
            by=manager,
            discovered_at=now - dt.timedelta(hours=80),
            description="A letter to the wrong address.",
            people_affected=1,
        ),
    }
    alert = drug_alert_issue(
        by=lead,
        title="Strong heroin batch",
        grade=DrugAlert.Grade.URGENT,
        substance="Heroin",
        area="Carlisle",
        what_seen="Overdoses",
        advice="Carry naloxone",
        source=DrugAlert.Source.LDIS,
    )
    drug_alert_acknowledge(alert=alert, by=worker)
    drug_alert_acknowledge(alert=alert, by=lead)
    return person, concern, records, alert


@pytest.mark.django_db(transaction=True)
def test_every_page_of_the_safeguarding_lead_passes_axe(
    page, live_server, sign_in, spoc_practitioner, hub, hub_worker, safeguarding_lead, manager
):
    person, concern, records, alert = _records(
        spoc=spoc_practitioner, hub=hub, worker=hub_worker, lead=safeguarding_lead, manager=manager
    )
    sign_in(safeguarding_lead)
    on_concern = {"concern_ref": concern.reference}
    on_person = {"person_ref": person.reference}
    entry = next(chronology.entries(person=person, user=safeguarding_lead, filters=chronology.Filters()))
    overdue = Notification.objects.get(kind=Notification.Kind.DATA_SECURITY, council="cumberland")

    pages = [
        reverse("safeguarding:overview"),
        reverse("safeguarding:person_concerns", kwargs=on_person),
        reverse("safeguarding:concern", kwargs=on_concern),
        reverse("safeguarding:concern_edit", kwargs=on_concern),
        reverse("safeguarding:concern_status", kwargs=on_concern),
        reverse("safeguarding:concern_referral", kwargs=on_concern),
        reverse("safeguarding:chronology", kwargs=on_person),
        reverse("safeguarding:chronology", kwargs=on_person) + "?significant_only=on",
        reverse("safeguarding:chronology_mark", kwargs={**on_person, "entry_key": entry.key}),
        reverse("safeguarding:chronology_pdf", kwargs=on_person),
        reverse("safeguarding:notifications"),
        reverse("safeguarding:notifications_overdue"),
        reverse("safeguarding:notification", kwargs={"notification_ref": overdue.reference}),
        reverse("safeguarding:incident_registers"),
        reverse("safeguarding:drug_alerts"),
        reverse("safeguarding:drug_alert", kwargs={"alert_ref": alert.reference}),
    ]
    for slug, record in records.items():
        pages += [
            reverse("safeguarding:incident_list", kwargs={"kind": slug}),
            reverse("safeguarding:incident", kwargs={"kind": slug, "record_ref": record.reference}),
            reverse("safeguarding:incident_edit", kwargs={"kind": slug, "record_ref": record.reference}),
        ]
    for url in pages:
        visit(page, live_server, url)

    forms = [
        reverse("safeguarding:concern_status", kwargs=on_concern),
        reverse("safeguarding:chronology_pdf", kwargs=on_person),
        reverse("safeguarding:concern_action_new", kwargs=on_concern),
        reverse("safeguarding:concern_meeting_new", kwargs=on_concern),
        reverse("safeguarding:chronology_summary_new", kwargs=on_person),
        reverse("safeguarding:notification_sent", kwargs={"notification_ref": overdue.reference}),
        reverse("safeguarding:incident_action_new", kwargs={"record_ref": records["serious-incidents"].reference}),
        reverse("safeguarding:drug_alert_new"),
        reverse("safeguarding:drug_alert_withdraw", kwargs={"alert_ref": alert.reference}),
        *(reverse("safeguarding:incident_new", kwargs={"kind": slug}) for slug in KINDS),
    ]
    for url in forms:
        sent_empty(page, live_server, url)


def _complaint(manager, **fields) -> Complaint:
    values = {
        "kind": Complaint.Kind.COMPLAINT,
        "channel": Complaint.Channel.PHONE,
        "category": Complaint.Category.ACCESS,
        "summary": "Nobody rang back",
        "complainant_from": Complaint.From.FAMILY,
        "complainant_name": "Gwen Ashby",
    }
    return complaints.complaint_record(by=manager, **{**values, **fields})


@pytest.mark.django_db(transaction=True)
def test_every_complaint_page_of_a_manager_passes_axe(page, live_server, sign_in, manager, other_hub_manager):
    new = _complaint(manager)
    approved = _complaint(manager, channel=Complaint.Channel.LETTER)
    stage = complaints.current_stage(approved)
    complaints.complaint_response_draft(stage=stage, by=manager, text="We are sorry.")
    complaints.complaint_response_approve(stage=stage, by=other_hub_manager)
    responded = _complaint(manager, channel=Complaint.Channel.EMAIL)
    stage = complaints.current_stage(responded)
    complaints.complaint_response_draft(stage=stage, by=manager, text="We are sorry.")
    complaints.complaint_response_approve(stage=stage, by=other_hub_manager)
    complaints.complaint_response_send(stage=stage, by=manager, sent_on=timezone.localdate(), how="letter")
    complaints.complaint_escalate(complaint=responded, by=manager, reason="Not satisfied", handler=manager)
    sign_in(manager)

    def url(name, complaint):
        return reverse(f"safeguarding:{name}", kwargs={"complaint_ref": complaint.reference})

    for address in (
        reverse("safeguarding:complaints"),
        url("complaint", new),
        url("complaint", approved),
        url("complaint", responded),
        url("complaint_edit", new),
        url("complaint_response_send", approved),
        url("complaint_close", approved),
    ):
        visit(page, live_server, address)
    for address in (
        reverse("safeguarding:complaint_new"),
        url("complaint_escalate", new),
        url("complaint_response", new),
        url("complaint_withdraw", new),
    ):
        sent_empty(page, live_server, address)
