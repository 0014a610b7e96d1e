"""Referral to the Treatment Service with the agreed minimum dataset (PAR-3, §3.2.10), its
outcome (§3.19.7, TH KPI 5), the disclosure log (PAR-5) and what a Treatment practitioner may
see (SEC-1): exactly the dataset shared with their organisation, and nothing else."""

import datetime as dt
import html as html_lib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog, Role
from referrals.forms.sharing import NOT_ACCEPTED_REASON_REQUIRED
from referrals.models import (
    Consent,
    ContactAttempt,
    Disclosure,
    Escalation,
    Referral,
    TreatmentReferral,
    TreatmentReferralTransition,
    Triage,
    YesNoUnknown,
)
from referrals.selectors.consent import sharing_basis
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import treatment as treatment_services
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record, consent_withdraw
from tests.factories import OrganisationFactory, ReferralFactory, UserFactory

SCREENING_SECRET = "Screening note: talked about her brother's debts"
RISK_SECRET = "Risk note: partner controls her phone"
CONTACT_SECRET = "Contact note: spoke to her sister first"
ESCALATION_SECRET = "Escalation note: police welfare check requested"
OUTCOME_SECRET = "Triage outcome note: prefers a female worker"
ERS_ONLY_STRINGS = [SCREENING_SECRET, RISK_SECRET, CONTACT_SECRET, ESCALATION_SECRET, OUTCOME_SECRET]


def page(response) -> str:
    return html_lib.unescape(response.content.decode())


def send_url(tr):
    return reverse("referrals:treatment_send", args=[tr.referral.reference, tr.reference])


def shared_url(person):
    return reverse("referrals:shared_person", args=[person.reference])


def outcome_url(tr):
    return reverse("referrals:shared_outcome", args=[tr.referral.person.reference, tr.reference])


SHARED_LIST = reverse("referrals:shared_people")


def referral_for_treatment(spoc, *, pregnant="no", **referral_fields):
    """A referral as the front door leaves it: linked person, screening with notes, a contact
    attempt, an escalation, triaged "ERS support and refer to the Treatment Service"."""
    referral = ReferralFactory(
        subject_given_name="Siân",
        subject_family_name="Ó Briain-Nakamura",
        subject_date_of_birth=dt.date(1990, 5, 17),
        subject_nhs_number="9434765919",
        subject_address="12 Castle Street\nCarlisle",
        subject_postcode="CA3 8SY",
        subject_phone="07700 900123",
        reason="I want help to stop using heroin.",
        received_at=timezone.now() - dt.timedelta(days=2),
        **referral_fields,
    )
    services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.contact_attempt_record(
        referral=referral,
        by=spoc,
        attempted_at=timezone.now() - dt.timedelta(hours=1),
        method=ContactAttempt.Method.PHONE,
        outcome=ContactAttempt.Outcome.MADE_CONTACT,
        notes=CONTACT_SECRET,
    )
    triage_services.triage_save_screening(
        referral=referral,
        by=spoc,
        council_of_residence="cumberland",
        substances=["opioids", "crack"],
        pregnant=pregnant,
        screening_notes=SCREENING_SECRET,
        risk=Triage.Risk.AMBER,
        risk_reasons=[Triage.RiskReason.INJECTING],
        risk_notes=RISK_SECRET,
    )
    triage_services.escalation_record(
        referral=referral,
        by=spoc,
        action=Escalation.Action.MANAGER_INFORMED,
        done_at=timezone.now() - dt.timedelta(minutes=30),
        done_by_name="Jo",
        notes=ESCALATION_SECRET,
    )
    triage_services.triage_complete(
        referral=referral, by=spoc, outcome=Triage.Outcome.BOTH, outcome_reason=OUTCOME_SECRET
    )
    referral.refresh_from_db()
    return referral


def triage_outcome_tr(referral):
    return referral.treatment_referrals.get(reason=TreatmentReferral.Reason.TRIAGE_OUTCOME)


def give_consent(person, by):
    return consent_record(person=person, by=by, recipient=Consent.Recipient.TREATMENT, given=True)


def basis_for(person):
    return sharing_basis(list(Consent.objects.filter(person=person)), recipient=Consent.Recipient.TREATMENT)


def send(tr, by, organisation, **kwargs):
    return treatment_services.treatment_referral_send(
        treatment_referral=tr, by=by, organisation=organisation, consent=basis_for(tr.referral.person), **kwargs
    )


