"""Onward referrals to other services with outcome tracking (PAR-4, §3.19.4, §3.19.7); sending
the person's details is a logged disclosure with its lawful basis (PAR-5)."""

import datetime as dt
import html as html_lib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from referrals.forms.sharing import ONWARD_OUTCOME_REQUIRED, ORGANISATION_NAME_REQUIRED, SERVICE_TYPE_REQUIRED
from referrals.models import Consent, Disclosure, OnwardReferral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import onward as onward_services
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record
from tests.factories import PersonFactory, ReferralFactory


def page(response) -> str:
    return html_lib.unescape(response.content.decode())


def new_url(referral):
    return reverse("referrals:onward_new", args=[referral.reference])


def outcome_url(onward):
    return reverse("referrals:onward_outcome", args=[onward.referral.reference, onward.pk])


def detail_url(referral):
    return reverse("referrals:detail", args=[referral.reference])


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


@pytest.fixture
def referral(spoc_practitioner):
    referral = ReferralFactory(person=PersonFactory(given_name="Siân", family_name="Ó Briain-Nakamura"))
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, council_of_residence="cumberland", risk="green"
    )
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.ERS)
    return referral


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


def housing_consent(person, by, **fields):
    return consent_record(
        person=person,
        by=by,
        recipient=Consent.Recipient.OTHER_AGENCY,
        agency_name="Carlisle Housing Options",
        given=True,
        **fields,
    )


def test_an_onward_referral_without_personal_data_logs_no_disclosure(referral, spoc_practitioner):
    onward = onward_services.onward_referral_record(
        referral=referral,
        by=spoc_practitioner,
        service_type=OnwardReferral.ServiceType.COUNSELLING,
        organisation_name="Eden Counselling",
        notes="Person will self-refer; we gave them the number.",
    )
    assert onward.person == referral.person
    assert onward.sent_by == spoc_practitioner
    assert onward.outcome == ""
    assert onward.history.get().history_user == spoc_practitioner
    assert not Disclosure.objects.exists()


def test_sending_details_with_consent_writes_a_disclosure(referral, spoc_practitioner):
    consent = housing_consent(referral.person, spoc_practitioner)
    onward = onward_services.onward_referral_record(
        referral=referral,
        by=spoc_practitioner,
        service_type=OnwardReferral.ServiceType.HOUSING,
        organisation_name="Carlisle Housing Options",
        share_personal_data=True,
        sharing_basis=consent,
    )
    disclosure = Disclosure.objects.get()
    assert disclosure.person_id == referral.person_id
    assert disclosure.to_organisation is None
    assert disclosure.to_organisation_name == "Carlisle Housing Options"
    assert disclosure.dataset == Disclosure.Dataset.ONWARD_REFERRAL
    assert disclosure.lawful_basis == Consent.LawfulBasis.CONSENT
    assert disclosure.consent == consent
    assert disclosure.by == spoc_practitioner
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DISCLOSE, object_type="referrals.onwardreferral", object_id=onward.pk
    ).exists()


def test_sending_details_without_a_lawful_basis_is_refused(referral, spoc_practitioner):
    with pytest.raises(ValidationError) as error:
        onward_services.onward_referral_record(
            referral=referral,
            by=spoc_practitioner,
            service_type=OnwardReferral.ServiceType.HOUSING,
            organisation_name="Carlisle Housing Options",
            share_personal_data=True,
        )
    assert error.value.message_dict == {"sharing_basis": [str(onward_services.ONWARD_NO_BASIS)]}
    assert not OnwardReferral.objects.exists()
    assert not Disclosure.objects.exists()


def test_gp_consent_does_not_cover_a_housing_referral(referral, spoc_practitioner):
    gp = consent_record(person=referral.person, by=spoc_practitioner, recipient=Consent.Recipient.GP, given=True)
    with pytest.raises(ValidationError):
        onward_services.onward_referral_record(
            referral=referral,
            by=spoc_practitioner,
            service_type=OnwardReferral.ServiceType.HOUSING,
            organisation_name="Carlisle Housing Options",
            share_personal_data=True,
            sharing_basis=gp,
        )


