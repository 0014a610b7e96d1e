"""Consent and sharing with the Treatment Service from end to end, in a real browser (PAR-2,
PAR-3, SEC-1, SEC-2).

A recovery worker finds the person on their caseload, records their consent to share with the
Treatment Service (after a first try with nothing filled in), checks the pre-filled minimum
dataset and sends the referral. A Treatment Service practitioner, signing in with their own
second factor in a browser of their own, finds the person under "People shared with us", sees
exactly the dataset that was sent and none of the ERS working notes, and records the outcome,
which the recovery worker then sees on the referral. The person withdraws their consent: the
practitioner's next look at the record is "Page not found" and the person leaves their list.
axe-core checks every page on the way, the sign-in pages and the error states included.

Locators are the ones a screen-reader user has: roles, accessible names and labels.
"""

import datetime as dt
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from playwright.sync_api import expect

from partnership.models import AccessLog
from referrals.forms.sharing import GIVEN_REQUIRED, RECIPIENT_REQUIRED, WITHDRAWAL_REASON_REQUIRED
from referrals.models import Consent, ContactAttempt, Escalation, Referral, Substance, TreatmentReferral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from referrals.views.sharing import dataset_rows
from tests.e2e.conftest import PERSONA_PASSWORD, authenticator_app_for, checked, code_shown_now

pytestmark = pytest.mark.e2e

# For a person to look at.
SEND_SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-treatment-send.png"
SHARED_RECORD_SCREENSHOT = Path(tempfile.gettempdir()) / "e2e-shared-record.png"

GIVEN_NAME = "Siân"
FAMILY_NAME = "Ó Briain-Nakamura"
FULL_NAME = f"{GIVEN_NAME} {FAMILY_NAME}"
DATE_OF_BIRTH = dt.date(1990, 5, 17)
REASON = "I want help to stop using heroin and crack."
SUBSTANCES = [Substance.OPIOIDS, Substance.CRACK]

# ERS working notes: never part of the minimum dataset, never shown to the Treatment Service.
SCREENING_NOTE = "Screening note: talked about her brother's debts"
RISK_NOTE = "Risk note: partner controls her phone"
CONTACT_NOTE = "Contact note: spoke to her sister first"
ESCALATION_NOTE = "Escalation note: police welfare check requested"
OUTCOME_NOTE = "Triage outcome note: prefers a female worker"
ERS_ONLY_NOTES = [SCREENING_NOTE, RISK_NOTE, CONTACT_NOTE, ESCALATION_NOTE, OUTCOME_NOTE]

WITHDRAWAL_REASON = "She phoned today and asked us to stop sharing with the Treatment Service."


def long_date(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


def short_date(day: dt.date) -> str:
    return formats.date_format(day, "j M Y")


def main_text(page) -> str:
    return page.get_by_role("main").inner_text()


def sign_in_on(page, live_server, user) -> None:
    """Both sign-in steps on ``page`` (password, then the authenticator app's code), each checked
    by axe-core; tests/e2e/conftest.py's ``sign_in`` does the same on the default page."""
    device = authenticator_app_for(user)
    page.goto(f"{live_server.url}{reverse('login')}")
    checked(page)
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("otp_verify"))))
    checked(page)
    page.get_by_label("Code").fill(code_shown_now(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(re.escape(reverse("otp_verify"))))


@pytest.fixture
def allocated_referral(spoc_practitioner, hub, hub_worker, treatment_org):
    """What the front door leaves for the recovery worker: a referral linked to a person, with a
    contact attempt, screening and risk (with notes), an escalation, triaged "ERS support and
    refer to the Treatment Service" (which makes the Treatment referral waiting to be sent) and
    allocated to the hub worker."""
    spoc = spoc_practitioner
    referral, _created = services.referral_create(
        data={
            "referrer_type": Referral.ReferrerType.SELF,
            "source": Referral.Source.SELF,
            "subject_given_name": GIVEN_NAME,
            "subject_family_name": FAMILY_NAME,
            "subject_date_of_birth": DATE_OF_BIRTH,
            "subject_nhs_number": "9434765919",
            "subject_address": "12 Castle Street\nCarlisle",
            "subject_postcode": "CA3 8SY",
            "subject_phone": "07700 900123",
            "substances": list(SUBSTANCES),
            "reason": REASON,
            "consent_to_contact": True,
            "contact_methods": ["phone"],
        },
        channel=Referral.Channel.PHONE,
        by=spoc,
        received_at=timezone.now() - dt.timedelta(days=2),
    )
    services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc,
        attempted_at=timezone.now() - dt.timedelta(hours=3),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.MADE_CONTACT,
        notes=CONTACT_NOTE,
    )
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc,
        council_of_residence="cumberland",
        substances=list(SUBSTANCES),
        pregnant="no",
        open_to_childrens_services="no",
        screening_notes=SCREENING_NOTE,
        risk=Triage.Risk.AMBER,
        risk_reasons=[Triage.RiskReason.INJECTING],
        risk_notes=RISK_NOTE,
    )
    triage_services.escalation_record(
        referral=referral,
        by=spoc,
        action=Escalation.Action.MANAGER_INFORMED,
        done_at=timezone.now() - dt.timedelta(hours=2),
        done_by_name="Jo Duty",
        notes=ESCALATION_NOTE,
    )
    triage_services.triage_complete(
        referral=referral, by=spoc, outcome=Triage.Outcome.BOTH, outcome_reason=OUTCOME_NOTE
    )
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    assert referral.treatment_referrals.get().status == TreatmentReferral.Status.PENDING
    return referral