@pytest.fixture
def referral(spoc_practitioner):
    return referral_for_treatment(spoc_practitioner)


@pytest.fixture
def sent(referral, spoc_practitioner, treatment_org):
    give_consent(referral.person, spoc_practitioner)
    return send(triage_outcome_tr(referral), spoc_practitioner, treatment_org)


@pytest.fixture
def treatment_client(client, treatment_practitioner):
    client.force_login(treatment_practitioner)
    return client


# --- Sending needs consent or another lawful basis (§3.16.2) -------------------------------------


def test_sending_without_consent_or_a_lawful_basis_is_refused(referral, spoc_practitioner, treatment_org):
    tr = triage_outcome_tr(referral)
    with pytest.raises(ValidationError) as error:
        treatment_services.treatment_referral_send(
            treatment_referral=tr, by=spoc_practitioner, organisation=treatment_org, consent=None
        )
    assert error.value.message_dict["consent"] == [str(treatment_services.TREATMENT_SEND_NO_BASIS)]
    tr.refresh_from_db()
    assert tr.status == TreatmentReferral.Status.PENDING
    assert not Disclosure.objects.exists()


def test_the_send_page_refuses_without_consent_with_a_specific_message(
    client, referral, spoc_practitioner, treatment_org, treatment_practitioner
):
    tr = triage_outcome_tr(referral)
    client.force_login(spoc_practitioner)
    assert str(treatment_services.TREATMENT_SEND_NO_BASIS) in page(client.get(send_url(tr)))

    response = client.post(send_url(tr), {"organisation": treatment_org.pk, "reason_for_referral": "Help to stop"})

    assert response.status_code == 200
    assert str(treatment_services.TREATMENT_SEND_NO_BASIS) in page(response)
    assert "govuk-error-summary" in page(response)
    assert TreatmentReferral.objects.get(pk=tr.pk).status == TreatmentReferral.Status.PENDING
    client.force_login(treatment_practitioner)
    assert client.get(shared_url(referral.person)).status_code == 404


def test_a_no_from_the_person_is_refused_too(referral, spoc_practitioner, treatment_org):
    consent_record(person=referral.person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=False)
    consent = Consent.objects.get()
    with pytest.raises(ValidationError) as error:
        treatment_services.treatment_referral_send(
            treatment_referral=triage_outcome_tr(referral),
            by=spoc_practitioner,
            organisation=treatment_org,
            consent=consent,
        )
    assert error.value.message_dict["consent"] == [str(treatment_services.TREATMENT_SEND_NO_BASIS)]


def test_withdrawn_consent_is_refused(referral, spoc_practitioner, treatment_org):
    consent = give_consent(referral.person, spoc_practitioner)
    consent_withdraw(consent=consent, by=spoc_practitioner, reason="Changed their mind")
    with pytest.raises(ValidationError):
        treatment_services.treatment_referral_send(
            treatment_referral=triage_outcome_tr(referral),
            by=spoc_practitioner,
            organisation=treatment_org,
            consent=Consent.objects.get(),
        )


def test_consent_to_share_with_someone_else_does_not_cover_treatment(referral, spoc_practitioner, treatment_org):
    gp = consent_record(person=referral.person, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True)
    with pytest.raises(ValidationError):
        treatment_services.treatment_referral_send(
            treatment_referral=triage_outcome_tr(referral), by=spoc_practitioner, organisation=treatment_org, consent=gp
        )


def test_another_recorded_lawful_basis_allows_sending_without_consent(referral, spoc_practitioner, treatment_org):
    consent_record(
        person=referral.person,
        by=spoc_practitioner,
        recipient=Consent.Recipient.TREATMENT,
        given=False,
        lawful_basis=Consent.LawfulBasis.SAFEGUARDING,
        basis_note="Unborn baby on a child protection plan.",
    )
    tr = send(triage_outcome_tr(referral), spoc_practitioner, treatment_org)
    assert tr.status == TreatmentReferral.Status.SENT
    assert Disclosure.objects.get().lawful_basis == Consent.LawfulBasis.SAFEGUARDING