def test_a_referral_in_the_future_is_refused(referral, spoc_practitioner):
    with pytest.raises(ValidationError) as error:
        onward_services.onward_referral_record(
            referral=referral,
            by=spoc_practitioner,
            service_type=OnwardReferral.ServiceType.HOUSING,
            organisation_name="Housing",
            sent_at=timezone.now() + dt.timedelta(days=2),
        )
    assert "sent_at" in error.value.message_dict


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "outsider", "hub_worker"])
def test_only_ers_staff_who_can_see_the_referral_record_one(referral, request, persona):
    with pytest.raises(PermissionDenied):
        onward_services.onward_referral_record(
            referral=referral,
            by=request.getfixturevalue(persona),
            service_type=OnwardReferral.ServiceType.HOUSING,
            organisation_name="Housing",
        )


# --- The pages ----------------------------------------------------------------------------------------


def test_recording_an_onward_referral_and_its_outcome_through_the_pages(spoc_client, referral, spoc_practitioner):
    consent = housing_consent(referral.person, spoc_practitioner)
    form = spoc_client.get(new_url(referral))
    assert form.status_code == 200
    assert "Consent to share with Carlisle Housing Options" in page(form)

    today = timezone.localdate()
    response = spoc_client.post(
        new_url(referral),
        {
            "service_type": "housing",
            "organisation_name": "Carlisle Housing Options",
            **date_fields("referred_on", today),
            "share_personal_data": "yes",
            "sharing_basis": consent.pk,
            "notes": "Sofa-surfing since March.",
        },
    )
    assert response.status_code == 302
    onward = OnwardReferral.objects.get()
    assert onward.shared_personal_data and onward.sharing_basis == consent
    assert Disclosure.objects.count() == 1

    detail = page(spoc_client.get(detail_url(referral)))
    assert "Carlisle Housing Options" in detail
    assert "Waiting for an outcome" in detail
    assert outcome_url(onward) in detail

    response = spoc_client.post(
        outcome_url(onward), {"outcome": "accepted", **date_fields("outcome_on", today), "notes": "Room offered"}
    )
    assert response.status_code == 302
    onward.refresh_from_db()
    assert (onward.outcome, onward.outcome_on, onward.outcome_recorded_by) == ("accepted", today, spoc_practitioner)
    detail = page(spoc_client.get(detail_url(referral)))
    assert "Waiting for an outcome" not in detail
    assert "Accepted" in detail and "Room offered" in detail


@pytest.mark.parametrize("outcome", list(OnwardReferral.Outcome.values))
def test_every_outcome_can_be_recorded(referral, spoc_practitioner, outcome):
    onward = onward_services.onward_referral_record(
        referral=referral, by=spoc_practitioner, service_type="mental_health", organisation_name="Crisis team"
    )
    onward_services.onward_referral_record_outcome(onward_referral=onward, by=spoc_practitioner, outcome=outcome)
    onward.refresh_from_db()
    assert onward.outcome == outcome
    assert onward.outcome_on == timezone.localdate()


def test_an_outcome_cannot_be_in_the_future_or_before_the_referral(referral, spoc_practitioner):
    onward = onward_services.onward_referral_record(
        referral=referral, by=spoc_practitioner, service_type="employment", organisation_name="Jobcentre Plus"
    )
    for day in (timezone.localdate() + dt.timedelta(days=1), timezone.localdate() - dt.timedelta(days=10)):
        with pytest.raises(ValidationError) as error:
            onward_services.onward_referral_record_outcome(
                onward_referral=onward, by=spoc_practitioner, outcome="accepted", outcome_on=day
            )
        assert "outcome_on" in error.value.message_dict