def _open_consent_page_from_the_referral(page) -> None:
    page.get_by_role("link", name=re.compile(rf"^{re.escape(FULL_NAME)}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    checked(page)
    page.get_by_role("link", name="Consent and sharing", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent and sharing")
    checked(page)


def _record_consent_to_share_with_treatment(page) -> None:
    page.get_by_role("button", name="Record consent or another lawful basis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record consent or another lawful basis")
    checked(page)

    # Sent with nothing chosen: the error summary, focused, and the page still passes.
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: (?!Error)"))
    expect(summary.get_by_role("link")).to_have_text([str(RECIPIENT_REQUIRED), str(GIVEN_REQUIRED)])
    expect(summary).to_be_focused()
    checked(page)

    page.get_by_role("group", name="Who would the information be shared with?").get_by_label(
        "The Treatment Service", exact=True
    ).check()
    page.get_by_role("group", name="Does the person agree to share their information with them?").get_by_label(
        "Yes", exact=True
    ).check()
    expect(
        page.get_by_role("group", name="What is the lawful basis for sharing?").get_by_label(
            str(Consent.LawfulBasis.CONSENT.label)
        )
    ).to_be_checked()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("Consent to share with The Treatment Service recorded")
    can_share = page.get_by_role("term").filter(has_text="Can ERS share with the Treatment Service?")
    expect(can_share.locator("xpath=following-sibling::dd[1]")).to_contain_text("Yes")
    checked(page)


def _send_to_treatment(page, referral, treatment_org) -> None:
    treatment_table = page.get_by_role("table", name="Referrals to the Treatment Service")
    treatment_table.get_by_role("link", name=re.compile(r"^Review and send")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Send to the Treatment Service")
    checked(page)

    expect(page.locator("#lawful-basis")).to_contain_text(
        f"The person agreed on {long_date(timezone.localdate())} to share their information"
    )
    # The pre-filled minimum dataset: who the person is, and none of the ERS working notes.
    preview = page.locator("dl.govuk-summary-list").first
    expect(preview).to_contain_text(FULL_NAME)
    expect(preview).to_contain_text(long_date(DATE_OF_BIRTH))
    expect(preview).to_contain_text(f"{Substance.OPIOIDS.label}, {Substance.CRACK.label}")
    expect(page.get_by_label("Reason for referral")).to_have_value(REASON)
    expect(page.get_by_label("Risk summary")).to_have_value(
        f"{Triage.Risk.AMBER.label} risk at triage: {Triage.RiskReason.INJECTING.label}"
    )
    text = main_text(page)
    for note in ERS_ONLY_NOTES:
        assert note not in text, f"an ERS working note is on the page to send: {note!r}"

    page.screenshot(path=str(SEND_SCREENSHOT), full_page=True)
    organisation = page.get_by_role("group", name="Which Treatment Service?").get_by_label(treatment_org.name)
    organisation.check()
    page.get_by_role("button", name="Send to the Treatment Service").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    expect(page.get_by_role("alert")).to_contain_text(f"Referral sent to {treatment_org.name}.")
    row = page.get_by_role("table", name="Referrals to the Treatment Service").get_by_role("row").nth(1)
    expect(row.get_by_role("cell").nth(1)).to_contain_text(str(TreatmentReferral.Status.SENT.label))
    expect(row).to_contain_text(f"Sent {short_date(timezone.localdate())} to {treatment_org.name}")
    checked(page)


def _dataset_as_shown(page) -> list[tuple[str, str]]:
    dataset = page.get_by_role("heading", name="The minimum dataset as sent").locator("xpath=following-sibling::dl[1]")
    rows = dataset.locator(".govuk-summary-list__row")
    return [
        (
            row.locator(".govuk-summary-list__key").inner_text().strip(),
            " ".join(row.locator(".govuk-summary-list__value").inner_text().split()),
        )
        for row in rows.all()
    ]


@pytest.mark.django_db(transaction=True)
def test_a_person_is_shared_with_treatment_with_consent_and_unshared_when_they_withdraw_it(
    page,
    treatment_page,
    live_server,
    hub_worker,
    treatment_practitioner,
    treatment_org,
    allocated_referral,
    sign_in,
):
    referral = allocated_referral
    person = referral.person

    # 1. The recovery worker signs in (password and code) and lands on "My work", their caseload first.
    sign_in(hub_worker, check=checked)
    expect(page).to_have_url(f"{live_server.url}{reverse('referrals:my_work')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    checked(page)
    caseload = page.get_by_role("table", name="People allocated to you")
    row = caseload.get_by_role("row").filter(has=page.get_by_role("link", name=referral.reference, exact=True))
    expect(row).to_contain_text(FULL_NAME)
    row.get_by_role("link", name=referral.reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    # The ERS record holds the working notes (so their absence further on means something).
    expect(page.get_by_role("main")).to_contain_text(SCREENING_NOTE)
    expect(page.get_by_role("main")).to_contain_text(RISK_NOTE)
    checked(page)

    # 2. Sending is refused until there is a lawful basis: the person's consent first.
    _open_consent_page_from_the_referral(page)
    _record_consent_to_share_with_treatment(page)

    # 3. Back to the referral, and send it with the minimum dataset.
    page.get_by_role("link", name="Back to the person record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    checked(page)
    page.get_by_role("table", name=re.compile("^Referrals for")).get_by_role(
        "link", name=referral.reference, exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral summary")
    checked(page)
    _send_to_treatment(page, referral, treatment_org)
    sent = referral.treatment_referrals.get()
    assert sent.status == TreatmentReferral.Status.SENT and sent.organisation == treatment_org

    # 4. The Treatment practitioner, in a browser of their own, with their own second factor.
    tpage = treatment_page
    sign_in_on(tpage, live_server, treatment_practitioner)
    expect(tpage).to_have_url(f"{live_server.url}{reverse('referrals:shared_people')}")
    expect(tpage.get_by_role("heading", level=1)).to_contain_text("People shared with us")
    checked(tpage)
    shared = tpage.get_by_role("table", name="People shared with your organisation, most recently referred first")
    shared_row = shared.get_by_role("row").filter(has=tpage.get_by_role("link", name=FULL_NAME, exact=True))
    expect(shared_row).to_contain_text(short_date(DATE_OF_BIRTH))
    expect(shared_row).to_contain_text(str(TreatmentReferral.Status.SENT.label))
    shared_row.get_by_role("link", name=FULL_NAME, exact=True).click()
    expect(tpage.get_by_role("heading", level=1)).to_contain_text(FULL_NAME)
    checked(tpage)
    shared_person_url = tpage.url

    # Exactly the dataset as sent, row for row, and nothing of the ERS working notes.
    expected = [
        (row["label"], " ".join(str(row["value"] or "Not recorded").split())) for row in dataset_rows(sent.dataset)
    ]
    assert _dataset_as_shown(tpage) == expected
    shown = dict(expected)
    assert shown["Name"] == FULL_NAME
    assert shown["Date of birth"] == long_date(DATE_OF_BIRTH)
    assert shown["Substances"] == f"{Substance.OPIOIDS.label}, {Substance.CRACK.label}"
    assert shown["Reason for referral"] == REASON
    assert shown["ERS contact"] == f"{hub_worker.get_full_name()}, {referral.hub.name} hub"
    text = main_text(tpage)
    for note in ERS_ONLY_NOTES:
        assert note not in text, f"an ERS working note reached the Treatment Service: {note!r}"
    assert "Screening notes" not in text and "Escalations" not in text and "Contact attempts" not in text
    expect(tpage.get_by_role("main")).to_contain_text(
        f"The person agreed on {long_date(timezone.localdate())} to share their information with the Treatment Service."
    )

    # 5. The practitioner records the outcome: accepted, with the first appointment.
    first_appointment = timezone.localdate() + dt.timedelta(days=7)
    tpage.get_by_role("button", name=re.compile(r"^Record the outcome")).click()
    expect(tpage.get_by_role("heading", level=1)).to_contain_text("Record the outcome of the referral")
    checked(tpage)
    tpage.get_by_role("group", name="Has the Treatment Service accepted the referral?").get_by_label(
        "Accepted", exact=True
    ).check()
    appointment = tpage.get_by_role("group", name="Date of the first appointment (optional)")
    appointment.get_by_label("Day").fill(str(first_appointment.day))
    appointment.get_by_label("Month").fill(str(first_appointment.month))
    appointment.get_by_label("Year").fill(str(first_appointment.year))
    tpage.get_by_role("button", name="Save outcome").click()
    expect(tpage.get_by_role("alert")).to_contain_text("Outcome saved")
    expect(tpage.get_by_role("heading", level=1)).to_contain_text(FULL_NAME)
    outcome = tpage.get_by_role("heading", name="Outcome", exact=True).locator("xpath=following-sibling::dl[1]")
    expect(outcome).to_contain_text(str(TreatmentReferral.Status.ACCEPTED.label))
    expect(outcome).to_contain_text(long_date(first_appointment))
    checked(tpage)
    tpage.screenshot(path=str(SHARED_RECORD_SCREENSHOT), full_page=True)

    # 6. The recovery worker sees the outcome on the referral.
    page.reload()
    row = page.get_by_role("table", name="Referrals to the Treatment Service").get_by_role("row").nth(1)
    expect(row.get_by_role("cell").nth(1)).to_contain_text(str(TreatmentReferral.Status.ACCEPTED.label))
    expect(row).to_contain_text(f"First appointment: {short_date(first_appointment)}")
    checked(page)

    # 7. The person withdraws their consent; the recovery worker records it (first without a reason).
    _open_consent_page_from_the_referral(page)
    current = page.get_by_role("table", name="Current decisions about sharing, newest first")
    current.get_by_role("link", name=re.compile(r"^Withdraw")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw sharing with The Treatment Service")
    checked(page)
    page.get_by_role("button", name="Withdraw now").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_text([str(WITHDRAWAL_REASON_REQUIRED)])
    expect(summary).to_be_focused()
    checked(page)
    page.get_by_label("Why is this being withdrawn?").fill(WITHDRAWAL_REASON)
    page.get_by_role("button", name="Withdraw now").click()
    expect(page.get_by_role("alert")).to_contain_text("Withdrawn: The Treatment Service")
    shared_now = page.get_by_role("term").filter(has_text="Organisations that can see the shared record now")
    expect(shared_now.locator("xpath=following-sibling::dd[1]")).to_have_text("None")
    expect(page.get_by_role("table", name="Earlier and withdrawn decisions, newest first")).to_contain_text(
        WITHDRAWAL_REASON
    )
    checked(page)

    # 8. At once: the practitioner's next look is "Page not found", and the list is empty.
    response = tpage.goto(shared_person_url)
    assert response.status == 404
    expect(tpage.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert FULL_NAME not in main_text(tpage)
    checked(tpage)
    tpage.get_by_role("link", name="People shared with us").click()
    expect(tpage.get_by_role("heading", level=1)).to_contain_text("People shared with us")
    expect(tpage.get_by_role("main")).to_contain_text("Nobody has been shared with your organisation yet.")
    assert FULL_NAME not in main_text(tpage)
    checked(tpage)
    assert urlsplit(tpage.url).path == reverse("referrals:shared_people")

    # The withdrawal is in the access log, against the person, by the recovery worker.
    assert AccessLog.objects.filter(action=AccessLog.Action.REVOKE, person_id=person.pk, user=hub_worker).exists()