def test_treatment_sees_the_basis_but_not_the_ers_note_explaining_it(
    client, referral, spoc_practitioner, treatment_org, treatment_practitioner
):
    consent_record(person=referral.person, by=spoc_practitioner, recipient=Consent.Recipient.TREATMENT, given=False)
    consent_record(
        person=referral.person,
        by=spoc_practitioner,
        recipient=Consent.Recipient.TREATMENT,
        given=False,
        lawful_basis=Consent.LawfulBasis.VITAL_INTERESTS,
        basis_note="Overdosed twice this week; the manager agreed to share.",
    )
    send(triage_outcome_tr(referral), spoc_practitioner, treatment_org)
    client.force_login(treatment_practitioner)

    html = page(client.get(shared_url(referral.person)))

    assert "The person did not agree to share their information with the Treatment Service" in html
    assert "Shared without consent on this lawful basis: Vital interests" in html
    assert "Overdosed twice this week" not in html


def test_a_referral_without_a_person_record_cannot_be_sent(spoc_practitioner, treatment_org):
    referral = ReferralFactory(pregnant="yes")
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland", pregnant="yes"
    )
    tr = referral.treatment_referrals.get()
    with pytest.raises(ValidationError) as error:
        treatment_services.treatment_referral_send(
            treatment_referral=tr, by=spoc_practitioner, organisation=treatment_org, consent=None
        )
    assert error.value.messages == [str(treatment_services.TREATMENT_SEND_NO_PERSON)]


def test_only_a_treatment_organisation_can_be_sent_to(referral, spoc_practitioner, council):
    give_consent(referral.person, spoc_practitioner)
    with pytest.raises(ValidationError) as error:
        send(triage_outcome_tr(referral), spoc_practitioner, council)
    assert error.value.message_dict["organisation"] == [str(treatment_services.TREATMENT_SEND_NOT_TREATMENT)]


def test_a_referral_is_sent_once(sent, spoc_practitioner, treatment_org):
    with pytest.raises(ValidationError) as error:
        send(sent, spoc_practitioner, treatment_org)
    assert error.value.messages == [str(treatment_services.TREATMENT_SEND_ALREADY_SENT)]


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "outsider"])
def test_only_ers_staff_send(referral, spoc_practitioner, treatment_org, request, persona):
    give_consent(referral.person, spoc_practitioner)
    with pytest.raises(PermissionDenied):
        send(triage_outcome_tr(referral), request.getfixturevalue(persona), treatment_org)


# --- What is sent, and the disclosure log (§3.2.10, PAR-5) ------------------------------------------


def test_sending_prefills_the_dataset_from_what_is_recorded(sent, referral, spoc_practitioner, treatment_org):
    dataset = sent.dataset
    assert dataset["name"] == "Siân Ó Briain-Nakamura"
    assert dataset["date_of_birth"] == "1990-05-17"
    assert dataset["nhs_number"] == "9434765919"
    assert dataset["address"] == "12 Castle Street\nCarlisle"
    assert dataset["postcode"] == "CA3 8SY"
    assert dataset["phone"] == "07700 900123"
    assert dataset["substances"] == ["opioids", "crack"]
    assert dataset["risk_summary"] == "Amber risk at triage: Injecting"
    assert dataset["reason_for_referral"] == "I want help to stop using heroin."
    assert dataset["pregnant"] == "no"
    assert dataset["lawful_basis"] == Consent.LawfulBasis.CONSENT
    assert dataset["ers_reference"] == referral.reference
    for secret in ERS_ONLY_STRINGS:
        assert secret not in str(dataset)

    assert sent.status == TreatmentReferral.Status.SENT
    assert sent.sent_by == spoc_practitioner
    assert sent.organisation == treatment_org
    transition = TreatmentReferralTransition.objects.get(treatment_referral=sent)
    assert (transition.from_status, transition.to_status, transition.by) == ("pending", "sent", spoc_practitioner)
    # ERS support carries on (§3.19.3): the referral itself is untouched.
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.TRIAGED


def test_sending_writes_a_disclosure_and_an_access_log_row(sent, referral, spoc_practitioner, treatment_org):
    disclosure = Disclosure.objects.get()
    assert disclosure.person_id == referral.person_id
    assert disclosure.to_organisation == treatment_org
    assert disclosure.to_organisation_name == treatment_org.name
    assert disclosure.dataset == Disclosure.Dataset.TREATMENT_REFERRAL
    assert disclosure.lawful_basis == Consent.LawfulBasis.CONSENT
    assert disclosure.consent == sent.sharing_basis
    assert disclosure.by == spoc_practitioner
    # What was sent, never the data itself.
    assert "Siân" not in disclosure.description and "9434765919" not in disclosure.description
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DISCLOSE, user=spoc_practitioner, person_id=referral.person_id
    ).exists()