def test_the_forms_say_what_is_missing_and_keep_what_was_typed(spoc_client, referral, spoc_practitioner):
    response = spoc_client.post(
        new_url(referral), {"organisation_name": "", "notes": "Siân's notes", "share_personal_data": "yes"}
    )
    html = page(response)
    assert response.status_code == 200
    assert str(SERVICE_TYPE_REQUIRED) in html
    assert str(ORGANISATION_NAME_REQUIRED) in html
    assert "Siân's notes" in html
    assert "No consent or other lawful basis for sharing with another agency is recorded" in html

    onward = onward_services.onward_referral_record(
        referral=referral, by=spoc_practitioner, service_type="gp", organisation_name="Fusehill Medical Practice"
    )
    response = spoc_client.post(outcome_url(onward), {"outcome": "", "outcome_on_0": "31", "outcome_on_1": "2"})
    html = page(response)
    assert str(ONWARD_OUTCOME_REQUIRED) in html
    assert "The date must include a year" in html


def test_sharing_on_the_page_without_a_basis_is_refused_with_a_message(spoc_client, referral):
    response = spoc_client.post(
        new_url(referral),
        {
            "service_type": "housing",
            "organisation_name": "Carlisle Housing Options",
            **date_fields("referred_on", timezone.localdate()),
            "share_personal_data": "yes",
        },
    )
    assert response.status_code == 200
    assert str(onward_services.ONWARD_NO_BASIS) in page(response)
    assert not OnwardReferral.objects.exists()


def test_each_page_view_is_access_logged(spoc_client, referral, spoc_practitioner):
    onward = onward_services.onward_referral_record(
        referral=referral, by=spoc_practitioner, service_type="housing", organisation_name="Housing"
    )
    spoc_client.get(new_url(referral))
    spoc_client.get(outcome_url(onward))
    reasons = set(
        AccessLog.objects.filter(user=spoc_practitioner, action=AccessLog.Action.VIEW).values_list("reason", flat=True)
    )
    assert {"Onward referral", "Onward referral outcome"} <= reasons


@pytest.mark.parametrize("persona", ["treatment_practitioner", "commissioner", "outsider", "hub_worker", "peer_worker"])
def test_people_who_cannot_see_the_referral_get_not_found(client, referral, spoc_practitioner, request, persona):
    onward = onward_services.onward_referral_record(
        referral=referral, by=spoc_practitioner, service_type="housing", organisation_name="Housing"
    )
    client.force_login(request.getfixturevalue(persona))
    assert client.get(new_url(referral)).status_code == 404
    assert client.get(outcome_url(onward)).status_code == 404
    assert client.post(outcome_url(onward), {"outcome": "accepted"}).status_code == 404
    onward.refresh_from_db()
    assert onward.outcome == ""


def test_an_allocated_worker_records_onward_referrals(client, referral, spoc_practitioner, hub, hub_worker):
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    client.force_login(hub_worker)
    response = client.post(
        new_url(referral),
        {
            "service_type": "employment",
            "organisation_name": "Jobcentre Plus",
            **date_fields("referred_on", timezone.localdate()),
            "share_personal_data": "no",
        },
    )
    assert response.status_code == 302
    assert OnwardReferral.objects.get().sent_by == hub_worker


def test_an_onward_referral_on_another_referral_is_not_found(spoc_client, referral, spoc_practitioner):
    other = ReferralFactory()
    onward = onward_services.onward_referral_record(
        referral=other, by=spoc_practitioner, service_type="housing", organisation_name="Housing"
    )
    url = reverse("referrals:onward_outcome", args=[referral.reference, onward.pk])
    assert spoc_client.get(url).status_code == 404


def test_the_referral_page_costs_the_same_queries_however_many_onward_referrals(
    spoc_client, referral, spoc_practitioner
):
    def add(count):
        for n in range(count):
            onward = onward_services.onward_referral_record(
                referral=referral, by=spoc_practitioner, service_type="housing", organisation_name=f"Agency {n}"
            )
            onward_services.onward_referral_record_outcome(
                onward_referral=onward, by=spoc_practitioner, outcome="no_response"
            )

    def queries():
        spoc_client.get(detail_url(referral))  # warm caches
        with CaptureQueriesContext(connection) as captured:
            response = spoc_client.get(detail_url(referral))
        return len(captured.captured_queries), page(response)

    add(1)
    with_one, _html = queries()
    add(11)
    with_twelve, html = queries()
    assert with_one == with_twelve
    assert html.count("Record outcome") == 12