def test_the_send_page_shows_the_prefilled_dataset_and_sends_it(client, referral, spoc_practitioner, treatment_org):
    give_consent(referral.person, spoc_practitioner)
    triage_services.warm_introduction_record(
        referral=referral,
        by=spoc_practitioner,
        introduced_to="Alex Morgan",
        organisation="Cumbria Treatment Service",
        introduced_at=timezone.now() - dt.timedelta(minutes=10),
    )
    tr = triage_outcome_tr(referral)
    client.force_login(spoc_practitioner)

    response = client.get(send_url(tr))

    html = page(response)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for text in ["Siân Ó Briain-Nakamura", "17 May 1990", "9434765919", "CA3 8SY", "Opioids", "Crack cocaine"]:
        assert text in html, text
    assert "Amber risk at triage: Injecting" in html  # editable, pre-filled
    assert "I want help to stop using heroin." in html
    assert SCREENING_SECRET not in html and RISK_SECRET not in html
    assert AccessLog.objects.filter(user=spoc_practitioner, object_type="referrals.referral").exists()

    intro = referral.warm_introductions.get()
    response = client.post(
        send_url(tr),
        {
            "organisation": treatment_org.pk,
            "reason_for_referral": "Wants a methadone script.",
            "risk_summary": "Amber: injecting",
            "warm_introduction": intro.pk,
        },
    )

    assert response.status_code == 302
    tr.refresh_from_db()
    assert tr.status == TreatmentReferral.Status.SENT
    assert tr.warm_introduction == intro
    assert tr.dataset["reason_for_referral"] == "Wants a methadone script."
    assert "Alex Morgan" in tr.dataset["warm_introduction"]
    assert "Referral sent to Cumbria Treatment Service (demo)" in page(client.get(response.url))


def test_the_automatic_pregnancy_referral_is_sent_through_the_same_page(
    client, spoc_practitioner, treatment_org, treatment_practitioner
):
    referral = referral_for_treatment(spoc_practitioner, pregnant="yes")
    automatic = referral.treatment_referrals.get(reason=TreatmentReferral.Reason.PREGNANT)
    assert automatic.automatic
    give_consent(referral.person, spoc_practitioner)
    client.force_login(spoc_practitioner)
    detail = page(client.get(reverse("referrals:detail", args=[referral.reference])))
    assert send_url(automatic) in detail

    response = client.post(send_url(automatic), {"organisation": treatment_org.pk, "reason_for_referral": "Pregnant"})

    assert response.status_code == 302
    automatic.refresh_from_db()
    assert automatic.status == TreatmentReferral.Status.SENT
    assert automatic.dataset["pregnant"] == "yes"
    client.force_login(treatment_practitioner)
    assert "Pregnant: automatic referral to the Treatment Service" in page(client.get(shared_url(referral.person)))


def test_the_send_form_says_what_is_missing(client, referral, spoc_practitioner):
    give_consent(referral.person, spoc_practitioner)
    tr = triage_outcome_tr(referral)
    client.force_login(spoc_practitioner)
    response = client.post(send_url(tr), {"organisation": "", "reason_for_referral": "", "risk_summary": "x" * 1001})
    html = page(response)
    assert response.status_code == 200
    assert "Select the Treatment Service to send the referral to" in html
    assert "Enter the reason for the referral" in html
    assert "The risk summary must be 1,000 characters or fewer" in html
    assert TreatmentReferral.objects.get(pk=tr.pk).status == TreatmentReferral.Status.PENDING


def test_an_allocated_hub_worker_sends_but_a_peer_worker_may_not(
    client, spoc_practitioner, hub, hub_worker, peer_worker, treatment_org
):
    referral = referral_for_treatment(spoc_practitioner)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    give_consent(referral.person, spoc_practitioner)
    tr = triage_outcome_tr(referral)

    client.force_login(peer_worker)
    assert client.get(send_url(tr)).status_code in (403, 404)

    client.force_login(hub_worker)
    assert client.get(send_url(tr)).status_code == 200
    response = client.post(send_url(tr), {"organisation": treatment_org.pk, "reason_for_referral": "Script"})
    assert response.status_code == 302
    tr.refresh_from_db()
    assert tr.sent_by == hub_worker
    assert tr.dataset["ers_contact"].endswith("Carlisle hub")
    # ERS support continues: still allocated to the same worker.
    referral.refresh_from_db()
    assert (referral.status, referral.allocated_worker) == (Referral.Status.ALLOCATED, hub_worker)


# --- What the Treatment practitioner sees (SEC-1) ----------------------------------------------------


def test_the_treatment_practitioner_sees_exactly_the_dataset_and_no_ers_notes(
    treatment_client, sent, referral, treatment_practitioner
):
    response = treatment_client.get(shared_url(referral.person))

    assert response.status_code == 200
    html = page(response)
    assert html.count("<h1") == 1
    for text in [
        "Siân Ó Briain-Nakamura",
        "17 May 1990",
        "9434765919",
        "12 Castle Street",
        "07700 900123",
        "Opioids (for example heroin), Crack cocaine",
        "Amber risk at triage: Injecting",
        "I want help to stop using heroin.",
        "The person agreed on",
    ]:
        assert text in html, text
    for secret in ERS_ONLY_STRINGS:
        assert secret not in html, secret
    # No way into the ERS record from here.
    assert reverse("referrals:detail", args=[referral.reference]) not in html
    assert reverse("referrals:person", args=[referral.person.reference]) not in html
    assert AccessLog.objects.filter(
        user=treatment_practitioner, action=AccessLog.Action.VIEW, person_id=referral.person_id
    ).exists()


def test_people_shared_with_us_lists_only_shared_people(
    treatment_client, sent, referral, spoc_practitioner, treatment_practitioner
):
    unshared = referral_for_treatment(spoc_practitioner, subject_email="x@example.org")
    unshared.person.given_name = "Unshared"
    unshared.person.save()

    response = treatment_client.get(SHARED_LIST)

    html = page(response)
    assert response.status_code == 200
    assert "Siân Ó Briain-Nakamura" in html
    assert shared_url(referral.person) in html
    assert shared_url(unshared.person) not in html
    assert "Unshared" not in html
    # One row for the list, naming exactly the people shown (SEC-2).
    (log,) = AccessLog.objects.filter(user=treatment_practitioner, reason="People shared with us, page 1")
    assert (log.object_type, log.object_id, log.person_id) == ("referrals.person", 0, None)
    assert list(log.subjects.values_list("person_id", flat=True)) == [referral.person_id]


def test_home_sends_a_treatment_practitioner_to_their_list(treatment_client):
    response = treatment_client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == SHARED_LIST


def test_another_treatment_organisation_sees_nothing(client, sent, referral):
    other_org = OrganisationFactory(name="Another Treatment Service", kind="treatment")
    other = UserFactory(
        username="othertreatment", membership__organisation=other_org, membership__role=Role.TREATMENT_PRACTITIONER
    )
    client.force_login(other)
    assert client.get(shared_url(referral.person)).status_code == 404
    assert client.get(outcome_url(sent)).status_code == 404
    assert "Ó Briain-Nakamura" not in page(client.get(SHARED_LIST))


def test_an_unshared_person_is_not_found_by_any_url(
    treatment_client, referral, spoc_practitioner, treatment_practitioner
):
    tr = triage_outcome_tr(referral)
    consent = give_consent(referral.person, spoc_practitioner)  # consent, but not sent: not shared
    person = referral.person
    for url in [
        shared_url(person),
        outcome_url(tr),
        reverse("referrals:person", args=[person.reference]),
        reverse("referrals:detail", args=[referral.reference]),
        reverse("referrals:history", args=[referral.reference]),
        reverse("referrals:consent", args=[person.reference]),
        reverse("referrals:consent_new", args=[person.reference]),
        reverse("referrals:consent_withdraw", args=[person.reference, consent.pk]),
        send_url(tr),
        reverse("referrals:onward_new", args=[referral.reference]),
    ]:
        assert treatment_client.get(url).status_code == 404, url
    assert treatment_client.post(outcome_url(tr), {"outcome": "accepted"}).status_code == 404
    assert not AccessLog.objects.filter(user=treatment_practitioner).exists()


def test_a_shared_person_still_cannot_reach_the_ers_record(treatment_client, sent, referral):
    for url in [
        reverse("referrals:detail", args=[referral.reference]),
        reverse("referrals:history", args=[referral.reference]),
        reverse("referrals:person", args=[referral.person.reference]),
        reverse("referrals:contact", args=[referral.reference]),
        reverse("referrals:screening", args=[referral.reference]),
        reverse("referrals:escalation", args=[referral.reference]),
        send_url(sent),
        reverse("referrals:onward_new", args=[referral.reference]),
    ]:
        assert treatment_client.get(url).status_code in (403, 404), url


def test_withdrawing_consent_removes_access_on_the_next_request(treatment_client, sent, referral, spoc_practitioner):
    assert treatment_client.get(shared_url(referral.person)).status_code == 200
    consent_withdraw(consent=sent.sharing_basis, by=spoc_practitioner, reason="Asked us to stop sharing")
    assert treatment_client.get(shared_url(referral.person)).status_code == 404
    assert treatment_client.get(outcome_url(sent)).status_code == 404
    assert "Ó Briain-Nakamura" not in page(treatment_client.get(SHARED_LIST))


@pytest.mark.parametrize("persona", ["spoc_practitioner", "hub_worker", "commissioner", "outsider"])
def test_treatment_pages_are_for_treatment_practitioners_only(client, sent, referral, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in [SHARED_LIST, shared_url(referral.person), outcome_url(sent)]:
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client, sent, referral):
    for url in [SHARED_LIST, shared_url(referral.person), outcome_url(sent), send_url(sent)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- The outcome, recorded by Treatment and seen by both services (§3.19.7, TH KPI 5) -------------------


def test_the_treatment_practitioner_records_the_outcome_and_both_services_see_it(
    client, sent, referral, spoc_practitioner, treatment_practitioner
):
    client.force_login(treatment_practitioner)
    form_page = client.get(outcome_url(sent))
    assert form_page.status_code == 200
    assert AccessLog.objects.filter(user=treatment_practitioner, object_type="referrals.treatmentreferral").exists()
    today = timezone.localdate()
    response = client.post(
        outcome_url(sent),
        {
            "outcome": "accepted",
            "first_appointment_on_0": today.day,
            "first_appointment_on_1": today.month,
            "first_appointment_on_2": today.year,
            "treatment_started_on_0": today.day,
            "treatment_started_on_1": today.month,
            "treatment_started_on_2": today.year,
        },
    )
    assert response.status_code == 302

    sent.refresh_from_db()
    assert sent.status == TreatmentReferral.Status.ACCEPTED
    assert (sent.first_appointment_on, sent.treatment_started_on) == (today, today)
    assert sent.outcome_recorded_by == treatment_practitioner
    assert sent.transitions.last().to_status == TreatmentReferral.Status.ACCEPTED
    when = f"{today.day} {today.strftime('%b')} {today.year}"
    assert "Accepted" in page(client.get(shared_url(referral.person)))

    client.force_login(spoc_practitioner)
    ers_page = page(client.get(reverse("referrals:detail", args=[referral.reference])))
    assert "Accepted" in ers_page
    assert f"Treatment started: {when}" in ers_page


def test_not_accepted_needs_a_reason(treatment_client, sent):
    response = treatment_client.post(outcome_url(sent), {"outcome": "declined", "reason": ""})
    assert response.status_code == 200
    assert str(NOT_ACCEPTED_REASON_REQUIRED) in page(response)
    sent.refresh_from_db()
    assert sent.status == TreatmentReferral.Status.SENT


def test_not_accepted_with_a_reason_is_shown_to_ers(client, sent, referral, treatment_practitioner, spoc_practitioner):
    client.force_login(treatment_practitioner)
    client.post(outcome_url(sent), {"outcome": "declined", "reason": "Already open to our Barrow team"})
    sent.refresh_from_db()
    assert sent.status == TreatmentReferral.Status.DECLINED
    client.force_login(spoc_practitioner)
    assert "Not accepted: Already open to our Barrow team" in page(
        client.get(reverse("referrals:detail", args=[referral.reference]))
    )


def test_treatment_cannot_have_started_in_the_future(sent, treatment_practitioner):
    with pytest.raises(ValidationError) as error:
        treatment_services.treatment_referral_record_outcome(
            treatment_referral=sent,
            by=treatment_practitioner,
            accepted=True,
            treatment_started_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert error.value.message_dict == {"treatment_started_on": [str(treatment_services.TREATMENT_START_IN_FUTURE)]}


def test_a_first_appointment_may_be_booked_ahead(sent, treatment_practitioner):
    ahead = timezone.localdate() + dt.timedelta(days=7)
    tr = treatment_services.treatment_referral_record_outcome(
        treatment_referral=sent, by=treatment_practitioner, accepted=True, first_appointment_on=ahead
    )
    assert tr.first_appointment_on == ahead


def test_impossible_dates_get_a_message_not_an_error(treatment_client, sent):
    response = treatment_client.post(
        outcome_url(sent),
        {
            "outcome": "accepted",
            "first_appointment_on_0": "31",
            "first_appointment_on_1": "2",
            "first_appointment_on_2": "2026",
        },
    )
    assert response.status_code == 200
    assert "The date must be a real date" in page(response)


@pytest.mark.parametrize("persona", ["spoc_practitioner", "commissioner"])
def test_only_the_treatment_service_records_the_outcome(sent, request, persona):
    with pytest.raises(PermissionDenied):
        treatment_services.treatment_referral_record_outcome(
            treatment_referral=sent, by=request.getfixturevalue(persona), accepted=True
        )


def test_an_unsent_referral_has_no_outcome_page(treatment_client, referral, spoc_practitioner, treatment_org):
    # The person is shared through one referral; another, still pending, has no outcome page.
    referral_two = referral_for_treatment(spoc_practitioner, pregnant="yes")
    give_consent(referral_two.person, spoc_practitioner)
    send(referral_two.treatment_referrals.get(), spoc_practitioner, treatment_org)
    # Screening then finds them open to Children's Services: a new reason, a new referral.
    triage_services.triage_save_screening(
        referral=referral_two, by=spoc_practitioner, open_to_childrens_services=YesNoUnknown.YES
    )
    pending = referral_two.treatment_referrals.get(status=TreatmentReferral.Status.PENDING)
    assert pending.reasons == [TreatmentReferral.Reason.CHILDRENS_SERVICES]
    assert treatment_client.get(outcome_url(pending)).status_code == 404


# --- Query counts (CONVENTIONS) --------------------------------------------------------------------------


def _shared_people(spoc, organisation, count):
    people = []
    for n in range(count):
        referral = ReferralFactory(subject_given_name=f"Person{n}", subject_family_name="Shared")
        services.person_create_from_referral(referral=referral, by=spoc)
        triage_services.triage_save_screening(
            referral=referral, by=spoc, council_of_residence="cumberland", risk="green"
        )
        triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.TREATMENT)
        give_consent(referral.person, spoc)
        send(triage_outcome_tr(referral), spoc, organisation)
        people.append(referral.person)
    return people


@pytest.mark.parametrize("size", [1, 12])
def test_people_shared_with_us_costs_the_same_queries_at_any_size(
    treatment_client, spoc_practitioner, treatment_org, size, django_assert_max_num_queries
):
    _shared_people(spoc_practitioner, treatment_org, size)
    treatment_client.get(SHARED_LIST)  # warm the content-type cache
    with django_assert_max_num_queries(14):
        response = treatment_client.get(SHARED_LIST)
    assert page(response).count("Shared</a>") == size


@pytest.mark.parametrize("size", [1, 3])
def test_the_shared_record_costs_the_same_queries_at_any_size(
    treatment_client, spoc_practitioner, treatment_org, size, django_assert_max_num_queries
):
    # One person referred several times (new referrals after earlier ones closed).
    person = _shared_people(spoc_practitioner, treatment_org, 1)[0]
    for _n in range(size - 1):
        referral = ReferralFactory(person=person)
        triage_services.triage_save_screening(
            referral=referral, by=spoc_practitioner, council_of_residence="cumberland", risk="green"
        )
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.TREATMENT)
        send(triage_outcome_tr(referral), spoc_practitioner, treatment_org)
    treatment_client.get(shared_url(person))
    # 14, and one for the safeguarding concerns shared with the organisation (none here: SAF-1).
    with django_assert_max_num_queries(15):
        response = treatment_client.get(shared_url(person))
    assert page(response).count("The minimum dataset as sent") == size
